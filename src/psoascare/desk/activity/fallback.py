"""The plain timer: used where no activity backend works. It says so; it cannot see breaks."""

from __future__ import annotations

from psoascare.desk.activity.base import ActivitySource


class PlainTimerSource(ActivitySource):
    name = "plain timer (cannot see keyboard or mouse activity)"
    can_see_activity = False

    def idle_seconds(self) -> float:
        # Without an idle clock every second counts as sitting; breaks come only from the person saying so.
        return 0.0

    def screen_locked(self) -> bool:
        return False
