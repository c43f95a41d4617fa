from __future__ import annotations

from datetime import date, datetime, timedelta

from django.test import override_settings
from django.utils import timezone

from psoascare.web.journal.models import CompletedItem, PainRecord, PsfsAssessment
from psoascare.web.journal.progress import streak, weekly_adherence
from psoascare.web.journal.templatetags.dates import day
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase


class JournalChartsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.today = timezone.localdate()
        started = timezone.make_aware(datetime.combine(self.today - timedelta(days=20), datetime.min.time()))
        Assignment.objects.filter(client=self.client_a).update(assigned_at=started)

    def tick_all(self, on: date) -> None:
        for item in Assignment.objects.get(client=self.client_a).due_on(on):
            if item.kind == "stretch":
                CompletedItem.objects.create(client=self.client_a, day=on, item_key=item.key, label=item.label)

    def test_it_counts_the_days_in_a_row_with_every_stretch_done(self) -> None:
        for offset in (1, 2, 3, 5):  # day 4 was missed
            self.tick_all(self.today - timedelta(days=offset))
        self.assertEqual(streak(self.client_a, self.today), 3)  # today is not over yet: it does not break it
        self.tick_all(self.today)
        self.assertEqual(streak(self.client_a, self.today), 4)

    def test_it_gives_weekly_adherence_for_whole_weeks(self) -> None:
        for offset in range(1, 8):
            self.tick_all(self.today - timedelta(days=offset))
        weeks = weekly_adherence(self.client_a, self.today, weeks=2)
        self.assertEqual(weeks[-1], (self.today - timedelta(days=1), 100))
        self.assertEqual(weeks[0][1], 0)

    def test_the_client_sees_the_same_accessible_charts_as_the_therapist(self) -> None:
        PainRecord.record(self.client_a, self.today - timedelta(days=2), 5)
        PsfsAssessment.record(self.client_a, self.today, [("Stairs", 4)])
        self.tick_all(self.today - timedelta(days=1))
        self.client.force_login(self.client_a)
        page = self.client.get("/journal/")
        for chart in ("pain-chart", "psfs-chart", "adherence-chart"):
            self.assertContains(page, f'aria-labelledby="{chart}-title {chart}-desc"')
        self.assertContains(page, "1 day in a row with every stretch done")
        self.client.force_login(self.therapist_x)
        therapist_page = self.client.get(f"/clinic/clients/{self.client_a.pk}/")
        self.assertEqual(therapist_page.context["pain_chart"], page.context["pain_chart"])


@override_settings(TIME_ZONE="Europe/London")
class DatesTestCase(BaseTestCase):
    def test_it_shows_the_year_only_when_it_is_not_this_year(self) -> None:
        this_year = timezone.localdate().year
        self.assertEqual(day(date(this_year, 3, 3)), date(this_year, 3, 3).strftime("%a %-d %b"))
        self.assertTrue(day(date(this_year - 1, 3, 3)).endswith(str(this_year - 1)))
