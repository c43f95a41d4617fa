"""Native desktop notifications through desktop-notifier (D-Bus on Linux, UserNotifications on macOS,
WinRT on Windows). Imported only when chosen: it pulls in an asyncio D-Bus stack."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from psoascare.desk.asyncloop import LoopThread
from psoascare.desk.notify.base import Notifier, NotifierUnavailable

log = logging.getLogger(__name__)
SEND_TIMEOUT_SECONDS = 10.0


class NativeNotifier(Notifier):
    name = "native desktop notifications"

    def __init__(self) -> None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DBUS_SESSION_BUS_ADDRESS") or os.environ.get("XDG_RUNTIME_DIR")
        ):
            raise NotifierUnavailable("no session D-Bus, so no notification service to talk to")
        try:
            from desktop_notifier import DesktopNotifier
        except ImportError as exc:
            raise NotifierUnavailable(f"desktop-notifier is not installed: {exc}") from None
        # desktop-notifier is asyncio-only: it lives on a loop thread of its own (see asyncloop).
        self._loop = LoopThread("native-notifications")

        async def build() -> Any:
            return DesktopNotifier(app_name="PsoasCare")

        self._notifier: Any = self._loop.run(build(), SEND_TIMEOUT_SECONDS)

    def notify(self, title: str, message: str, urgent: bool = False) -> None:
        from desktop_notifier import Urgency

        urgency = Urgency.Critical if urgent else Urgency.Normal
        try:
            self._loop.run(self._notifier.send(title=title, message=message, urgency=urgency), SEND_TIMEOUT_SECONDS)
        except Exception as exc:  # the notification service went away: keep timing, say so in the log
            log.warning("native notification failed: %r", exc)

    def close(self) -> None:
        self._loop.stop()
