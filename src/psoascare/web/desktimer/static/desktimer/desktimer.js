/* PsoasCare browser desk timer.
 *
 * DeskTimerPolicy mirrors psoascare.desk.policy (the CLI timer's rules): sitting time runs from the first
 * input of a bout to the latest input; an idle spell of 5 minutes is a natural break; after a nudge, a
 * minute away is the break taken; an ignored nudge comes back after 5 more minutes of sitting; at most
 * 2 snoozes (5 or 10 min) in a row, then a firm nudge; outside working hours it is dormant.
 * The clock is passed in (nowMs), so tests run a whole day in no time (tests/web/desktimer).
 *
 * It counts only breaks that happened, in one of two modes (the page says which):
 * - "activity": it is told when the person is at the computer (the Idle Detection API: system-wide input and
 *   screen lock, with permission), so time away is a break exactly as for the CLI timer.
 * - "confirm": nothing tells it (no Idle Detection API, or no permission). Quiet in this tab may only mean
 *   work in another window, so time with the page open counts as sitting, and a break counts only when the
 *   person confirms it ("I took a break"). Idleness never makes a break here.
 */
"use strict";

const STATE = Object.freeze({ DORMANT: "dormant", AWAY: "away", SITTING: "sitting", NUDGED: "nudged", SNOOZED: "snoozed" });
const LEVEL = Object.freeze(["gentle", "reminder", "firm"]);
const MODE = Object.freeze({ ACTIVITY: "activity", CONFIRM: "confirm" });
const RETURN_TOLERANCE_MS = 1000;

function parseClock(text) {
  const [hours, minutes] = text.split(":").map(Number);
  return hours * 60 + minutes;
}

class DeskTimerPolicy {
  constructor(settings, moves) {
    this.s = settings;
    this.moves = moves && moves.length ? moves : [{ slug: "walk", name: "Walk for a minute", instructions: "Stand up and walk at an easy pace for a minute." }];
    this.nextMove = 0;
    this.state = STATE.AWAY;
    this.boutStart = null;
    this.lastInput = null;
    this.awaySince = null;
    this.due = settings.everyMinutes * 60000;
    this.nudges = 0;
    this.snoozes = 0;
    this.mode = settings.mode === MODE.CONFIRM ? MODE.CONFIRM : MODE.ACTIVITY;
  }

  /** "activity" (told when the person is there) or "confirm" (a break counts only when confirmed). */
  setMode(mode) {
    if (mode !== MODE.ACTIVITY && mode !== MODE.CONFIRM) throw new Error(`mode must be "activity" or "confirm", not ${mode}`);
    this.mode = mode;
  }

  get breaksNeedConfirmation() {
    return this.mode === MODE.CONFIRM;
  }

  inWorkingHours(nowMs) {
    const local = new Date(nowMs);
    const minute = local.getHours() * 60 + local.getMinutes();
    const weekday = (local.getDay() + 6) % 7; // 0 = Monday, as in Python
    const start = parseClock(this.s.workStart);
    const end = parseClock(this.s.workEnd);
    const days = this.s.workDays;
    if (start === end) return days.includes(weekday);
    if (start < end) return days.includes(weekday) && start <= minute && minute < end;
    if (minute >= start) return days.includes(weekday);
    return minute < end && days.includes((weekday + 6) % 7);
  }

  get sittingMs() {
    if (this.boutStart === null || this.lastInput === null) return 0;
    return Math.max(0, this.lastInput - this.boutStart);
  }

  get msUntilNudge() {
    if (![STATE.SITTING, STATE.NUDGED, STATE.SNOOZED].includes(this.state)) return null;
    return Math.max(0, this.due - this.sittingMs);
  }

  get snoozeAllowed() {
    return this.state === STATE.NUDGED && this.snoozes < this.s.maxSnoozesInRow;
  }

  /** Input seen in this tab at nowMs. */
  input(nowMs) {
    this.lastSeenInput = nowMs;
  }

