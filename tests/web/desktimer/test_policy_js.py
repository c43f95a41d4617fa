"""The browser timer's rules are the CLI timer's rules: the same scripted days through both give the same events.

Runs desktimer.js under Node (skipped with the reason when Node is missing; under CI=true it must run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psoascare.desk.policy import DeskPolicy, Nudge, PolicySettings, WorkingHours
from tests.desk.simulation import MONDAY_MORNING, FakeClock, ScriptedDesk
from tests.desk.tools import tool_missing

JS = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "psoascare"
    / "web"
    / "desktimer"
    / "static"
    / "desktimer"
    / "desktimer.js"
)
NODE = shutil.which("node") or shutil.which("nodejs")

RUNNER = """
const { DeskTimerPolicy } = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const results = [];
for (const scenario of input) {
  const policy = new DeskTimerPolicy(scenario.settings, [{ slug: "walk", name: "Walk", instructions: "Walk." }]);
  const events = [];
  let nudgeIndex = 0;
  for (const check of scenario.checks) {
    policy.input(check.lastInput);
    for (const event of policy.update(check.t)) {
      events.push([event.kind, event.started_at, event.ended_at, event.level || null]);
      if (event.kind === "nudge") {
        if (scenario.snooze && event.snoozeAllowed && nudgeIndex % 2 === 0) {
          const snoozed = policy.snooze(10, check.t);
          events.push([snoozed.kind, snoozed.started_at, null, null]);
        }
        nudgeIndex += 1;
      }
    }
  }
  results.push(events);
}
process.stdout.write(JSON.stringify(results));
"""


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def python_run(every: int, spells: list[tuple[str, int]], snooze: bool = True) -> tuple[dict, list]:
    """Drives the Python policy; returns the scenario (its check times and inputs) and its events."""
    clock = FakeClock()
    policy_settings = PolicySettings(every_minutes=every, working_hours=WorkingHours.always())
    policy = DeskPolicy(clock, policy_settings)
    desk = ScriptedDesk(MONDAY_MORNING)
    for kind, seconds in spells:
        desk.then(kind, seconds / 60)
    checks, events, nudge_index = [], [], 0
    while clock.now() < desk.end:
        now = clock.now()
        checks.append({"t": _ms(now), "lastInput": _ms(desk.last_input(now))})
        for event in policy.update(desk.sample(now)):
            record = event.to_record()
            level = event.level.name.lower() if isinstance(event, Nudge) else None
            events.append([record.kind.value, _ms(record.started_at), record.ended_at and _ms(record.ended_at), level])
            if isinstance(event, Nudge):
                if snooze and event.snooze_allowed and nudge_index % 2 == 0:
                    snoozed = policy.snooze(10)
                    events.append(["snoozed", _ms(snoozed.at), None, None])
                nudge_index += 1
        clock.advance(policy.seconds_until_next_check())
    scenario = {
        "settings": {
            "everyMinutes": every, "naturalBreakMinutes": 5, "breakTakenSeconds": 60, "remindMinutes": 5,
            "maxSnoozesInRow": 2, "snoozeChoices": [5, 10], "workDays": [0, 1, 2, 3, 4, 5, 6],
            "workStart": "00:00", "workEnd": "00:00",
        },
        "checks": checks,
        "snooze": snooze,
    }  # fmt: skip
    return scenario, events


def node_run(scenarios: list[dict]) -> list[list]:
    if NODE is None:
        tool_missing(
            "node is not installed (Debian: apt-get install nodejs), so desktimer.js cannot be run here",
            "the browser timer's rules must be checked",
        )
    result = subprocess.run(
        [NODE, "-e", RUNNER, str(JS)], input=json.dumps(scenarios), capture_output=True, text=True, timeout=60,
        env={**os.environ, "TZ": "UTC"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_plain_hour_gives_the_same_nudges_in_both() -> None:
    snoozing, snoozing_events = python_run(60, [("active", 90 * 60)])
    ignoring, ignoring_events = python_run(60, [("active", 90 * 60)], snooze=False)
    assert [e[0] for e in snoozing_events][:2] == ["nudge", "snoozed"]
    assert [e[3] for e in ignoring_events] == ["gentle", "reminder", "firm", "firm", "firm", "firm"]
    assert node_run([snoozing, ignoring]) == [snoozing_events, ignoring_events]


def test_breaks_snoozes_and_reminders_match() -> None:
    days = [
        [("active", 30 * 60), ("idle", 330), ("active", 80 * 60), ("idle", 90), ("active", 20 * 60)],
        [("active", 61 * 60), ("idle", 65), ("active", 30 * 60)],
        [("active", 30 * 60), ("idle", 240), ("active", 60 * 60)],
    ]
    runs = [python_run(45, day) for day in days]
    assert node_run([scenario for scenario, _ in runs]) == [events for _, events in runs]
    kinds = {event[0] for _, events in runs for event in events}
    assert kinds == {"sitting_bout", "nudge", "snoozed", "break_taken", "natural_break"}


spell = st.one_of(
    st.tuples(st.just("active"), st.integers(min_value=1, max_value=60 * 60)),
    st.tuples(st.just("idle"), st.integers(min_value=1, max_value=400)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    every=st.integers(min_value=20, max_value=120),
    days=st.lists(st.lists(spell, min_size=1, max_size=25), min_size=4, max_size=4),
)
def test_any_schedule_gives_the_same_events_in_both(every: int, days: list[list[tuple[str, int]]]) -> None:
    runs = [python_run(every, day) for day in days]
    assert node_run([scenario for scenario, _ in runs]) == [events for _, events in runs]


CONFIRM_RUNNER = """
const { DeskTimerPolicy, MODE } = require(process.argv[1]);
const scenario = JSON.parse(require("fs").readFileSync(0, "utf8"));
const policy = new DeskTimerPolicy({ ...scenario.settings, mode: scenario.mode }, []);
const events = [];
for (const step of scenario.steps) {
  if (step.input) policy.input(step.t);
  if (step.confirm) events.push(...policy.takeBreak(step.t));
  if (step.switchTo) policy.setMode(step.switchTo);
  events.push(...policy.update(step.t));
}
let refused = null;
try { policy.setMode("sometimes"); } catch (error) { refused = error.message; }
process.stdout.write(JSON.stringify({ events: events.map((e) => [e.kind, e.started_at]), state: policy.state,
  mode: policy.mode, needsConfirmation: policy.breaksNeedConfirmation, refused, modes: MODE }));
