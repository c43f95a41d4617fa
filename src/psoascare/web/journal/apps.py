from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class JournalConfig(AppConfig):
    name = "psoascare.web.journal"
    label = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from psoascare.web.journal import stamps

        # Once per `migrate` (and per test flush): the triggers that keep the page stamps.
        pre_migrate.connect(stamps.on_pre_migrate, sender=self, dispatch_uid="journal-stamps-pre-migrate")
        post_migrate.connect(stamps.on_post_migrate, sender=self, dispatch_uid="journal-stamps-post-migrate")
