from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from psoascare.web.accounts.models import Invitation, Role
from tests.web.base import PASSWORD, BaseTestCase


class InviteTestCase(BaseTestCase):
    def _invite(self, email: str = "dora@example.org") -> str:
        self.client.force_login(self.therapist_x)
        response = self.client.post("/accounts/invite/", {"email": email, "name": "Dora"})
        self.assertEqual(response.status_code, 200)
        link = response.context["link"]
        self.assertIsNotNone(link)
        self.client.logout()
        return str(link)

    def test_it_shows_and_emails_a_single_use_link(self) -> None:
        link = self._invite()
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["dora@example.org"])
        self.assertIn(link, mail.outbox[0].body)
        self.assertRegex(link, r"^http://testserver/accounts/invite/[\w-]{40,}/$")

    def test_it_creates_the_client_under_the_inviting_therapist(self) -> None:
        link = self._invite()
        path = re.sub(r"^http://testserver", "", link)
        response = self.client.post(path, {"username": "dora", "password1": PASSWORD, "password2": PASSWORD})
        self.assertRedirects(response, "/today/", fetch_redirect_response=False)
        dora = User.objects.get(username="dora")
        self.assertEqual((dora.profile.role, dora.profile.therapist), (Role.CLIENT, self.therapist_x))
        self.assertEqual(dora.first_name, "Dora")
        self.client.logout()
        again = self.client.post(path, {"username": "dora2", "password1": PASSWORD, "password2": PASSWORD})
        self.assertEqual(again.status_code, 404)
        self.assertContains(again, "already been used", status_code=404)
        self.assertFalse(User.objects.filter(username="dora2").exists())

    def test_it_refuses_an_expired_link(self) -> None:
        link = self._invite()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = self.client.get(re.sub(r"^http://testserver", "", link))
        self.assertContains(response, "expired", status_code=404)

    def test_it_refuses_an_unknown_token(self) -> None:
        response = self.client.get("/accounts/invite/not-a-real-token/")
        self.assertContains(response, "not valid", status_code=404)

    def test_it_rejects_weak_or_mismatched_passwords(self) -> None:
        path = re.sub(r"^http://testserver", "", self._invite())
        weak = self.client.post(path, {"username": "dora", "password1": "123", "password2": "123"})
        self.assertContains(weak, "too short", status_code=200)
        mismatch = self.client.post(path, {"username": "dora", "password1": PASSWORD, "password2": PASSWORD + "x"})
        self.assertContains(mismatch, "differ")
        taken = self.client.post(path, {"username": "alice", "password1": PASSWORD, "password2": PASSWORD})
        self.assertContains(taken, "taken")
        self.assertFalse(User.objects.filter(username="dora").exists())

    def test_it_rejects_a_bad_email(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.post("/accounts/invite/", {"email": "not-an-email"})
        self.assertContains(response, "Enter a valid email address", status_code=400)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(len(mail.outbox), 0)

    def test_it_does_not_let_clients_invite(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.post("/accounts/invite/", {"email": "e@example.org"}).status_code, 404)
        self.assertFalse(Invitation.objects.exists())

    def test_it_stores_only_a_hash_of_the_token(self) -> None:
        link = self._invite()
        token = link.rstrip("/").rsplit("/", 1)[1]
        invitation = Invitation.objects.get()
        self.assertNotIn(token, invitation.token_hash)
        self.assertEqual(len(invitation.token_hash), 64)


class InvitationListTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.therapist_x)
        self.client.post("/accounts/invite/", {"email": "dora@example.org", "name": "Dora"})
        self.first_link = re.search(r"https?://\S+/accounts/invite/\S+/", mail.outbox[0].body).group(0)

    def test_it_refuses_a_second_open_invitation_to_the_same_address(self) -> None:
        response = self.client.post("/accounts/invite/", {"email": "DORA@example.org"})
        self.assertContains(response, "already has an open invitation", status_code=400)
        self.assertEqual(Invitation.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_sends_a_new_link_and_the_old_one_stops_working(self) -> None:
        invitation = Invitation.objects.get()
        page = self.client.post(f"/accounts/invite/{invitation.pk}/resend/")
        self.assertContains(page, "A new invitation link was sent to dora@example.org.")
        self.assertContains(page, 'class="card success"')
        self.assertContains(page, 'data-copy-target="invitation-link"')
        new_link = re.search(r"https?://\S+/accounts/invite/\S+/", mail.outbox[1].body).group(0)
        self.assertNotEqual(new_link, self.first_link)
        self.client.logout()
        self.assertEqual(self.client.get(self.first_link).status_code, 404)
        self.assertEqual(self.client.get(new_link).status_code, 200)

    def test_it_withdraws_an_invitation_and_says_so_at_the_link(self) -> None:
        invitation = Invitation.objects.get()
        self.client.post(f"/accounts/invite/{invitation.pk}/revoke/", follow=True)
        self.assertEqual(Invitation.objects.get().status, "withdrawn")
        self.assertContains(self.client.get("/accounts/invite/"), "withdrawn")
        self.client.logout()
        self.assertContains(self.client.get(self.first_link), "was withdrawn", status_code=404)
        # Withdrawn, the address can be invited again.
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.post("/accounts/invite/", {"email": "dora@example.org"}).status_code, 200)

    def test_another_therapist_cannot_resend_or_withdraw(self) -> None:
        invitation = Invitation.objects.get()
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.post(f"/accounts/invite/{invitation.pk}/resend/").status_code, 404)
        self.assertEqual(self.client.post(f"/accounts/invite/{invitation.pk}/revoke/").status_code, 404)
        self.assertEqual(Invitation.objects.get().status, "open")
