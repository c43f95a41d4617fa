from __future__ import annotations

from django.contrib import admin

from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, StretchSession

admin.site.register(PainRecord)
admin.site.register(CompletedItem)
admin.site.register(StretchSession)
admin.site.register(DeskEvent)
