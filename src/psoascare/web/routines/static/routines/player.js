// The browser player. It plays the step plan the server built with the Python engine (same order, same
// times) and mirrors that engine's rules: time counts only while running, a step ends exactly when its
// time is up (late timer callbacks never stretch a session), skipped and partial steps are recorded.
(function () {
  "use strict";

  const root = document.getElementById("player");
  if (!root) return;
  const plan = JSON.parse(document.getElementById("plan-data").textContent);
  const steps = plan.steps;
  // Real seconds per routine second: 1 normally, 0.01 with ?speed=100.
  const scale = parseFloat(root.dataset.secondsScale) > 0 ? parseFloat(root.dataset.secondsScale) : 1;
  const $ = (id) => document.getElementById(id);
  const ui = {
    label: $("step-label"), countdown: $("countdown"), cue: $("cue"), progress: $("step-progress"),
    next: $("next"), posture: $("posture"), status: $("status"), instructions: $("instructions"),
    start: $("start"), pause: $("pause"), skip: $("skip"), stop: $("stop"), sound: $("sound"),
  };

  let state = "ready"; // ready | running | paused | finished | abandoned
  let index = 0;
  let stepStart = 0; // routine seconds
  let pausedInStep = 0;
  let pauseBegan = null;
  let lastNow = 0;
  let startedAt = null;
  let records = [];
  let timer = null;
  let wakeLock = null;
  let audio = null;

  function now() {
    lastNow = Math.max(lastNow, performance.now() / 1000 / scale);
    return lastNow;
  }

  function stepElapsed(t) {
    const pausedNow = pauseBegan === null ? 0 : t - pauseBegan;
    return Math.max(0, t - stepStart - pausedInStep - pausedNow);
  }

  function setState(next) {
    state = next;
    root.dataset.state = next;
    const live = next === "running" || next === "paused";
    ui.start.disabled = next !== "ready";
    ui.pause.disabled = !live;
    ui.skip.disabled = !live;
    ui.stop.disabled = !live;
    ui.pause.textContent = next === "paused" ? "Resume" : "Pause";
  }

  // --- sound, voice and keeping the screen on -----------------------------------------------------

  function beep() {
    if (!ui.sound.checked || !audio) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.25);
  }

  function speak(text) {
    if (!ui.sound.checked || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel(); // a new cue replaces an unfinished one
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  async function keepScreenOn() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } catch (error) {
      wakeLock = null; // refused (battery saver, not visible): the session still runs
    }
  }

  function letScreenSleep() {
    if (wakeLock) wakeLock.release();
    wakeLock = null;
  }

  document.addEventListener("visibilitychange", () => {
    // The browser drops the wake lock when the page is hidden; take it again on return.
    if (document.visibilityState === "visible" && (state === "running" || state === "paused")) keepScreenOn();
  });

  // --- the state machine ------------------------------------------------------------------------------

  function record(step, done, skipped) {
    if (!step.work) return;
    records.push({
      exercise: step.exercise, side: step.side, rep: step.rep, kind: step.phase,
      planned_seconds: step.seconds, done_seconds: Math.min(done, step.seconds), skipped: skipped,
    });
  }

  function announce() {
    const step = steps[index];
    beep();
    speak(step.cue);
    ui.cue.textContent = step.cue;
    root.dataset.phase = step.phase;
    root.dataset.index = String(index);
    // The picture shows the leg being stretched (a left-side view for the left leg).
    ui.posture.src = "/learn/figure/" + step.posture + "/" + (step.side === "left" ? "left" : "right") + "/";
    ui.posture.alt = step.title + (step.side === "both" ? "" : ", " + step.side + " leg") + ": the position, with the psoas in red";
    if (step.phase === "prepare") showInstructions(step.exercise);
  }

  function showInstructions(slug) {
    const exercise = plan.exercises[slug];
    ui.instructions.replaceChildren(...(exercise ? exercise.steps : []).map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  function closeStep(done, skipped, at) {
    record(steps[index], done, skipped);
    index += 1;
    stepStart = at;
    pausedInStep = 0;
    if (index >= steps.length) {
      index = steps.length - 1;
      finish(true);
      return;
    }
    announce();
  }

  function advance() {
    const t = now();
    while (state === "running") {
      const step = steps[index];
      if (stepElapsed(t) < step.seconds) break;
      closeStep(step.seconds, false, stepStart + pausedInStep + step.seconds);
    }
  }

  function start() {
    if (state !== "ready") return;
    const AudioContext = window.AudioContext || window.webkitAudioContext;
    if (AudioContext) audio = new AudioContext(); // must be created in the click, or it stays muted
    startedAt = new Date();
    stepStart = now();
    setState("running");
    keepScreenOn();
    announce();
    timer = window.setInterval(tick, 100);
    render();
  }

  function togglePause() {
    if (state === "ready") { start(); return; }
    advance();
    const t = now();
    if (state === "running") {
      pauseBegan = t;
      setState("paused");
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    } else if (state === "paused") {
      pausedInStep += t - pauseBegan;
      pauseBegan = null;
      setState("running");
    }
    render();
  }

  function skip() {
    advance();
    if (state !== "running" && state !== "paused") return;
    const t = now();
    const done = stepElapsed(t);
    const wasPaused = state === "paused";
    pauseBegan = null;
    closeStep(done, true, t);
    if (wasPaused && state === "running") pauseBegan = t; // skipping does not unpause
    render();
  }

  function stop() {
    advance();
    if (state !== "running" && state !== "paused") return;
    const done = stepElapsed(now());
    if (done > 0) record(steps[index], done, false);
    finish(false);
  }

  function finish(completed) {
    window.clearInterval(timer);
    setState(completed ? "finished" : "abandoned");
    letScreenSleep();
    const text = completed ? "All done. Well done." : "Stopped. What you did so far is kept.";
    ui.cue.textContent = text;
    ui.label.textContent = plan.title + (completed ? " · finished" : " · stopped");
    ui.countdown.textContent = completed ? "✓" : "■";
    ui.next.textContent = "";
    ui.progress.value = completed ? ui.progress.max : ui.progress.value;
    beep();
    speak(text);
    save(completed);
  }

  // --- saving -------------------------------------------------------------------------------------------

  async function save(completed) {
    // Only real sessions are adherence: a faster preview, or a stop before any hold, records nothing.
    if (root.dataset.preview === "yes") {
      root.dataset.saved = "preview";
      ui.status.textContent = "Preview: not recorded.";
      return;
    }
    if (!records.some((step) => step.done_seconds > 0)) {
      root.dataset.saved = "nothing";
      ui.status.textContent = "Stopped before the first hold: nothing recorded.";
      return;
    }
    const payload = {
      routine_slug: plan.routine_slug, title: plan.title, mode: plan.mode, protocol: plan.protocol,
      started_at: startedAt.toISOString(), ended_at: new Date().toISOString(),
      completed: completed, steps: records,
    };
    const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    ui.status.textContent = "Saving…";
    try {
      const response = await fetch(root.dataset.sessionsUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(payload),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || "the server answered " + response.status);
      root.dataset.saved = "yes";
      ui.status.replaceChildren((root.dataset.savedText || "Saved.") + " ");
      const link = document.createElement("a");
      link.href = body.url;
      link.textContent = root.dataset.linkText || "See it";
      ui.status.append(link);
    } catch (error) {
      root.dataset.saved = "error";
      ui.status.textContent = "Not saved: " + error.message;
    }
  }

  // --- showing it ---------------------------------------------------------------------------------------

  function describe(step) {
    const side = step.side === "both" ? "" : " · " + step.side + " leg";
    return step.title + side + " · " + step.phase + (step.work ? " " + step.rep : "");
  }

  function render() {
    if (state !== "running" && state !== "paused") return;
    const step = steps[index];
    const left = Math.max(0, step.seconds - stepElapsed(now()));
    ui.label.textContent = describe(step);
    ui.countdown.textContent = String(Math.ceil(left));
    ui.progress.max = step.seconds;
    ui.progress.value = step.seconds - left;
    const upcoming = steps[index + 1];
    ui.next.textContent = upcoming ? "Next: " + upcoming.cue : "Next: finish";
  }

  function tick() {
    advance();
    render();
  }

  // --- controls -----------------------------------------------------------------------------------------

  ui.start.addEventListener("click", start);
  ui.pause.addEventListener("click", togglePause);
  ui.skip.addEventListener("click", skip);
  ui.stop.addEventListener("click", stop);
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
    // A focused button already acts on space; handling it here too would press it twice.
    if (event.target instanceof HTMLButtonElement && event.key === " ") return;
    if (event.key === " ") { event.preventDefault(); togglePause(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); skip(); }
    else if (event.key === "Escape") { event.preventDefault(); stop(); }
  });
  window.addEventListener("beforeunload", (event) => {
    if (state === "running" || state === "paused") event.preventDefault(); // unsaved session: ask first
  });
  ui.posture.addEventListener("error", () => { ui.posture.hidden = true; });
  ui.posture.addEventListener("load", () => { ui.posture.hidden = false; });
  setState("ready");
})();
