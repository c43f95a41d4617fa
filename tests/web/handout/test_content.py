from __future__ import annotations

import sys
from unittest import mock

from django.test import override_settings

from psoascare.routines.library import default_library
from psoascare.routines.templates import RoutineItem, resolve_dose
from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.handout.content import days_words, handout_for
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase
from tests.web.handout.helpers import data_dir_with_figures


class DoseWordsTestCase(BaseTestCase):
    def test_it_words_an_unchanged_dose_as_the_library_does(self) -> None:
        for exercise in default_library():
            with self.subTest(exercise=exercise.slug):
                self.assertEqual(resolve_dose(RoutineItem(exercise.slug), exercise).words(), exercise.dose_text)

    def test_it_words_a_changed_dose(self) -> None:
        exercise = default_library().get("bed-edge-hang")
        item = RoutineItem("bed-edge-hang", sets=3, hold_seconds=45, sides=("right",))
        self.assertEqual(resolve_dose(item, exercise).words(), "3 × 45 s right, 15 s rest")

    def test_it_names_the_days(self) -> None:
        self.assertEqual(days_words([0, 1, 2, 3, 4, 5, 6]), "every day")
        self.assertEqual(days_words([4, 3, 2, 1, 0]), "Monday to Friday")
        self.assertEqual(days_words([0, 2, 4]), "Mon, Wed, Fri")


@override_settings(SITE_URL="https://clinic.example.org")
class HandoutContentTestCase(BaseTestCase):
    def test_it_carries_the_therapists_dose_times_and_days(self) -> None:
        assignment = Assignment.objects.get(client=self.client_a)
        assignment.item_overrides = {"bed-edge-hang": {"hold_seconds": 45, "sets": 3}}
        assignment.times, assignment.days = ["06:45"], [0, 2, 4]
        assignment.save()
        with data_dir_with_figures(()):
            routine = handout_for(self.client_a).routine
        assert routine is not None
        self.assertEqual([e.dose_text for e in routine.exercises], ["3 × 45 s each side, 15 s rest"])
        self.assertEqual((routine.times_text, routine.days_text), ("06:45", "Mon, Wed, Fri"))

    def test_it_links_the_portal_and_the_clients_own_calendar_at_the_site_address(self) -> None:
        with data_dir_with_figures(()):
            links = {link.label: link.url for link in handout_for(self.client_a).links}
        feed_path = CalendarFeed.objects.get(client=self.client_a).path()
        self.assertEqual(
            links,
            {"PsoasCare": "https://clinic.example.org/today/", "Calendar": f"https://clinic.example.org{feed_path}"},
        )

    def test_it_says_so_when_the_calendar_feed_is_not_available(self) -> None:
        # None in sys.modules makes the import fail, as on a server without the calendar app.
        with data_dir_with_figures(()), mock.patch.dict(sys.modules, {"psoascare.web.calendarfeed.models": None}):
            handout = handout_for(self.client_a)
        self.assertEqual([link.label for link in handout.links], ["PsoasCare"])
        self.assertIn("The calendar feed is not available on this server, so its QR code is left out.", handout.notes)

    def test_it_adds_the_therapists_video_call_link_when_set(self) -> None:
        profile = self.therapist_x.profile
        profile.video_call_url = "https://meet.example.org/xena"
        profile.save()
        with data_dir_with_figures(()):
            handout = handout_for(self.client_a)
        self.assertEqual(handout.video_call_url, "https://meet.example.org/xena")
        self.assertIn("https://meet.example.org/xena", [link.url for link in handout.links])

    def test_it_pictures_stretches_only(self) -> None:
        Assignment.objects.filter(client=self.client_a).delete()
        Assignment.assign(self.client_a, self.therapist_x, "psoas-care")
        with data_dir_with_figures(("bed-edge-hang-side",)):
            routine = handout_for(self.client_a).routine
        assert routine is not None
        pictured = {e.slug: e.figure.key if e.figure else None for e in routine.exercises}
        self.assertEqual(pictured, {"bed-edge-hang": "bed-edge-hang-side", "supine-marching": None, "dead-bug": None})