"""

MINUTE_MS = 60_000
SETTINGS = {
    "everyMinutes": 60, "naturalBreakMinutes": 5, "breakTakenSeconds": 60, "remindMinutes": 5,
    "maxSnoozesInRow": 2, "snoozeChoices": [5, 10], "workDays": [0, 1, 2, 3, 4, 5, 6],
    "workStart": "00:00", "workEnd": "00:00",
}  # fmt: skip


def node_scenario(mode: str, steps: list[dict]) -> dict:
    if NODE is None:
        tool_missing(
            "node is not installed (Debian: apt-get install nodejs), so desktimer.js cannot be run here",
            "the browser timer's rules must be checked",
        )
    scenario = {"settings": SETTINGS, "mode": mode, "steps": steps}
    result = subprocess.run(
        [NODE, "-e", CONFIRM_RUNNER, str(JS)], input=json.dumps(scenario), capture_output=True, text=True,
        timeout=60, env={**os.environ, "TZ": "UTC"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def minutes(start: int, end: int, **step: object) -> list[dict]:
    """One check a minute from `start` to `end` (minutes after midnight UTC, Monday 30 Nov 2026)."""
    base = _ms(datetime.fromisoformat("2026-11-30T08:00:00+00:00"))
    return [{"t": base + minute * MINUTE_MS, **step} for minute in range(start, end)]


def test_without_activity_a_quiet_hour_is_no_break_when_breaks_need_confirming() -> None:
    # Input for 10 minutes, then nothing the page can see for 80 (work in another window, or a walk: the
    # page cannot tell which): no break, and the nudge still comes after 60 minutes with the page open.
    steps = minutes(0, 10, input=True) + minutes(10, 90)
    confirm = node_scenario("confirm", steps)
    assert confirm["needsConfirmation"] is True and confirm["mode"] == "confirm"
    kinds = [kind for kind, _ in confirm["events"]]
    assert "natural_break" not in kinds and "break_taken" not in kinds
    assert kinds[:1] == ["nudge"] and confirm["state"] == "nudged"
    # The same hour in activity mode (the Idle Detection API says nobody is there) is a natural break.
    activity = node_scenario("activity", steps)
    assert activity["needsConfirmation"] is False
    assert [kind for kind, _ in activity["events"]] == ["natural_break", "sitting_bout"]


def test_a_confirmed_break_counts_once_and_the_next_bout_starts_after_it() -> None:
    steps = [*minutes(0, 65), {**minutes(65, 66)[0], "confirm": True}, *minutes(66, 70)]
    result = node_scenario("confirm", steps)
    kinds = [kind for kind, _ in result["events"]]
    assert kinds == ["nudge", "break_taken", "sitting_bout"]
    confirmed_at = steps[65]["t"]
    assert result["events"][1][1] == confirmed_at
    assert result["state"] == "sitting"  # back at the desk with the page open: a new bout


def test_the_page_can_switch_to_activity_mode_once_idle_detection_runs_and_refuses_other_modes() -> None:
    steps = [*minutes(0, 5, input=True), {**minutes(5, 6)[0], "switchTo": "activity"}, *minutes(6, 20)]
    result = node_scenario("confirm", steps)
    assert result["mode"] == "activity"
    assert [kind for kind, _ in result["events"]] == ["natural_break", "sitting_bout"]
    assert result["refused"] == 'mode must be "activity" or "confirm", not sometimes'
