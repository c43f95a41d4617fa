from __future__ import annotations

from psoascare.web.journal.models import PsfsAssessment
from tests.web.base import RECHECK_NO, BaseTestCase


class PsfsTestCase(BaseTestCase):
    def test_it_scores_the_mean_of_the_rated_activities(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post(
            "/journal/psfs/",
            {"activity_1": "Putting on socks", "rating_1": "3", "activity_2": "Sitting", "rating_2": "6", **RECHECK_NO},
        )
        self.assertRedirects(response, "/journal/")
        assessment = PsfsAssessment.objects.get()
        self.assertEqual(assessment.score, 4.5)
        self.assertEqual(assessment.activities[0], {"activity": "Putting on socks", "rating": 3})

    def test_it_is_due_at_the_start_and_not_again_for_two_weeks(self) -> None:
        self.client.force_login(self.client_a)
        self.assertTrue(self.client.get("/today/").context["psfs_due"])
        self.client.post("/journal/psfs/", {"activity_1": "Stairs", "rating_1": "5", **RECHECK_NO})
        self.assertFalse(self.client.get("/today/").context["psfs_due"])

    def test_it_rejects_bad_rows_with_clear_errors(self) -> None:
        self.client.force_login(self.client_a)
        cases = [
            ({}, "Name at least one activity"),
            ({"activity_1": "Stairs", "rating_1": "11"}, "Ratings go from 0 to 10."),
            ({"activity_1": "Stairs"}, "Rate this activity from 0 to 10."),
            ({"rating_1": "4"}, "Name the activity you are rating."),
            ({"activity_1": "Stairs", "rating_1": "abc"}, "whole number from 0 to 10"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.client.post("/journal/psfs/", {**data, **RECHECK_NO})
                self.assertContains(response, message, status_code=400)
        self.assertFalse(PsfsAssessment.objects.exists())
