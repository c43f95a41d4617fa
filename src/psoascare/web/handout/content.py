"""What goes on a client's handout, gathered once so the printable page and the PDF say the same thing.

Everything here is read from the core (exercise library, routine template with the client's doses,
lesson, red flags) or from the client's records; the handout adds no clinical claim of its own except
STRETCHING_NOTE, which states its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from psoascare.knowledge.content import RedFlags, Section, lesson
from psoascare.routines.library import Exercise, default_library
from psoascare.routines.templates import RoutineTemplate
from psoascare.web.journal.safety import SafetyState, clinic_red_flags, safety_state
from psoascare.web.lessons.figures import (
    LessonFigure,
    catalogue_by_key,
    figure,
    figure_path,
    lesson_model_figures,
    rendered_entries,
)
from psoascare.web.programs.models import Assignment

# The lesson is long; a handout keeps the three parts a client asks about: where, what, and sitting.
LESSON_SECTION_SLUGS: Final = ("where", "actions", "sitting")
# Where the psoas is (front view) and what sitting does to its length (side view).
LESSON_FIGURE_KEYS: Final = ("standing-front", "sitting-90-90-side")
FIGURES_COMMAND: Final = "psoascare figures"

# Our own wording; each claim is from /work/shared/domain/dosing.md or the lesson's corrections.
STRETCHING_NOTE: Final = (
    "Stretch to gentle tightness, never into pain. Regular practice is what counts: a single session does "
    "little on its own. Stretching is one part of an exercise programme, with strengthening and moving often; "
    "it is for comfort and mobility, not a proven cure for back pain."
)
STRETCHING_SOURCES: Final = (
    "American College of Sports Medicine. ACSM's Guidelines for Exercise Testing and Prescription, 11th ed., "
    "Wolters Kluwer, 2021",
    "Kiseljak D, Jelovica V. Use of the modified Thomas test for hip flexor stretching: what are the acute and "
    "prolonged effects? Biomechanics 2024;4:585",
    "Seyedhoseinpoor T, et al. Alteration of lumbar muscle morphology and composition in relation to low back "
    "pain: a systematic review and meta-analysis. Spine J 2022;22:660",
    "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s: assessment and "
    "management. NICE guideline NG59, 2016 (updated 2020)",
)
MOVE_NOTE: Final = (
    "Breaking up sitting with any light activity helps; the studies do not set one best interval, so "
    "your therapist picks one with you."
)
MOVE_SOURCES: Final = (
    "Bull FC, et al. World Health Organization 2020 guidelines on physical activity and sedentary behaviour. "
    "Br J Sports Med 2020;54:1451",
    "Dunstan DW, et al. Breaking up prolonged sitting reduces postprandial glucose and insulin responses. "
    "Diabetes Care 2012;35:976",
    "Buckley JP, et al. The sedentary office: an expert statement on the growing case for change towards better "
    "health and productivity. Br J Sports Med 2015;49:1357",
)
DAY_TITLES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class HandoutFigure:
    """A body-model picture: `png` is the rendered raster the PDF can embed (None until rendered);
    `web` is what the page shows (the rendered file or an inline schematic), gathered only for the page."""

    key: str
    caption: str
    alt: str
    png: Path | None
    web: LessonFigure | None = None


@dataclass(frozen=True)
class HandoutExercise:
    slug: str
    title: str
    dose_text: str
    purpose: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    source: str
    figure: HandoutFigure | None


@dataclass(frozen=True)
class RoutinePart:
    title: str
    times_text: str
    days_text: str
    exercises: tuple[HandoutExercise, ...]


@dataclass(frozen=True)
class MoveAdvice:
    every_minutes: int | None
    hours_text: str
    days_text: str
    moves: tuple[Exercise, ...]

    @property
    def headline(self) -> str:
        if self.every_minutes is None:
            return "Get up and move at least once an hour while you sit at work."
        return (
            f"Get up and move at least every {self.every_minutes} minutes while you sit, "
            f"{self.days_text}, {self.hours_text}."
        )


@dataclass(frozen=True)
class HandoutLink:
    """A link printed as a QR code with its address written out beside it."""

    label: str
    url: str
    explanation: str


@dataclass(frozen=True)
class Handout:
    client_name: str
    prepared_on: date
    therapist_name: str
    video_call_url: str
    routine: RoutinePart | None
    moves: MoveAdvice
    lesson_title: str
    lesson_summary: str
    lesson_sections: tuple[Section, ...]
    lesson_figures: tuple[HandoutFigure, ...]
    red_flags: RedFlags
    safety: SafetyState  # while paused the handout prints the pause instead of the exercises
    links: tuple[HandoutLink, ...]
    # Things the handout would show but cannot on this server, said on the page instead of left out quietly.
    notes: tuple[str, ...] = field(default=())

    @property
    def figures(self) -> tuple[HandoutFigure, ...]:
        exercise_figures = tuple(e.figure for e in self.routine.exercises if e.figure) if self.routine else ()
        return self.lesson_figures + exercise_figures

    @property
    def missing_pictures(self) -> bool:
        """True when some picture has no rendered PNG: the PDF then says how to render them."""
        return any(f.png is None for f in self.figures)


def days_words(days: list[int] | tuple[int, ...]) -> str:
    chosen = sorted({int(d) for d in days})
    if chosen == list(range(7)):
        return "every day"
    if chosen == list(range(5)):
        return "Monday to Friday"
    return ", ".join(DAY_TITLES[d] for d in chosen)


def handout_figure(key: str, rendered: dict[str, dict[str, Any]], *, for_page: bool) -> HandoutFigure | None:
    """A catalogue figure, or None when the body model has no picture with that key.
    `rendered` is lessons.figures.rendered_entries(), read once per handout."""
    known = catalogue_by_key().get(key)
    if known is None:
        return None
    web = figure(key, rendered) if for_page else None
    caption, alt = (web.caption, web.alt) if web else (known.caption, known.alt)
    filename = str(rendered.get(key, {}).get("file", ""))
    png = figure_path(filename) if filename.endswith(".png") else None
    return HandoutFigure(key, caption, alt, png, web)


def _exercise_figure(
    exercise: Exercise, rendered: dict[str, dict[str, Any]], *, for_page: bool
) -> HandoutFigure | None:
    """A stretch's picture: its posture from the side, which shows the hip angle the stretch is about.
    Other exercises get none: their posture is only where they start, and its picture would mislead."""
    if exercise.category != "stretch":
        return None
    return handout_figure(f"{exercise.posture}-side", rendered, for_page=for_page)


def _routine_part(
    assignment: Assignment, template: RoutineTemplate, rendered: dict[str, dict[str, Any]], *, for_page: bool
) -> RoutinePart:
    library = default_library()
    exercises = []
    for item in template.items:
        exercise = library.get(item.exercise)
        exercises.append(
            HandoutExercise(
                slug=exercise.slug,
                title=exercise.title,
                dose_text=template.dose(item, library).words(),
                purpose=exercise.purpose,
                steps=exercise.steps,
                cautions=exercise.cautions,
                source=exercise.source,
                figure=_exercise_figure(exercise, rendered, for_page=for_page),
            )
        )
    times = [str(t) for t in assignment.times]
    return RoutinePart(
        title=template.title,
        times_text=" and ".join(times),
        days_text=days_words(assignment.days),
        exercises=tuple(exercises),
    )


def _move_advice(assignment: Assignment | None, move_slugs: tuple[str, ...]) -> MoveAdvice:
    library = default_library()
    moves = tuple(library.get(slug) for slug in move_slugs) or library.in_category("move")
    if assignment is None:
        return MoveAdvice(None, "in working hours", "on working days", moves)
    return MoveAdvice(
        every_minutes=assignment.move_every_minutes,
        hours_text=f"{assignment.work_start:%H:%M}–{assignment.work_end:%H:%M}",
        days_text=days_words(assignment.work_days),
        moves=moves,
    )


def portal_url() -> str:
    return f"{settings.SITE_URL}{reverse('today')}"


def _calendar_link(client: User) -> HandoutLink | None:
    try:
        from psoascare.web.calendarfeed.models import feed_url_for
    except (ImportError, RuntimeError):
        # RuntimeError: Django refuses models of an app that is not installed on this server.
        return None
    return HandoutLink(
        "Calendar",
        feed_url_for(client),
        "Subscribe to this address in your calendar app to get the morning and night stretch with reminders. "
        "Keep it private: anyone with it can see your schedule.",
    )


def _display_name(user: User) -> str:
    return user.get_full_name() or user.username


def handout_for(client: User, *, for_page: bool = False) -> Handout:
    """The handout for one client. `for_page` also gathers the web form of each picture (URL or inline SVG).

    Its links use SITE_URL, not the address of the request: a printed page is read later, on a phone, and
    must point at the clinic's public address even when the therapist prints it on the clinic's network.
    """
    assignment = Assignment.objects.filter(client=client).first()
    profile = getattr(client, "profile", None)
    therapist = profile.therapist if profile is not None else None
    therapist_profile = getattr(therapist, "profile", None) if therapist is not None else None
    filled = lesson().filled(lesson_model_figures())
    rendered = rendered_entries()
    safety = safety_state(client)
    if assignment is None or safety.paused:
        routine, moves = None, _move_advice(None, ())
    else:
        template = assignment.template()  # resolved once for the routine and the moves
        routine = _routine_part(assignment, template, rendered, for_page=for_page)
        moves = _move_advice(assignment, template.moves)
    sections = {section.slug: section for section in filled.sections}

    links = [
        HandoutLink(
            "PsoasCare",
            portal_url(),
            "Your Today page: what is due, the guided stretch with a timer, and your pain log.",
        )
    ]
    if therapist is not None and therapist_profile is not None and therapist_profile.video_call_url:
        links.append(
            HandoutLink(
                "Video call",
                therapist_profile.video_call_url,
                f"The link {_display_name(therapist)} uses for video appointments.",
            )
        )
    notes = []
    calendar = _calendar_link(client)
    if calendar is None:
        notes.append("The calendar feed is not available on this server, so its QR code is left out.")
    else:
        links.append(calendar)

    return Handout(
        client_name=_display_name(client),
        prepared_on=timezone.localdate(),
        therapist_name=_display_name(therapist) if therapist is not None else "",
        video_call_url=therapist_profile.video_call_url if therapist_profile is not None else "",
        routine=routine,
        moves=moves,
        lesson_title=filled.title,
        lesson_summary=filled.summary,
        lesson_sections=tuple(sections[slug] for slug in LESSON_SECTION_SLUGS if slug in sections),
        lesson_figures=tuple(
            f for f in (handout_figure(key, rendered, for_page=for_page) for key in LESSON_FIGURE_KEYS) if f is not None
        ),
        red_flags=clinic_red_flags(),
        safety=safety,
        links=tuple(links),
        notes=tuple(notes),
    )
