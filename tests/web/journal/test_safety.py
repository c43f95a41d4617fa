from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from psoascare.web.clinic.models import Alert
from psoascare.web.journal.models import PainRecord, RedFlagScreening
from psoascare.web.programs.models import Assignment
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase


def answers(*yes: str) -> dict[str, str]:
    return {slug: ("yes" if slug in yes else "no") for slug in RED_FLAG_SLUGS}


class SafetyCheckTestCase(BaseTestCase):
    def test_it_asks_new_clients_before_showing_the_routine(self) -> None:
        RedFlagScreening.objects.filter(client=self.client_a).delete()
        self.client.force_login(self.client_a)
        self.assertRedirects(self.client.get("/today/"), "/safety/check/")
        page = self.client.get("/safety/check/")
        self.assertContains(page, "saddle")
        self.assertEqual(page.context["trigger"], "first-login")

    def test_it_lets_the_routine_go_on_when_all_answers_are_no(self) -> None:
        RedFlagScreening.objects.filter(client=self.client_a).delete()
        self.client.force_login(self.client_a)
        response = self.client.post("/safety/check/", answers())
        self.assertContains(response, "None of the warning signs apply")
        screening = RedFlagScreening.objects.get(client=self.client_a)
        self.assertEqual((screening.trigger, screening.outcome), ("first-login", "clear"))
        self.assertEqual(self.client.get("/today/").status_code, 200)

    def test_it_requires_an_answer_to_every_question(self) -> None:
        self.client.force_login(self.client_a)
        partial = answers()
        partial.pop("bladder")
        response = self.client.post("/safety/check/", partial)
        self.assertContains(response, "Please answer yes or no.", status_code=400)
        self.assertEqual(RedFlagScreening.objects.filter(client=self.client_a).count(), 1)

    def test_it_sends_an_emergency_to_emergency_care_pauses_and_alerts(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/safety/check/", answers("saddle-numbness", "fever"))
        self.assertContains(response, "Get emergency care now")
        self.assertEqual(RedFlagScreening.objects.filter(client=self.client_a).first().outcome, "emergency")
        self.assertIn("red flag", Assignment.objects.get(client=self.client_a).paused_reason)
        alert = Alert.objects.get()
        self.assertEqual((alert.therapist, alert.client), (self.therapist_x, self.client_a))
        self.assertIn("saddle-numbness", alert.text)
        self.assertEqual(mail.outbox[0].to, ["xena@example.org"])
        today = self.client.get("/today/")
        self.assertContains(today, "Your routine is paused")
        self.assertEqual(today.context["today"].items, [])

    def test_it_tells_urgent_signs_to_see_a_doctor_soon(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/safety/check/", answers("night-pain"))
        self.assertContains(response, "see your doctor soon")
        self.assertNotContains(response, "Get emergency care now")

    def test_it_asks_again_when_pain_rises_three_points_in_a_week(self) -> None:
        self.client.force_login(self.client_a)
        PainRecord.record(self.client_a, timezone.localdate() - timedelta(days=3), 2)
        response = self.client.post("/today/pain/", {"score": "5"})
        self.assertRedirects(response, "/safety/check/")
        self.assertEqual(self.client.get("/safety/check/").context["trigger"], "pain-rise")
        self.client.post("/safety/check/", answers())
        self.assertEqual(self.client.get("/today/").status_code, 200)

    def test_it_does_not_ask_for_a_two_point_rise(self) -> None:
        self.client.force_login(self.client_a)
        PainRecord.record(self.client_a, timezone.localdate() - timedelta(days=3), 2)
        self.assertRedirects(self.client.post("/today/pain/", {"score": "4"}), "/today/")

    def test_it_lets_the_therapist_resume_after_review(self) -> None:
        self.client.force_login(self.client_a)
        self.client.post("/safety/check/", answers("cancer"))
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.post(f"/clinic/clients/{self.client_a.pk}/resume/").status_code, 404)
        self.client.force_login(self.therapist_x)
        self.client.post(f"/clinic/clients/{self.client_a.pk}/resume/")
        self.assertEqual(Assignment.objects.get(client=self.client_a).paused_reason, "")
        self.assertIsNotNone(Alert.objects.get().resolved_at)
        self.assertEqual(RedFlagScreening.objects.filter(reviewed_by=self.therapist_x).count(), 1)
