"""The one interface every activity backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from psoascare.desk.policy import ActivitySample


class SourceUnavailable(RuntimeError):
    """This backend cannot work here; the message says why, for the factory's report."""


class ActivitySource(ABC):
    #: Short name shown to the person ("X11 screensaver extension", "plain timer", ...).
    name: ClassVar[str]
    #: False for the plain timer: it cannot tell sitting from being away, so breaks must be reported.
    can_see_activity: ClassVar[bool] = True

    @abstractmethod
    def idle_seconds(self) -> float:
        """Seconds since the last keyboard or mouse input anywhere in the session."""

    @abstractmethod
    def screen_locked(self) -> bool:
        """True while the session is locked (or the screensaver is on, where that is all we can see)."""

    def in_video_call(self) -> bool:
        """True while a full-screen video call is in front; backends that cannot tell say False."""
        return False

    def sample(self) -> ActivitySample:
        return ActivitySample(
            idle_seconds=self.idle_seconds(),
            screen_locked=self.screen_locked(),
            in_video_call=self.in_video_call(),
        )

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Releases the connection to the display server or bus, if any."""