  update(nowMs) {
    const events = [];
    if (!this.inWorkingHours(nowMs)) {
      if (this.state !== STATE.DORMANT) {
        events.push(...this.endBout(this.lastInput ?? nowMs));
        this.state = STATE.DORMANT;
        this.awaySince = null;
      }
      return events;
    }
    if (this.state === STATE.DORMANT) {
      this.state = STATE.AWAY;
      this.awaySince = nowMs;
    }
    // Nothing can tell this mode the person left: the page being open is all it knows, so no idle spell.
    if (this.mode === MODE.CONFIRM) this.lastSeenInput = nowMs;
    let lastInput = this.lastSeenInput ?? nowMs;
    if (this.lastInput !== null && this.state !== STATE.AWAY) lastInput = Math.max(lastInput, Math.min(this.lastInput, nowMs));
    lastInput = Math.min(lastInput, nowMs);
    this.lastInput = lastInput;
    const away = nowMs - lastInput;

    if (this.state === STATE.AWAY) {
      if (this.awaySince === null && away >= this.s.naturalBreakMinutes * 60000) this.awaySince = lastInput;
      if (this.awaySince !== null && lastInput <= this.awaySince + RETURN_TOLERANCE_MS) return events;
      this.startBout(lastInput);
      return events;
    }
    const outstanding = this.state === STATE.NUDGED || this.state === STATE.SNOOZED;
    if (outstanding && away >= this.s.breakTakenSeconds * 1000) {
      events.push({ kind: "break_taken", started_at: lastInput, ended_at: null, detail: "" });
      events.push(...this.endBout(lastInput));
      return events;
    }
    if (away >= this.s.naturalBreakMinutes * 60000) {
      events.push({ kind: "natural_break", started_at: lastInput, ended_at: null, detail: "" });
      events.push(...this.endBout(lastInput));
      return events;
    }
    if (this.sittingMs >= this.due) events.push(this.nudge(nowMs));
    return events;
  }

  startBout(at) {
    this.state = STATE.SITTING;
    this.boutStart = at;
    this.awaySince = null;
    this.due = this.s.everyMinutes * 60000;
    this.nudges = 0;
    this.snoozes = 0;
  }

  endBout(at) {
    const events = [];
    if (this.boutStart !== null && at > this.boutStart) {
      events.push({ kind: "sitting_bout", started_at: this.boutStart, ended_at: at, detail: "" });
    }
    this.boutStart = null;
    this.state = STATE.AWAY;
    this.awaySince = at;
    this.nudges = 0;
    this.snoozes = 0;
    return events;
  }

  nudge(nowMs) {
    const usedUp = this.snoozes >= this.s.maxSnoozesInRow;
    const level = usedUp || this.nudges >= 2 ? 2 : this.nudges;
    this.nudges += 1;
    this.state = STATE.NUDGED;
    this.due = this.sittingMs + this.s.remindMinutes * 60000;
    const move = this.moves[this.nextMove++ % this.moves.length];
    return {
      kind: "nudge", started_at: nowMs, ended_at: null, detail: `level=${LEVEL[level]} move=${move.slug}`,
      level: LEVEL[level], move, snoozeAllowed: !usedUp, sittingMinutes: Math.round(this.sittingMs / 60000),
    };
  }

  /** Returns the snoozed event, or throws with the reason it is refused. */
  snooze(minutes, nowMs) {
    if (!this.s.snoozeChoices.includes(minutes)) throw new Error(`snooze for ${this.s.snoozeChoices.join(" or ")} minutes`);
    if (this.state !== STATE.NUDGED) throw new Error("there is no nudge to snooze");
    if (this.snoozes >= this.s.maxSnoozesInRow) throw new Error(`already snoozed ${this.snoozes} times in a row; time to get up for a minute`);
    this.snoozes += 1;
    this.state = STATE.SNOOZED;
    this.due = this.sittingMs + minutes * 60000;
    return { kind: "snoozed", started_at: nowMs, ended_at: null, detail: `minutes=${minutes}` };
  }

