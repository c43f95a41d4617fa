from __future__ import annotations

from html import escape

from psoascare.knowledge.content import red_flags
from psoascare.web.privacy.models import AccessLogEntry
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase
from tests.web.handout.helpers import data_dir_with_figures


class HandoutPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        # No rendered figures: the page falls back to inline schematics, whatever the machine has rendered.
        self.enterContext(data_dir_with_figures(()))

    def test_it_lists_the_clients_exercises_with_doses_and_times(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/handout/")
        self.assertContains(response, "Bed-edge hang (Thomas position)")
        self.assertContains(response, "Dose: 2 × 30 s each side, 15 s rest")
        self.assertContains(response, "every day at 07:30 and 21:30")
        self.assertContains(response, "Keep the other knee hugged to your chest")

    def test_it_shows_the_dose_the_therapist_set(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(item_overrides={"bed-edge-hang": {"hold_seconds": 45}})
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get("/handout/"), "Dose: 2 × 45 s each side, 15 s rest")

    def test_it_lists_the_red_flags_in_their_two_groups(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/handout/")
        flags = red_flags()
        for group in (flags.emergency, flags.urgent):
            self.assertContains(response, escape(group.title))
            for sign in group.signs:
                self.assertContains(response, escape(sign.question))
        html = response.content.decode()
        self.assertLess(html.index(escape(flags.emergency.title)), html.index(escape(flags.urgent.title)))

    def test_it_has_the_move_advice_the_lesson_and_the_pdf_link(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/handout/")
        self.assertContains(response, "Get up and move at least every 60 minutes while you sit")
        self.assertContains(response, "Where it is")
        self.assertContains(response, "What sitting does to it")
        self.assertContains(response, 'href="/handout/handout.pdf"')

    def test_it_names_the_therapist_and_their_video_call_link(self) -> None:
        self.therapist_x.first_name, self.therapist_x.last_name = "Xena", "Ward"
        self.therapist_x.save()
        self.therapist_x.profile.video_call_url = "https://meet.example.org/xena"
        self.therapist_x.profile.save()
        self.client.force_login(self.client_a)
        response = self.client.get("/handout/")
        self.assertContains(response, "Xena Ward")
        self.assertContains(response, 'href="https://meet.example.org/xena"')

    def test_it_says_when_there_is_no_routine_yet(self) -> None:
        self.client.force_login(self.client_b)
        response = self.client.get("/handout/")
        self.assertContains(response, "Your therapist has not given you a routine yet.")
        self.assertContains(response, escape(red_flags().emergency.title))

    def test_it_shows_a_therapist_their_clients_handout(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.get(f"/handout/clients/{self.client_a.pk}/")
        self.assertContains(response, "For <strong>alice</strong>")
        self.assertContains(response, "Dose: 2 × 30 s each side, 15 s rest")
        self.assertContains(response, f'href="/handout/clients/{self.client_a.pk}/handout.pdf"')


class HandoutAccessTestCase(BaseTestCase):
    def test_it_writes_the_therapists_copy_to_the_clients_access_log(self) -> None:
        self.client.force_login(self.therapist_x)
        for url in (f"/handout/clients/{self.client_a.pk}/", f"/handout/clients/{self.client_a.pk}/handout.pdf"):
            self.assertEqual(self.client.get(url).status_code, 200)
        entries = AccessLogEntry.objects.filter(client=self.client_a, actor=self.therapist_x, action="print-handout")
        self.assertEqual(
            sorted(entries.values_list("path", flat=True)),
            sorted([f"/handout/clients/{self.client_a.pk}/", f"/handout/clients/{self.client_a.pk}/handout.pdf"]),
        )

    def test_it_logs_nothing_when_clients_open_their_own(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get("/handout/handout.pdf").status_code, 200)
        self.assertFalse(AccessLogEntry.objects.filter(client=self.client_a).exists())

    def test_it_logs_nothing_for_a_refused_request(self) -> None:
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.get(f"/handout/clients/{self.client_a.pk}/").status_code, 404)
        self.assertFalse(AccessLogEntry.objects.exists())

    def test_it_gives_404_for_another_therapists_client(self) -> None:
        self.client.force_login(self.therapist_y)
        for url in (f"/handout/clients/{self.client_a.pk}/", f"/handout/clients/{self.client_a.pk}/handout.pdf"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotContains(response, "alice", status_code=404)

    def test_it_gives_clients_404_for_anyones_therapist_copy(self) -> None:
        for user, client in ((self.client_b, self.client_a), (self.client_a, self.client_a)):
            self.client.force_login(user)
            for url in (f"/handout/clients/{client.pk}/", f"/handout/clients/{client.pk}/handout.pdf"):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_gives_a_therapist_404_for_a_client_page(self) -> None:
        self.client.force_login(self.therapist_x)
        for url in ("/handout/", "/handout/handout.pdf"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        for url in (
            "/handout/",
            "/handout/handout.pdf",
            f"/handout/clients/{self.client_a.pk}/",
            f"/handout/clients/{self.client_a.pk}/handout.pdf",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/accounts/login/?next="))
