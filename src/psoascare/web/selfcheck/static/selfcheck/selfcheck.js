// The Thomas self-check page: reads the photo on the device, finds the body with MoveNet (served by this site
// from the @vladmandic/human package, CPU backend: no GPU and no other host needed), lets the person correct
// the points (mouse, touch, keyboard) and posts only the points and angles. The geometry matches
// psoascare/body/thomas.py, which recomputes the angles on the server.

import { measure } from "./geometry.js";

const WORKING_SIZE = 640; // the photo is drawn with its long side at 640 px; points are in these pixels
const MIN_SCORE = 0.15; // a keypoint this sure is used
const MIN_BODY = 0.3; // mean score of the eight limb keypoints for "a body was found"
// In drawing order: the bed line's handles first, so that a body point on top of one stays reachable.
const POINTS = [
  ["bed_head", "Bed line, head end"],
  ["bed_foot", "Bed line, foot end"],
  ["shoulder", "Shoulder"],
  ["hip", "Hip"],
  ["knee", "Knee of the hanging leg"],
  ["ankle", "Ankle of the hanging leg"],
  ["other_knee", "Hugged knee"],
];
const SEGMENTS = [
  ["bed_head", "bed_foot", "bed"],
  ["shoulder", "hip", "trunk"],
  ["hip", "knee", "thigh"],
  ["knee", "ankle", "shank"],
  ["hip", "other_knee", "hugged"],
];

const root = document.getElementById("selfcheck");
const photoInput = document.getElementById("photo");
const canvas = document.getElementById("photo-canvas");
const overlay = document.getElementById("overlay");
const stage = document.getElementById("stage");
const statusLine = document.getElementById("status");
const form = document.getElementById("save-form");
const state = { points: null, width: 0, height: 0, foundBy: "by-hand", keypoints: null };
let humanPromise = null;

// ---- the photo ----------------------------------------------------------------------------------------------
function selectedSide() {
  const checked = root.querySelector("input[name=side-choice]:checked");
  return checked ? checked.value : "r";
}

async function loadPhoto(file) {
  // Decoded straight from the file: no URL is made for it, and the site's policy allows no blob: images.
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = WORKING_SIZE / Math.max(bitmap.width, bitmap.height);
  state.width = Math.round(bitmap.width * scale);
  state.height = Math.round(bitmap.height * scale);
  canvas.width = state.width;
  canvas.height = state.height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, state.width, state.height);
  bitmap.close();
  overlay.setAttribute("viewBox", `0 0 ${state.width} ${state.height}`);
  stage.style.aspectRatio = `${state.width} / ${state.height}`;
  stage.hidden = false;
}

function loadHuman() {
  if (!humanPromise) {
    humanPromise = import(root.dataset.humanUrl).then(async ({ Human }) => {
      const human = new Human({
        backend: "cpu", // runs everywhere, including headless browsers without a GPU
        modelBasePath: "",
        wasmPath: "",
        cacheModels: false,
        warmup: "none",
        debug: false,
        face: { enabled: false },
        hand: { enabled: false },
        object: { enabled: false },
        gesture: { enabled: false },
        segmentation: { enabled: false },
        filter: { enabled: false },
        body: { enabled: true, modelPath: root.dataset.modelUrl, minConfidence: 0.05, maxDetected: 1 },
      });
      await human.load();
      return human;
    });
  }
  return humanPromise;
}

function keypoint(name) {
  const found = state.keypoints && state.keypoints.find((k) => k.part === name);
  return found && found.score >= MIN_SCORE ? [found.position[0], found.position[1]] : null;
}

function pointsFromKeypoints(side) {
  const near = side === "r" ? "right" : "left";
  const far = side === "r" ? "left" : "right";
  const shoulder = keypoint(`${near}Shoulder`);
  const hip = keypoint(`${near}Hip`);
  const knee = keypoint(`${near}Knee`);
  const ankle = keypoint(`${near}Ankle`);
  if (!shoulder || !hip || !knee || !ankle) return null;
  const other = keypoint(`${far}Knee`) || [hip[0] + (shoulder[0] - hip[0]) * 0.3, hip[1] - state.height * 0.2];
  // The bed's top runs under the back: a level line a little below the shoulder and hip, from the shoulder
  // to midway along the trunk (kept off the hip and knee so their handles stay free).
  const bedY = Math.max(shoulder[1], hip[1]) + state.height * 0.05;
  return {
    shoulder, hip, knee, ankle,
    other_knee: clamp(other),
    bed_head: clamp([shoulder[0], bedY]),
    bed_foot: clamp([(shoulder[0] + hip[0]) / 2, bedY]),
  };
}

