from __future__ import annotations

import json
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from psoascare.web.api.models import ApiToken
from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.clinic.models import Alert
from psoascare.web.journal.models import PainRecord, PsfsAssessment, RedFlagScreening, StretchSession
from psoascare.web.journal.safety import safety_state
from psoascare.web.programs.models import Assignment
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase
from tests.web.routines.helpers import played

EMERGENCY_ACTION = "Go to A&amp;E (the emergency department) or call 999 now."


def answers(*yes: str) -> dict[str, str]:
    return {slug: ("yes" if slug in yes else "no") for slug in RED_FLAG_SLUGS}


class SafetyCheckTestCase(BaseTestCase):
    def test_it_asks_new_clients_before_showing_the_routine(self) -> None:
        RedFlagScreening.objects.filter(client=self.client_a).delete()
        self.client.force_login(self.client_a)
        self.assertRedirects(self.client.get("/today/"), "/safety/check/")
        page = self.client.get("/safety/check/")
        self.assertContains(page, "toilet paper")
        self.assertContains(page, "pulsing lump in your tummy")
        self.assertContains(page, "steadily getting worse")
        self.assertNotContains(page, "after a month")  # most chronic clients would say yes: not a red flag
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
        response = self.client.post("/safety/check/", answers("saddle-numbness", "unwell"))
        self.assertContains(response, EMERGENCY_ACTION)
        self.assertContains(response, "Your therapist has been told.")
        self.assertEqual(RedFlagScreening.objects.filter(client=self.client_a).first().outcome, "emergency")
        alert = Alert.objects.get()
        self.assertEqual((alert.therapist, alert.client), (self.therapist_x, self.client_a))
        self.assertIn("genitals, back passage or buttocks", alert.text)  # the question in words, not its key
        self.assertEqual(mail.outbox[0].to, ["xena@example.org"])
        today = self.client.get("/today/")
        self.assertContains(today, EMERGENCY_ACTION)
        self.assertNotContains(today, "Start the guided routine")
        self.assertNotContains(today, 'name="item_key"')

    def test_it_tells_urgent_signs_to_see_a_doctor_soon(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/safety/check/", answers("night-pain"))
        self.assertContains(response, "See a doctor soon")
        self.assertContains(response, "doctor (GP) in the next day or two")
        self.assertNotContains(response, EMERGENCY_ACTION)

    def test_it_says_the_therapist_was_told_only_when_there_is_one(self) -> None:
        self.client_b.profile.therapist = None
        self.client_b.profile.save()
        self.client.force_login(self.client_b)
        response = self.client.post("/safety/check/", answers("cancer"))
        self.assertNotContains(response, "Your therapist has been told")
        self.assertContains(response, "Please show your answers to a doctor or physiotherapist.")
        self.assertFalse(Alert.objects.exists())

    def test_it_asks_again_when_pain_rises_three_points_in_a_week(self) -> None:
        self.client.force_login(self.client_a)
        PainRecord.record(self.client_a, timezone.localdate() - timedelta(days=3), 2)
        response = self.client.post("/today/pain/", {"score": "5"})
        self.assertRedirects(response, "/safety/check/")
        self.assertEqual(self.client.get("/safety/check/").context["trigger"], "pain-rise")
        # The gate is shut for the player too until the questions are answered, and sends the client back.
        self.assertRedirects(
            self.client.get("/routines/bed-edge/play/"),
            "/safety/check/?next=%2Froutines%2Fbed-edge%2Fplay%2F",
            fetch_redirect_response=False,
        )
        response = self.client.post("/safety/check/", {**answers(), "next": "/routines/bed-edge/play/"})
        self.assertContains(response, 'href="/routines/bed-edge/play/"')
        self.assertEqual(self.client.get("/today/").status_code, 200)

    def test_it_sends_the_client_back_only_within_the_site(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post("/safety/check/", {**answers(), "next": "https://evil.example/"})
        self.assertNotContains(response, "evil.example")

    def test_it_does_not_ask_for_a_two_point_rise(self) -> None:
        self.client.force_login(self.client_a)
        PainRecord.record(self.client_a, timezone.localdate() - timedelta(days=3), 2)
        self.assertRedirects(self.client.post("/today/pain/", {"score": "4"}), "/today/")

    def test_it_lets_only_the_clients_therapist_resume_after_review(self) -> None:
        self.client.force_login(self.client_a)
        self.client.post("/safety/check/", answers("cancer"))
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.post(f"/clinic/clients/{self.client_a.pk}/resume/").status_code, 404)
        self.assertTrue(safety_state(self.client_a).paused)
        self.client.force_login(self.therapist_x)
        self.client.post(f"/clinic/clients/{self.client_a.pk}/resume/")
        self.assertFalse(safety_state(self.client_a).paused)
        self.assertIsNotNone(Alert.objects.get().resolved_at)
        self.assertEqual(RedFlagScreening.objects.filter(reviewed_by=self.therapist_x).count(), 1)


class OneGateTestCase(BaseTestCase):
    """Client B answers "emergency" before any programme exists; every way into an exercise stays shut."""

    def setUp(self) -> None:
        self.client.force_login(self.client_b)
        self.client.post("/safety/check/", answers("both-legs"))
        Assignment.assign(self.client_b, self.therapist_x, "bed-edge")  # assigned after the answer

    def test_the_state_belongs_to_the_client_whatever_the_programme(self) -> None:
        state = safety_state(self.client_b)
        self.assertEqual((state.level.key, state.paused, state.allows_exercise), ("emergency", True, False))

    def test_today_shows_the_pause_and_no_routine(self) -> None:
        today = self.client.get("/today/")
        self.assertContains(today, EMERGENCY_ACTION)
        self.assertContains(today, "Do you have pain, numbness or weakness in both legs? Yes.")
        self.assertNotContains(today, "/routines/bed-edge/play/")
        self.assertNotContains(today, 'name="item_key"')
        key = today.context["today"].items[0].due.key
        self.assertEqual(self.client.post("/today/tick/", {"item_key": key}).status_code, 403)

    def test_the_player_and_its_session_endpoint_are_shut(self) -> None:
        page = self.client.get("/routines/bed-edge/play/")
        self.assertContains(page, EMERGENCY_ACTION, status_code=403)
        self.assertNotContains(page, 'id="player"', status_code=403)
        body = json.dumps(played("bed-edge"))
        response = self.client.post("/routines/bed-edge/sessions/", body, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertIn("paused", response.json()["error"])
        self.assertFalse(StretchSession.objects.exists())

    def test_the_api_says_so_and_refuses_sessions(self) -> None:
        gate = self.client.get("/api/safety").json()
        self.assertEqual((gate["level"], gate["allows_exercise"]), ("emergency", False))
        self.assertIn("call 999 now", gate["action"])
        _, secret = ApiToken.issue(self.client_b, "desk")
        bearer = {"Authorization": f"Bearer {secret}"}
        self.assertFalse(self.client.get("/api/safety", headers=bearer).json()["allows_exercise"])
        body = json.dumps(played("bed-edge"))
        response = self.client.post("/api/journal/sessions", body, content_type="application/json", headers=bearer)
        self.assertEqual(response.status_code, 403)
        self.assertIn("paused", response.json()["detail"])
        self.assertFalse(StretchSession.objects.exists())

    def test_the_web_desk_timer_suggests_no_exercise_only_what_to_do(self) -> None:
        moves = self.client.get("/desk/").context["timer_settings"]["moves"]
        self.assertEqual([move["slug"] for move in moves], ["exercises-paused"])
        self.assertIn("call 999 now", moves[0]["instructions"])

    def test_the_handout_prints_the_pause_instead_of_the_exercises(self) -> None:
        page = self.client.get("/handout/")
        self.assertContains(page, EMERGENCY_ACTION)
        self.assertNotContains(page, 'id="exercise-bed-edge-hang"')

    def test_the_feed_says_paused_instead_of_scheduling_stretches(self) -> None:
        feed = self.client.get(CalendarFeed.for_client(self.client_b).path()).content.decode()
        self.assertIn("SUMMARY:PsoasCare: exercises paused", feed)
        self.assertNotIn("RRULE", feed)

    def test_the_clinic_player_shows_the_flag_and_needs_the_therapist_to_confirm(self) -> None:
        self.client.force_login(self.therapist_x)
        url = f"/routines/clinic/{self.client_b.pk}/clinic-pir/play/"
        page = self.client.get(url)
        self.assertContains(page, "pain, numbness or weakness in both legs", status_code=403)
        self.assertContains(page, "I have assessed", status_code=403)
        self.assertRedirects(self.client.post(url, {"confirm": "yes"}), url, fetch_redirect_response=False)
        self.assertContains(self.client.get(url), 'id="player"')
        # A newer answer from the client asks the therapist again.
        self.client.force_login(self.client_b)
        self.client.post("/safety/check/", answers("bowel"))
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_a_milder_later_answer_does_not_lower_it_and_only_the_review_does(self) -> None:
        response = self.client.post("/safety/check/", answers("cancer"))
        self.assertContains(response, EMERGENCY_ACTION)  # the earlier emergency still stands
        self.client.post("/safety/check/", answers())
        self.assertEqual(safety_state(self.client_b).level.key, "emergency")
        self.client.force_login(self.therapist_x)
        self.client.post(f"/clinic/clients/{self.client_b.pk}/resume/")
        self.client.force_login(self.client_b)
        self.assertEqual(self.client.get("/routines/bed-edge/play/").status_code, 200)


class PsfsRecheckTestCase(BaseTestCase):
    def test_it_asks_the_cauda_equina_questions_again_with_the_psfs(self) -> None:
        self.client.force_login(self.client_a)
        page = self.client.get("/journal/psfs/")
        self.assertContains(page, "toilet paper")
        self.assertNotContains(page, "Have you ever had cancer")  # only the questions that are re-asked
        data = {"activity_1": "Putting on socks", "rating_1": "4"}
        recheck = {f"flag-{slug}": "no" for slug in RED_FLAG_SLUGS}
        self.assertEqual(self.client.post("/journal/psfs/", data).status_code, 400)  # unanswered: nothing saved
        self.assertFalse(PsfsAssessment.objects.exists())
        response = self.client.post("/journal/psfs/", {**data, **recheck, "flag-bladder": "yes"})
        self.assertContains(response, EMERGENCY_ACTION)
        screening = RedFlagScreening.objects.filter(client=self.client_a).first()
        self.assertEqual((screening.trigger, screening.outcome), ("psfs", "emergency"))
        self.assertEqual(PsfsAssessment.objects.get().score, 4)

    def test_it_fills_in_last_times_activities(self) -> None:
        PsfsAssessment.record(self.client_a, timezone.localdate() - timedelta(days=15), [("Putting on socks", 3)])
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get("/journal/psfs/"), 'value="Putting on socks"')
