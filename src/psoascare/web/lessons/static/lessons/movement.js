// The psoas in motion: each movement's frames loop beside the model's length curve, the curve's dot on
// the frame shown. Frames are fetched only when the loop first plays (when it scrolls into view, or on
// Play); with prefers-reduced-motion it stays still until the reader presses Play. Play/Pause is a real
// button, so it works from the keyboard.
(function () {
  const dataNode = document.getElementById("movement-data");
  if (!dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const ns = "http://www.w3.org/2000/svg";
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const FRAME_MS = 220;

  document.querySelectorAll("figure.movement").forEach((figure) => {
    const movement = data[figure.dataset.movement];
    if (!movement || !movement.frames.length) return;
    const image = figure.querySelector(".movement-image");
    const overlay = figure.querySelector(".figure-labels");
    const curve = figure.querySelector(".movement-curve");
    const button = figure.querySelector(".movement-toggle");
    const readout = figure.querySelector(".movement-readout");
    const frames = movement.frames;
    const points = movement.curve;
    const changes = points.map((p) => p.change_pct);
    const low = Math.min(...changes, 0) - 1, high = Math.max(...changes, 0) + 1;
    const x = (percent) => 40 + (percent / 100) * 265;
    const y = (change) => 150 - ((change - low) / (high - low)) * 135;
    const add = (name, attrs, text) => {
      const el = document.createElementNS(ns, name);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (text) el.textContent = text;
      curve.appendChild(el);
      return el;
    };
    add("line", { x1: 40, y1: y(0), x2: 305, y2: y(0), stroke: "#9aa5b1", "stroke-dasharray": "4 3" });
    add("text", { x: 306, y: y(0) - 4, "text-anchor": "end", "font-size": 10 }, "standing");
    add("line", { x1: 40, y1: 15, x2: 40, y2: 150, stroke: "#5b6b7c" });
    add("line", { x1: 40, y1: 150, x2: 305, y2: 150, stroke: "#5b6b7c" });
    add("text", { x: 172, y: 176, "text-anchor": "middle", "font-size": 11 }, "% of the cycle");
    [0, 50, 100].forEach((percent) =>
      add("text", { x: x(percent), y: 162, "text-anchor": "middle", "font-size": 9 }, String(percent)));
    add("text", { x: 34, y: y(high - 1) + 4, "text-anchor": "end", "font-size": 9 }, `+${Math.round(high - 1)} %`);
    add("text", { x: 34, y: y(low + 1) + 4, "text-anchor": "end", "font-size": 9 }, `${Math.round(low + 1)} %`);
    add("polyline", {
      points: points.map((p) => `${x(p.percent)},${y(p.change_pct)}`).join(" "),
      fill: "none", stroke: "#b3261e", "stroke-width": 2.5,
    });
    const marker = add("circle", { r: 6, fill: "#1a5fb4" });

    let index = 0, timer = null, loaded = false;
    // Labels follow the picture once it has loaded, so they never point into an empty frame.
    image.addEventListener("load", () => {
      if (window.PsoasLabels) window.PsoasLabels.draw(overlay, frames[index].labels);
    });
    function show(i) {
      index = i % frames.length;
      const frame = frames[index];
      if (image.getAttribute("src") !== frame.url) image.src = frame.url;
      else if (image.complete && image.naturalWidth && window.PsoasLabels) window.PsoasLabels.draw(overlay, frame.labels);
      marker.setAttribute("cx", x(frame.percent));
      marker.setAttribute("cy", y(frame.change_pct));
      readout.textContent = frame.caption;
    }
    function preload() {
      if (loaded) return;
      loaded = true;
      frames.forEach((frame) => { const img = new Image(); img.src = frame.url; });
    }
    function play() {
      preload();
      if (timer) return;
      timer = window.setInterval(() => show(index + 1), FRAME_MS);
      button.textContent = "Pause";
      button.setAttribute("aria-pressed", "true");
    }
    function pause() {
      if (timer) window.clearInterval(timer);
      timer = null;
      button.textContent = "Play";
      button.setAttribute("aria-pressed", "false");
    }
    button.addEventListener("click", () => (timer ? pause() : play()));
    show(0);
    if (!reduceMotion && "IntersectionObserver" in window) {
      let started = false;
      const observer = new IntersectionObserver((entries) => {
        if (!started && entries.some((entry) => entry.isIntersecting)) {
          started = true;
          observer.disconnect();
          play();
        }
      });
      observer.observe(figure);
    }
  });
})();