function manualPoints() {
  const w = state.width;
  const h = state.height;
  return {
    shoulder: [0.2 * w, 0.45 * h], hip: [0.55 * w, 0.5 * h], knee: [0.75 * w, 0.6 * h], ankle: [0.8 * w, 0.85 * h],
    other_knee: [0.45 * w, 0.25 * h], bed_head: [0.1 * w, 0.58 * h], bed_foot: [0.38 * w, 0.58 * h],
  };
}

function clamp(point) {
  return [Math.min(Math.max(point[0], 0), state.width), Math.min(Math.max(point[1], 0), state.height)];
}

// ---- the points and the readout -----------------------------------------------------------------------------
function drawPoints() {
  stage.querySelectorAll(".pt").forEach((node) => node.remove());
  for (const [name, label] of POINTS) {
    const handle = document.createElement("button");
    handle.type = "button";
    handle.className = `pt pt-${name}`;
    handle.dataset.name = name;
    handle.dataset.label = label;
    handle.title = label;
    handle.addEventListener("pointerdown", startDrag);
    handle.addEventListener("keydown", nudge);
    stage.appendChild(handle);
  }
  update();
}

function update() {
  const p = state.points;
  for (const handle of stage.querySelectorAll(".pt")) {
    const [x, y] = p[handle.dataset.name];
    handle.style.left = `${(100 * x) / state.width}%`;
    handle.style.top = `${(100 * y) / state.height}%`;
    handle.setAttribute("aria-label", `${handle.dataset.label}: ${Math.round(x)}, ${Math.round(y)}. Arrow keys move it.`);
  }
  overlay.innerHTML = SEGMENTS.map(
    ([a, b, kind]) => `<line class="seg seg-${kind}" x1="${p[a][0]}" y1="${p[a][1]}" x2="${p[b][0]}" y2="${p[b][1]}"/>`,
  ).join("");
  let angles;
  try {
    angles = measure(p);
  } catch (error) {
    angles = null;
  }
  const valid = angles && Object.values(angles).every(Number.isFinite);
  for (const name of ["thigh_below_bed", "thigh_to_trunk", "knee_flexion", "trunk_to_bed", "other_hip_flexion"]) {
    const cell = document.getElementById(`angle-${name}`);
    if (!valid) { cell.textContent = "–"; continue; }
    const value = angles[name];
    cell.textContent = name === "thigh_below_bed"
      ? `${Math.abs(value).toFixed(1)}° ${value >= 0 ? "below" : "above"}`
      : `${value.toFixed(1)}°`;
    cell.dataset.value = value.toFixed(2);
  }
  document.getElementById("id_points").value = JSON.stringify(
    Object.fromEntries(Object.entries(p).map(([name, [x, y]]) => [name, [+x.toFixed(1), +y.toFixed(1)]])),
  );
  document.getElementById("id_angles").value = valid
    ? JSON.stringify(Object.fromEntries(Object.entries(angles).map(([k, v]) => [k, +v.toFixed(2)])))
    : "{}";
  document.getElementById("id_image_width").value = state.width;
  document.getElementById("id_image_height").value = state.height;
  document.getElementById("id_side").value = selectedSide();
  document.getElementById("id_found_by").value = state.foundBy;
  document.getElementById("save").disabled = !valid;
}

function imagePoint(event) {
  const rect = stage.getBoundingClientRect();
  return clamp([
    ((event.clientX - rect.left) / rect.width) * state.width,
    ((event.clientY - rect.top) / rect.height) * state.height,
  ]);
}

function startDrag(event) {
  const handle = event.currentTarget;
  handle.setPointerCapture(event.pointerId);
  handle.focus();
  const move = (moveEvent) => {
    state.points[handle.dataset.name] = imagePoint(moveEvent);
    update();
  };
  const stop = () => {
    handle.removeEventListener("pointermove", move);
    handle.removeEventListener("pointerup", stop);
    handle.removeEventListener("pointercancel", stop);
  };
  handle.addEventListener("pointermove", move);
  handle.addEventListener("pointerup", stop);
  handle.addEventListener("pointercancel", stop);
  event.preventDefault();
}

