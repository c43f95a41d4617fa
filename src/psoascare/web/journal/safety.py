"""Red-flag screening: record the answers, and on any "yes" pause the routine and alert the therapist."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from psoascare.knowledge.content import red_flags
from psoascare.web.clinic.models import Alert
from psoascare.web.journal.models import RedFlagScreening
from psoascare.web.programs.models import Assignment


def screen(client: User, trigger: str, answers: dict[str, bool]) -> RedFlagScreening:
    flags = red_flags()
    group = flags.most_serious({slug for slug, yes in answers.items() if yes})
    outcome = RedFlagScreening.Outcome.CLEAR if group is None else RedFlagScreening.Outcome(group.level)
    with transaction.atomic():
        screening = RedFlagScreening.objects.create(
            client=client, trigger=trigger, answers=answers, outcome=outcome, answered_at=timezone.now()
        )
        if screening.flagged:
            reason = f"red flag answered on {timezone.localdate():%d %b %Y}: {screening.get_outcome_display()}"
            Assignment.objects.filter(client=client).update(paused_reason=reason[:200])
            yes = ", ".join(screening.signs_answered_yes)
            Alert.raise_for(client, f"red-flag-{outcome}", f"answered yes to: {yes}. Routine paused.")
    return screening


def resume_routine(therapist: User, client: User) -> None:
    """The therapist has reviewed the client and lets the routine go on."""
    with transaction.atomic():
        Assignment.objects.filter(client=client).update(paused_reason="")
        RedFlagScreening.objects.filter(client=client, reviewed_at__isnull=True).exclude(outcome="clear").update(
            reviewed_by=therapist, reviewed_at=timezone.now()
        )
        Alert.objects.filter(client=client, therapist=therapist, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