  takeBreak(nowMs) {
    if (this.boutStart === null) return [];
    return [{ kind: "break_taken", started_at: nowMs, ended_at: null, detail: "" }, ...this.endBout(nowMs)];
  }

  close() {
    if (this.boutStart === null || this.lastInput === null) return [];
    return this.endBout(this.lastInput);
  }
}

function asRecord(event) {
  return {
    kind: event.kind,
    started_at: new Date(event.started_at).toISOString(),
    ended_at: event.ended_at === null ? null : new Date(event.ended_at).toISOString(),
    detail: event.detail,
  };
}

if (typeof module !== "undefined" && module.exports) {
  module.exports = { DeskTimerPolicy, asRecord, STATE, MODE };
}

/* ---- the page ---------------------------------------------------------------------------------- */
if (typeof document !== "undefined" && document.getElementById("desk-timer-settings")) {
  (function page() {
    const settings = JSON.parse(document.getElementById("desk-timer-settings").textContent);
    const script = document.currentScript;
    const eventsUrl = script.dataset.eventsUrl;
    const csrf = document.querySelector("#desk-csrf input[name=csrfmiddlewaretoken]").value;
    // Until the Idle Detection API is running (if it ever is), a break counts only when it is confirmed.
    const policy = new DeskTimerPolicy({ ...settings, mode: MODE.CONFIRM }, settings.moves);
    const IDLE_THRESHOLD_MS = 60000; // the shortest the API allows
    let present = false; // activity mode: the person uses the computer and the screen is unlocked
    const $ = (id) => document.getElementById(id);
    const QUEUE_KEY = "psoascare-desk-queue";
    let failed = 0;

    function say(text) { $("message").textContent = text; }

    function queue() {
      try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
    }
    function saveQueue(items) {
      try { localStorage.setItem(QUEUE_KEY, JSON.stringify(items.slice(-200))); } catch (e) { /* private mode */ }
    }

    async function send(record) {
      const response = await fetch(eventsUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(record),
      });
      if (response.status === 400 || response.status === 413) {
        const body = await response.json().catch(() => ({}));
        console.warn("desk event refused:", body.error);
        return true; // never accepted: do not retry for ever
      }
      return response.ok;
    }

    async function flush() {
      const items = queue();
      while (items.length) {
        let ok = false;
        try { ok = await send(items[0]); } catch (e) { ok = false; }
        if (!ok) { failed += 1; break; }
        items.shift();
        failed = 0;
      }
      saveQueue(items);
      $("recording").textContent = items.length
        ? `${items.length} record(s) wait to be sent (offline?).`
        : "Breaks and sitting bouts go to your journal.";
    }

    function record(events) {
      if (!events.length) return;
      saveQueue([...queue(), ...events.map(asRecord)]);
      flush();
    }

    function notify(nudge) {
      const title = nudge.level === "firm" ? "Time to stand up now" : "Time to move";
      const body = `${nudge.sittingMinutes} minutes of sitting. ${nudge.move.name}: ${nudge.move.instructions}`;
      say(body);
      $("move").hidden = false;
      $("move").textContent = `${nudge.move.name}: ${nudge.move.instructions}`;
      if ("Notification" in window && Notification.permission === "granted") {
        try { new Notification(title, { body, requireInteraction: nudge.level === "firm", tag: "psoascare-desk" }); } catch (e) { /* some mobiles only notify from a service worker */ }
      }
    }

    function handle(events) {
      for (const event of events) {
        if (event.kind === "nudge") notify(event);
        if (event.kind === "break_taken" || event.kind === "natural_break") { say("Break counted. The count starts again when you are back."); $("move").hidden = true; }
      }
      record(events);
    }

    function render() {
      const left = policy.msUntilNudge;
      const labels = { dormant: "Outside your working hours: the timer rests.", away: "Waiting for you to start.", sitting: "Counting your sitting time.", nudged: "Time to move!", snoozed: "Snoozed." };
      $("state").textContent = labels[policy.state];
      if (left === null) { $("countdown").textContent = "--:--"; }
      else {
        const seconds = Math.ceil(left / 1000);
        $("countdown").textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      }
      $("snooze-5").disabled = !policy.snoozeAllowed;
      $("snooze-10").disabled = !policy.snoozeAllowed;
    }

    function showMode() {
      const box = $("mode");
      box.dataset.mode = policy.mode;
      const activity = policy.mode === MODE.ACTIVITY;
      $("mode-name").textContent = activity ? "sees when you step away" : "you confirm your breaks";
      $("mode-activity").hidden = !activity;
      $("mode-confirm").hidden = activity;
      $("idle-permission").hidden = activity || !("IdleDetector" in window);
    }

    async function startIdleDetection() {
      try {
        const detector = new IdleDetector();
        const look = () => {
          present = detector.userState === "active" && detector.screenState === "unlocked";
          if (present) policy.input(Date.now());
        };
        detector.addEventListener("change", () => { look(); tick(); });
        await detector.start({ threshold: IDLE_THRESHOLD_MS });
        look();
        policy.setMode(MODE.ACTIVITY);
      } catch (error) {
        policy.setMode(MODE.CONFIRM);
        say(`This browser would not say when you step away (${error.message}); breaks count when you confirm them.`);
      }
      showMode();
      render();
    }

    async function chooseMode() {
      showMode();
      if (!("IdleDetector" in window)) return;
      let permission = "prompt";
      try { permission = (await navigator.permissions.query({ name: "idle-detection" })).state; } catch (e) { /* unknown name */ }
      if (permission === "granted") await startIdleDetection();
    }

    function tick() {
      if (policy.mode === MODE.ACTIVITY && present) policy.input(Date.now());
      handle(policy.update(Date.now()));
      render();
      if (failed && failed < 5) flush();
    }

    // Input in this tab is activity too (in confirm mode the policy assumes presence anyway).
    const onInput = () => { if (document.visibilityState === "visible") policy.input(Date.now()); };
    for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll"]) {
      window.addEventListener(type, onInput, { passive: true });
    }
    document.addEventListener("visibilitychange", () => {
      // Hidden: no input can reach us, so the time counts as away from here on; visible again: one look now.
      if (document.visibilityState === "visible") { policy.input(Date.now()); tick(); }
    });
    window.addEventListener("pagehide", () => {
      const events = policy.close();
      for (const event of events) {
        const form = new FormData();
        form.append("csrfmiddlewaretoken", csrf);
        form.append("event", JSON.stringify(asRecord(event)));
        if (!navigator.sendBeacon(eventsUrl, form)) saveQueue([...queue(), asRecord(event)]);
      }
    });
    $("notify-permission").addEventListener("click", async () => {
      if (!("Notification" in window)) { say("This browser cannot show notifications; keep this tab visible."); return; }
      const answer = await Notification.requestPermission();
      say(answer === "granted" ? "Notifications on." : "Notifications are off; the page will still show the nudge.");
    });
    for (const minutes of settings.snoozeChoices) {
      $(`snooze-${minutes}`).addEventListener("click", () => {
        try { handle([policy.snooze(minutes, Date.now())]); say(`Snoozed for ${minutes} minutes of sitting.`); }
        catch (error) { say(error.message); }
        render();
      });
    }
    $("idle-permission").addEventListener("click", async () => {
      let answer = "denied";
      try { answer = await IdleDetector.requestPermission(); } catch (error) { answer = "denied"; }
      if (answer !== "granted") { say("Without that permission, breaks count when you confirm them."); return; }
      await startIdleDetection();
    });
    $("break-taken").addEventListener("click", () => { handle(policy.takeBreak(Date.now())); render(); });
    policy.input(Date.now());
    tick();
    flush();
    chooseMode();
    setInterval(tick, 1000); // the countdown shows seconds; the page sleeps with its tab in the background
  })();
}
