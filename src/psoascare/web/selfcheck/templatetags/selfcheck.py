"""{% selfcheck_summary client %}: the client's latest self-checks and chart, for the journal and the
therapist's client page (one line in each template)."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import User

from psoascare.body.thomas import ERROR_BAND_DEG
from psoascare.web.selfcheck.charts import selfcheck_chart
from psoascare.web.selfcheck.models import SelfCheck

register = template.Library()
SUMMARY_LENGTH = 20


@register.inclusion_tag("selfcheck/_summary.html")
def selfcheck_summary(client: User, for_therapist: bool = False) -> dict[str, object]:
    checks = list(SelfCheck.objects.filter(client=client)[:SUMMARY_LENGTH])
    return {
        "client": client,
        "checks": checks,
        "chart": selfcheck_chart(checks, element_id="selfcheck-summary-chart"),
        "error_band": ERROR_BAND_DEG,
        "for_therapist": for_therapist,
    }