function nudge(event) {
  const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const step = steps[event.key];
  if (!step) return;
  const size = event.shiftKey ? 10 : 1;
  const name = event.currentTarget.dataset.name;
  const [x, y] = state.points[name];
  state.points[name] = clamp([x + step[0] * size, y + step[1] * size]);
  update();
  event.preventDefault();
}

function show(points, foundBy, message) {
  state.points = points;
  state.foundBy = foundBy;
  statusLine.textContent = message;
  document.getElementById("point-help").hidden = false;
  document.getElementById("readout").hidden = false;
  form.hidden = false;
  drawPoints();
}

// MoveNet was trained mostly on upright people; a person lying along the photo is found more reliably in the
// photo turned a quarter. Try the photo as it is and turned both ways, keep the clearest body, and map its
// points back onto the photo.
const TURNS = [0, 90, 270];
const LIMB_PARTS = /Shoulder|Hip|Knee|Ankle/;

function turned(turn) {
  if (turn === 0) return canvas;
  const out = document.createElement("canvas");
  out.width = canvas.height;
  out.height = canvas.width;
  const context = out.getContext("2d");
  if (turn === 90) {
    context.translate(canvas.height, 0);
    context.rotate(Math.PI / 2);
  } else {
    context.translate(0, canvas.width);
    context.rotate(-Math.PI / 2);
  }
  context.drawImage(canvas, 0, 0);
  return out;
}

function unturn([u, v], turn) {
  if (turn === 90) return [v, canvas.height - u];
  if (turn === 270) return [canvas.width - v, u];
  return [u, v];
}

async function detectAnyTurn(human) {
  let best = null;
  for (const turn of TURNS) {
    const result = await human.detect(turned(turn));
    const body = result.body && result.body[0];
    if (!body) continue;
    const limbs = body.keypoints.filter((k) => LIMB_PARTS.test(k.part));
    const quality = limbs.reduce((sum, k) => sum + k.score, 0) / 8;
    if (!best || quality > best.quality) {
      const keypoints = body.keypoints.map((k) => ({ part: k.part, score: k.score, position: unturn(k.position, turn) }));
      best = { score: body.score, quality, turn, keypoints };
    }
  }
  return best;
}

async function findBody() {
  statusLine.textContent = "Looking for the body in your photo (on this device)…";
  let best;
  try {
    const started = performance.now();
    const human = await loadHuman();
    const loaded = performance.now();
    best = await detectAnyTurn(human);
    root.dataset.loadMs = Math.round(loaded - started); // how long this device took (shown nowhere; for tests)
    root.dataset.detectMs = Math.round(performance.now() - loaded);
  } catch (error) {
    show(manualPoints(), "by-hand", `The pose model could not run here (${error.message}). Place the points yourself.`);
    return;
  }
  state.keypoints = best ? best.keypoints : null;
  root.dataset.bodyScore = best ? best.quality.toFixed(2) : "0";
  root.dataset.turn = best ? String(best.turn) : "";
  const points = best && best.quality >= MIN_BODY ? pointsFromKeypoints(selectedSide()) : null;
  if (points) {
    show(points, "pose-model", "Found the body. Check each point and drag it where it belongs; set the bed line along the bed's top.");
  } else {
    show(manualPoints(), "by-hand", "The model found nobody in this photo. Place the points yourself by dragging them.");
  }
}

photoInput.addEventListener("change", async () => {
  const file = photoInput.files && photoInput.files[0];
  if (!file) return;
  try {
    await loadPhoto(file);
  } catch (error) {
    statusLine.textContent = "This file could not be read as a photo. Try another one.";
    root.dataset.state = "unreadable";
    return;
  }
  root.dataset.state = "finding";
  await findBody();
  root.dataset.state = "ready";
});

document.getElementById("manual").addEventListener("click", () => {
  if (!state.width) {
    statusLine.textContent = "Choose a photo first; then you can place the points yourself.";
    return;
  }
  show(manualPoints(), "by-hand", "Place each point by dragging it, or with the arrow keys.");
});

root.querySelectorAll("input[name=side-choice]").forEach((radio) =>
  radio.addEventListener("change", () => {
    if (!state.points) return;
    const points = state.foundBy === "pose-model" ? pointsFromKeypoints(selectedSide()) : null;
    if (points) state.points = points;
    update();
  }),
);
