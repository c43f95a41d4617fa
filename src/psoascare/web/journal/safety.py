"""The one safety gate: every way into an exercise asks `safety_state(client)` whether the client may exercise.

Red-flag answers belong to the client, not to a programme: a client screened "emergency" before any programme
exists is paused as soon as one is assigned. The state only rises until the therapist reviews it
(`psoascare.knowledge.safety`); `resume_routine` is the only way down. The web player, the clinic player, the
Today page, the handout, the calendar feed, the API, `psoascare stretch` and the desk timer's moves all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from psoascare.knowledge.content import RedFlagGroup, RedFlags, red_flags
from psoascare.knowledge.safety import SafetyLevel, unreviewed_level
from psoascare.web.clinic.models import Alert
from psoascare.web.journal.models import RedFlagScreening, screening_needed


def clinic_red_flags() -> RedFlags:
    """The warning signs with this clinic's emergency number (PSOASCARE_EMERGENCY_NUMBER)."""
    return red_flags(settings.EMERGENCY_NUMBER)


@dataclass(frozen=True)
class SafetyState:
    level: SafetyLevel
    screening_due: str | None  # why the questions must be answered before exercising (a Trigger), or None
    flagged: tuple[RedFlagScreening, ...]  # the unreviewed screenings with a "yes", newest first
    has_therapist: bool

    @property
    def paused(self) -> bool:
        return self.level > SafetyLevel.CLEAR

    @property
    def allows_exercise(self) -> bool:
        return not self.paused and self.screening_due is None

    @property
    def signs(self) -> list[str]:
        """The signs answered "yes" in the unreviewed screenings, each once, oldest answer first."""
        seen: dict[str, None] = {}
        for screening in reversed(self.flagged):
            seen.update(dict.fromkeys(screening.signs_answered_yes))
        return list(seen)

    @property
    def version(self) -> str:
        """Changes whenever what the gate says changes (for caches and ETags)."""
        newest = self.flagged[0].pk if self.flagged else 0
        return f"{self.level.key}-{newest}-{self.screening_due or 'none'}"

    def group(self, flags: RedFlags) -> RedFlagGroup | None:
        return flags.group(self.level.key) if self.paused else None

    def message(self, flags: RedFlags) -> str:
        """The one sentence every blocked path says, before the group's action."""
        if self.paused:
            return flags.wording.paused if self.has_therapist else flags.wording.paused_no_therapist
        if self.screening_due:
            return flags.wording.screening_due
        return ""

    def questions(self, flags: RedFlags) -> list[str]:
        """The signs answered "yes", in words."""
        return [flags.sign(slug).question for slug in self.signs]

    def as_dict(self, flags: RedFlags) -> dict[str, Any]:
        group = self.group(flags)
        return {
            "level": self.level.key,
            "paused": self.paused,
            "screening_due": self.screening_due,
            "allows_exercise": self.allows_exercise,
            "message": self.message(flags),
            "title": group.title if group else "",
            "action": group.action if group else "",
            "signs": self.questions(flags),
        }


def safety_state(client: User, day: date | None = None) -> SafetyState:
    flagged = tuple(
        RedFlagScreening.objects.filter(client=client, reviewed_at__isnull=True).exclude(
            outcome=RedFlagScreening.Outcome.CLEAR
        )
    )
    profile = getattr(client, "profile", None)
    return SafetyState(
        level=unreviewed_level(screening.outcome for screening in flagged),
        screening_due=screening_needed(client, day or timezone.localdate()),
        flagged=flagged,
        has_therapist=profile is not None and profile.therapist_id is not None,
    )


def screen(client: User, trigger: str, answers: dict[str, bool]) -> RedFlagScreening:
    """Records the answers; a "yes" alerts the therapist (when there is one). The pause follows from the
    answers themselves through `safety_state`, whether or not a programme exists yet."""
    flags = red_flags()
    group = flags.most_serious({slug for slug, yes in answers.items() if yes})
    outcome = RedFlagScreening.Outcome.CLEAR if group is None else RedFlagScreening.Outcome(group.level)
    with transaction.atomic():
        screening = RedFlagScreening.objects.create(
            client=client, trigger=trigger, answers=answers, outcome=outcome, answered_at=timezone.now()
        )
        if screening.flagged:
            said = "; ".join(flags.sign(slug).question for slug in screening.signs_answered_yes)
            Alert.raise_for(client, f"red-flag-{outcome}", f"Answered yes to: {said} Exercises paused."[:500])
    return screening


def resume_routine(therapist: User, client: User) -> None:
    """The therapist has reviewed the client's answers: the gate opens again."""
    with transaction.atomic():
        RedFlagScreening.objects.filter(client=client, reviewed_at__isnull=True).exclude(outcome="clear").update(
            reviewed_by=therapist, reviewed_at=timezone.now()
        )
        Alert.objects.filter(client=client, therapist=therapist, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )


def safety_context(state: SafetyState) -> dict[str, Any]:
    """What journal/_safety_box.html needs to say the pause the same way on every page."""
    flags = clinic_red_flags()
    return {
        "state": state,
        "flags": flags,
        "group": state.group(flags),
        "message": state.message(flags),
        "answered_yes": state.questions(flags),
    }


def blocked_response(request: HttpRequest, state: SafetyState, *, as_json: bool = False) -> HttpResponse:
    """What a client sees instead of an exercise: the safety questions, or the pause with its advice."""
    if as_json:
        flags = clinic_red_flags()
        return JsonResponse({"error": state.message(flags), "safety": state.as_dict(flags)}, status=403)
    if state.screening_due and not state.paused:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('safety_check')}?{query}")
    return render(request, "journal/paused.html", safety_context(state), status=403)


View = Callable[..., HttpResponse]


def exercise_allowed(view: View) -> View:
    """For client views that start or record an exercise: the gate, or the reason it is shut."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert isinstance(request.user, User)
        state = safety_state(request.user)
        if not state.allows_exercise:
            return blocked_response(request, state, as_json=request.content_type == "application/json")
        return view(request, *args, **kwargs)

    return wrapped


def _clinic_key(client: User) -> str:
    return f"clinic-safety-confirmed-{client.pk}"


def guided_by_therapist_allowed(request: HttpRequest, client: User, state: SafetyState) -> bool:
    """In the clinic the therapist may guide a client whose gate is shut, once they have seen why and confirmed
    for this very state (a newer answer asks again)."""
    return state.allows_exercise or request.session.get(_clinic_key(client)) == state.version


def confirm_clinic_session(request: HttpRequest, client: User, state: SafetyState) -> None:
    request.session[_clinic_key(client)] = state.version


def therapist_gate(request: HttpRequest, client: User, what: str) -> HttpResponse | None:
    """For a therapist about to take `client` through an exercise in the clinic ("this session", "the
    bed-edge position"): None when they may go on; else the page that shows why the gate is shut and asks them to
    confirm an in-person assessment (a confirming POST is logged and sends them back where they were going)."""
    from psoascare.web.privacy.audit import record_access

    state = safety_state(client)
    if guided_by_therapist_allowed(request, client, state):
        return None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        confirm_clinic_session(request, client, state)
        record_access(request, client, "confirm-clinic-session")
        return redirect(request.get_full_path())
    context = {**safety_context(state), "client": client, "what": what}
    return render(request, "journal/clinic_confirm.html", context, status=403)
