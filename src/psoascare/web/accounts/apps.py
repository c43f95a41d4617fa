from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "psoascare.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from psoascare.web.accounts import signals  # noqa: F401  (connects the receivers)
