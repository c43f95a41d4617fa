"""A client's progress as the same accessible charts for the client and the therapist: pain, PSFS, weekly
adherence and the current streak. Thresholds follow psoascare.knowledge.outcomes (NPRS: 2 points on weekly means,
Childs et al. 2005; PSFS: 2 points on the mean, Stratford et al. 1995)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from psoascare.knowledge.outcomes import NPRS_MEANINGFUL_POINTS, PSFS_MEANINGFUL_POINTS, weekly_mean
from psoascare.web.clinic.charts import change_thresholds, line_chart
from psoascare.web.journal.models import CompletedItem, PainRecord, PsfsAssessment
from psoascare.web.programs.models import Assignment

CHART_DAYS = 90
ADHERENCE_WEEKS = 12
STREAK_DAYS = 365  # the longest streak counted
Due = dict[date, set[str]]  # the stretch items due each day
Done = set[tuple[date, str]]  # the (day, item) pairs ticked


def progress_charts(client: User, today: date | None = None) -> dict[str, object]:
    today = today or timezone.localdate()
    since = today - timedelta(days=CHART_DAYS)
    pain = [(r.day, float(r.score)) for r in PainRecord.objects.filter(client=client, day__gte=since).order_by("day")]
    psfs = [(a.taken_on, a.score) for a in PsfsAssessment.objects.filter(client=client).order_by("taken_on")]
    first_week = weekly_mean(dict(pain), pain[0][0] + timedelta(days=6)) if pain else None
    pain_lines = change_thresholds(first_week, NPRS_MEANINGFUL_POINTS, None, True) if first_week is not None else []
    psfs_lines = change_thresholds(psfs[0][1], PSFS_MEANINGFUL_POINTS, None, False) if psfs else []
    # The routine resolved and the ticks read once, for both the weekly adherence and the streak.
    due, done = _stretch_days(client, today - timedelta(days=STREAK_DAYS), today)
    weeks = _weekly_adherence(due, done, today, ADHERENCE_WEEKS)
    return {
        "pain_points": pain,
        "psfs_points": psfs,
        "adherence_points": weeks,
        "streak_days": _streak(due, done, today),
        "pain_chart": line_chart(
            pain,
            title="Pain (0–10) over the last 90 days",
            y_min=0,
            y_max=10,
            thresholds=pain_lines,
            description="Daily pain scores; the dashed line is 2 points below the first week's average, the "
            "smallest change that counts (Childs et al., Spine 2005).",
            element_id="pain-chart",
        ),
        "psfs_chart": line_chart(
            psfs,
            title="Activities score (PSFS, 0–10)",
            y_min=0,
            y_max=10,
            thresholds=psfs_lines,
            description="Mean PSFS rating; the dashed line marks a meaningful improvement of 2 points "
            "(Stratford et al. 1995).",
            element_id="psfs-chart",
        ),
        "adherence_chart": line_chart(
            [(end, float(percent)) for end, percent in weeks],
            title="Stretches done each week (%)",
            y_min=0,
            y_max=100,
            description="The share of the week's stretches that were done, week by week.",
            element_id="adherence-chart",
        ),
    }


def _stretch_days(client: User, first: date, last: date) -> tuple[Due, Done]:
    """The stretch items due each day (the routine resolved once) and the ticked (day, item) pairs."""
    assignment = Assignment.objects.filter(client=client).first()
    if assignment is None:
        return {}, set()
    first = max(first, timezone.localtime(assignment.assigned_at).date())
    if first > last:
        return {}, set()
    due = {
        day: {item.key for item in items if item.kind == "stretch"}
        for day, items in assignment.due_between(first, last).items()
    }
    done = set(CompletedItem.objects.filter(client=client, day__range=(first, last)).values_list("day", "item_key"))
    return due, done


def weekly_adherence(client: User, today: date, weeks: int = ADHERENCE_WEEKS) -> list[tuple[date, int]]:
    """(last day of the week, % of its stretches done) for whole weeks ending yesterday, oldest first."""
    last = today - timedelta(days=1)
    due, done = _stretch_days(client, last - timedelta(days=7 * weeks - 1), last)
    return _weekly_adherence(due, done, today, weeks)


def _weekly_adherence(due: Due, done: Done, today: date, weeks: int) -> list[tuple[date, int]]:
    last = today - timedelta(days=1)
    points = []
    for week in range(weeks):
        end = last - timedelta(days=7 * (weeks - 1 - week))
        keys = {(day, key) for day, keys in due.items() if end - timedelta(days=6) <= day <= end for key in keys}
        if keys:
            points.append((end, round(100 * len(keys & done) / len(keys))))
    return points


def streak(client: User, today: date, longest: int = STREAK_DAYS) -> int:
    """Days in a row, up to yesterday (and today once all of it is done), with every stretch done."""
    due, done = _stretch_days(client, today - timedelta(days=longest), today)
    return _streak(due, done, today)


def _streak(due: Due, done: Done, today: date) -> int:
    count = 0
    day = today
    while day in due:
        complete = bool(due[day]) and all((day, key) in done for key in due[day])
        if not complete and day != today:
            break
        count += complete
        day -= timedelta(days=1)
    return count
