"""Native desktop notifications through desktop-notifier (D-Bus on Linux, UserNotifications on macOS,
WinRT on Windows). Imported only when chosen: it pulls in an asyncio D-Bus stack."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from psoascare.desk.notify.base import Notifier, NotifierUnavailable

log = logging.getLogger(__name__)


class NativeNotifier(Notifier):
    name = "native desktop notifications"

    def __init__(self) -> None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DBUS_SESSION_BUS_ADDRESS") or os.environ.get("XDG_RUNTIME_DIR")
        ):
            raise NotifierUnavailable("no session D-Bus, so no notification service to talk to")
        try:
            from desktop_notifier import DesktopNotifierSync
        except ImportError as exc:
            raise NotifierUnavailable(f"desktop-notifier is not installed: {exc}") from None
        self._notifier: Any = DesktopNotifierSync(app_name="PsoasCare")

    def notify(self, title: str, message: str, urgent: bool = False) -> None:
        from desktop_notifier import Urgency

        try:
            self._notifier.send(title=title, message=message, urgency=Urgency.Critical if urgent else Urgency.Normal)
        except Exception as exc:  # the notification service went away: keep timing, say it once in the log
            log.warning("native notification failed: %s", exc)
