// Draws a picture's labels (leader line, dot, text) into its SVG overlay; shared by the slider and the
// movement loops. Coordinates are the picture's pixels; the overlay's viewBox scales them with it.
window.PsoasLabels = {
  draw(svg, labels) {
    if (!svg) return;
    const ns = "http://www.w3.org/2000/svg";
    const groups = (labels || []).map((label) => {
      const g = document.createElementNS(ns, "g");
      g.setAttribute("class", "label");
      g.dataset.structure = label.structure;
      const line = document.createElementNS(ns, "line");
      const lineX = label.align === "start" ? label.x - 3 : label.x + 3;
      line.setAttribute("x1", lineX); line.setAttribute("y1", label.y - 5);
      line.setAttribute("x2", label.anchor_x); line.setAttribute("y2", label.anchor_y);
      const dot = document.createElementNS(ns, "circle");
      dot.setAttribute("cx", label.anchor_x); dot.setAttribute("cy", label.anchor_y); dot.setAttribute("r", 3.5);
      const text = document.createElementNS(ns, "text");
      text.setAttribute("x", label.x); text.setAttribute("y", label.y);
      text.setAttribute("text-anchor", label.align);
      text.style.fontSize = `${label.size || 17}px`;
      text.textContent = label.text;
      g.append(line, dot, text);
      return g;
    });
    svg.replaceChildren(...groups);
  },
};
