"""Signing up without a therapist (PSOASCARE_SELF_SIGNUP): off by default; where on, a client with no therapist,
the default psoas-care routine, and the safety questions before any exercise."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings

from psoascare.web.journal.models import RedFlagScreening
from psoascare.web.programs.models import SELF_SIGNUP_ROUTINE, Assignment
from tests.web.base import PASSWORD, RED_FLAG_SLUGS, BaseTestCase

URL = "/accounts/signup/"


def form(username: str = "sam", email: str = "sam@example.org", **changes: str) -> dict[str, str]:
    return {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD, **changes}


class SignUpTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def sign_up(self, data: dict[str, str]) -> Any:
        return self.client.post(URL, data)

    def test_it_is_off_unless_the_clinic_allows_it(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.sign_up(form()).status_code, 404)
        self.assertFalse(User.objects.filter(username="sam").exists())
        self.assertNotContains(self.client.get("/accounts/login/"), URL)

    @override_settings(SELF_SIGNUP=True)
    def test_a_new_client_gets_the_default_routine_and_no_therapist(self) -> None:
        self.assertContains(self.client.get("/accounts/login/"), f'href="{URL}"')
        response = self.sign_up(form())
        self.assertRedirects(response, "/safety/check/", fetch_redirect_response=False)
        user = User.objects.get(username="sam")
        self.assertEqual((user.profile.role, user.profile.therapist, user.email), ("client", None, "sam@example.org"))
        assignment = Assignment.objects.get(client=user)
        self.assertEqual((assignment.template_slug, assignment.therapist), (SELF_SIGNUP_ROUTINE, None))
        self.assertTrue(assignment.due_on(assignment.assigned_at.date()))
        # No therapist sees them.
        for therapist in (self.therapist_x, self.therapist_y):
            self.client.force_login(therapist)
            self.assertEqual(self.client.get(f"/clinic/clients/{user.pk}/").status_code, 404)

    @override_settings(SELF_SIGNUP=True)
    def test_the_safety_questions_come_before_any_exercise(self) -> None:
        self.sign_up(form())
        user = User.objects.get(username="sam")
        player = f"/routines/{SELF_SIGNUP_ROUTINE}/play/"
        self.assertRedirects(self.client.get("/today/"), "/safety/check/", fetch_redirect_response=False)
        self.assertNotEqual(self.client.get(player).status_code, 200)
        answers = {slug: "no" for slug in RED_FLAG_SLUGS}
        self.assertEqual(self.client.post("/safety/check/", answers).status_code, 200)
        self.assertEqual(RedFlagScreening.objects.get(client=user).outcome, "clear")
        self.assertEqual(self.client.get("/today/").status_code, 200)
        self.assertEqual(self.client.get(player).status_code, 200)
        for page in ("/journal/", "/handout/", "/desk/", "/learn/psoas/", "/offline/urls.json", "/messages/"):
            self.assertEqual(self.client.get(page).status_code, 200, page)

    @override_settings(SELF_SIGNUP=True)
    def test_a_red_flag_pauses_a_client_without_a_therapist_too(self) -> None:
        self.sign_up(form())
        answers = {slug: "no" for slug in RED_FLAG_SLUGS} | {RED_FLAG_SLUGS[0]: "yes"}
        self.assertEqual(self.client.post("/safety/check/", answers).status_code, 200)
        self.assertNotEqual(self.client.get(f"/routines/{SELF_SIGNUP_ROUTINE}/play/").status_code, 200)

    @override_settings(SELF_SIGNUP=True)
    def test_it_refuses_bad_input_on_the_form(self) -> None:
        cases = [
            (form(username="alice"), "username", "That username is taken"),
            (form(email="alice@example.org"), "email", "An account already uses that address"),
            (form(email="not-an-address"), "email", "Enter a valid email address"),
            (form(password2="something else entirely"), "password2", "The two passwords differ"),
            (form(password1="short", password2="short"), "password1", "too short"),
        ]
        for data, field, message in cases:
            with self.subTest(field=field, message=message):
                response = self.sign_up(data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, " ".join(response.context["form"].errors[field]))
        self.assertFalse(User.objects.filter(username="sam").exists())

    @override_settings(SELF_SIGNUP=True)
    def test_one_address_makes_at_most_five_accounts_an_hour(self) -> None:
        for number in range(5):
            self.assertEqual(self.sign_up(form(f"user{number}", f"user{number}@example.org")).status_code, 302)
            self.client.logout()
        response = self.sign_up(form("user5", "user5@example.org"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Too many accounts", status_code=400)
        self.assertFalse(User.objects.filter(username="user5").exists())

    @override_settings(SELF_SIGNUP=True)
    def test_someone_logged_in_is_sent_home(self) -> None:
        self.client.force_login(self.client_a)
        self.assertRedirects(self.client.get(URL), "/", fetch_redirect_response=False)


def test_the_setting_comes_from_psoascare_self_signup(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[3] / "src"
    code = "from django.conf import settings; print(settings.SELF_SIGNUP)"

    def run(value: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "PSOASCARE_SELF_SIGNUP"}
        env |= {"PYTHONPATH": str(src), "DJANGO_SETTINGS_MODULE": "psoascare.web.settings"}
        env |= {"PSOASCARE_DATA_DIR": str(tmp_path)} | ({"PSOASCARE_SELF_SIGNUP": value} if value is not None else {})
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)

    assert run(None).stdout.strip() == "False"
    assert run("yes").stdout.strip() == "True"
    refused = run("sometimes")
    assert refused.returncode != 0 and "PSOASCARE_SELF_SIGNUP='sometimes'" in refused.stderr
