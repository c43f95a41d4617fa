// The self-check's angles from the points, the same formulas as psoascare/body/thomas.py (which recomputes
// them on the server; tests/web/selfcheck/test_geometry_js.py runs both on the same points under Node).
// Points are image pixels [x, y], y down.

const sub = (a, b) => [a[0] - b[0], a[1] - b[1]];
const unit = (v) => { const n = Math.hypot(v[0], v[1]); return [v[0] / n, v[1] / n]; };
const dot = (a, b) => a[0] * b[0] + a[1] * b[1];
const deg = (r) => (r * 180) / Math.PI;
function signedAngle(reference, vector, down) {
  return deg(Math.atan2(dot(vector, down), dot(vector, reference)));
}
function normalDown(direction, floorSide) {
  let normal = [-direction[1], direction[0]];
  if (dot(normal, floorSide) < 0) normal = [-normal[0], -normal[1]];
  return unit(normal);
}
export function measure(p) {
  const bed = unit(sub(p.bed_foot, p.bed_head));
  const trunk = unit(sub(p.hip, p.shoulder));
  const thigh = sub(p.knee, p.hip);
  const shank = sub(p.ankle, p.knee);
  const hugged = sub(p.other_knee, p.hip);
  const bedDown = normalDown(bed, [0, 1]);
  const trunkDown = normalDown(trunk, bedDown);
  return {
    thigh_below_bed: signedAngle(bed, thigh, bedDown),
    thigh_to_trunk: signedAngle(trunk, thigh, trunkDown),
    knee_flexion: Math.abs(signedAngle(unit(thigh), shank, normalDown(unit(thigh), bedDown))),
    trunk_to_bed: signedAngle(bed, trunk, bedDown),
    other_hip_flexion: -signedAngle(trunk, hugged, trunkDown),
  };
}
