// The interactive hip-angle figure: the model's length curve (from the page's JSON) and, when rendered,
// one picture per 10° with its labels (the nearest is shown). Works with the keyboard through the native
// range input. A frame is fetched only when the slider reaches it.
(function () {
  const dataNode = document.getElementById("slider-data");
  const input = document.getElementById("hip-angle");
  if (!dataNode || !input) return;
  const data = JSON.parse(dataNode.textContent);
  const points = data.points;
  const frames = new Map(data.frames.map((f) => [f.angle, f]));
  const output = document.getElementById("hip-angle-value");
  const readout = document.getElementById("slider-readout");
  const image = document.getElementById("slider-image");
  const overlay = document.getElementById("slider-labels");
  const svg = document.getElementById("slider-curve");
  const ns = "http://www.w3.org/2000/svg";
  const minA = -20, maxA = 110;
  const lengths = points.map((p) => p.psoas_length_mm);
  const minL = Math.min(...lengths) - 5, maxL = Math.max(...lengths) + 5;
  const x = (a) => 40 + ((a - minA) / (maxA - minA)) * 265;
  const y = (l) => 160 - ((l - minL) / (maxL - minL)) * 145;
  const add = (name, attrs, text) => {
    const el = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text) el.textContent = text;
    svg.appendChild(el);
    return el;
  };
  add("line", { x1: 40, y1: 160, x2: 305, y2: 160, stroke: "#5b6b7c" });
  add("line", { x1: 40, y1: 15, x2: 40, y2: 160, stroke: "#5b6b7c" });
  add("text", { x: 172, y: 192, "text-anchor": "middle", "font-size": 11 }, "hip flexion (°)");
  [Math.ceil(minL + 5), Math.floor(maxL - 5)].forEach((l) =>
    add("text", { x: 36, y: y(l) + 4, "text-anchor": "end", "font-size": 9 }, String(l)));
  add("text", { x: 10, y: 90, "font-size": 11, transform: "rotate(-90 10 90)", "text-anchor": "middle" }, "length (mm)");
  [-20, 0, 45, 90].forEach((a) => add("text", { x: x(a), y: 172, "text-anchor": "middle", "font-size": 9 }, String(a)));
  add("polyline", {
    points: points.map((p) => `${x(p.hip_flexion_deg)},${y(p.psoas_length_mm)}`).join(" "),
    fill: "none", stroke: "#b3261e", "stroke-width": 2.5,
  });
  const marker = add("circle", { r: 6, fill: "#1a5fb4" });
  const nearest = (angle) => points.reduce((best, p) =>
    Math.abs(p.hip_flexion_deg - angle) < Math.abs(best.hip_flexion_deg - angle) ? p : best);
  const sign = (v) => (v > 0 ? "+" : v < 0 ? "−" : "±") + Math.abs(v).toFixed(1);
  function update() {
    const angle = Number(input.value);
    const p = nearest(angle);
    const pose = angle < 0 ? `hip stretched back ${-angle}°` : angle === 0 ? "standing" : `hip bent ${angle}°`;
    output.textContent = `${angle}°`;
    readout.textContent = `${pose}: psoas ${p.psoas_length_mm.toFixed(0)} mm, ${sign(p.change_pct)} % against standing`;
    input.setAttribute("aria-valuetext", `${pose}, psoas ${sign(p.change_pct)} percent`);
    marker.setAttribute("cx", x(p.hip_flexion_deg));
    marker.setAttribute("cy", y(p.psoas_length_mm));
    let frame = null;
    for (const candidate of frames.values()) {
      if (!frame || Math.abs(candidate.angle - angle) < Math.abs(frame.angle - angle)) frame = candidate;
    }
    if (image && frame && image.dataset.angle !== String(frame.angle)) {
      shown = frame;
      image.dataset.angle = String(frame.angle);
      image.alt = frame.caption;
      if (image.getAttribute("src") !== frame.url) image.src = frame.url;
      else if (image.complete && image.naturalWidth && window.PsoasLabels) window.PsoasLabels.draw(overlay, frame.labels);
    }
  }
  let shown = null;
  // Labels follow the picture once it has loaded, so they never point into an empty frame.
  if (image) image.addEventListener("load", () => {
    if (shown && window.PsoasLabels) window.PsoasLabels.draw(overlay, shown.labels);
  });
  input.addEventListener("input", update);
  update();
})();
