from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache

from psoascare.web.accounts.models import Invitation, Profile
from psoascare.web.api.models import ApiToken
from psoascare.web.journal.models import CompletedItem, DeskEvent, PainRecord, StretchSession
from psoascare.web.privacy.erasure import MAX_WRONG_PASSWORDS
from psoascare.web.privacy.models import AccessLogEntry
from psoascare.web.programs.models import Assignment
from tests.web.base import PASSWORD, BaseTestCase
from tests.web.privacy.helpers import is_login_redirect
from tests.web.privacy.records import give_records

URL = "/privacy/delete/"
OWNED_MODELS = (PainRecord, CompletedItem, StretchSession, DeskEvent, Assignment, AccessLogEntry)


class DeleteAccountTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        give_records(self.client_a, "alice")
        give_records(self.client_b, "bob")
        for client in (self.client_a, self.client_b):
            AccessLogEntry.objects.create(actor=self.therapist_x, actor_name="xena", client=client, action="x")
        self.client.force_login(self.client_a)

    def rows_of(self, user_id: int) -> dict[str, int]:
        counts = {model.__name__: model.objects.filter(client_id=user_id).count() for model in OWNED_MODELS}
        counts["ApiToken"] = ApiToken.objects.filter(user_id=user_id).count()
        counts["Profile"] = Profile.objects.filter(user_id=user_id).count()
        return counts

    def test_it_asks_for_the_password(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, 'type="password"')
        self.assertContains(response, "cannot be undone")

    def test_it_keeps_everything_when_the_password_is_wrong(self) -> None:
        before = self.rows_of(self.client_a.pk)
        response = self.client.post(URL, {"password": "not my password at all"})
        self.assertContains(response, "That is not your password. Nothing was deleted.", status_code=400)
        self.assertTrue(User.objects.filter(pk=self.client_a.pk).exists())
        self.assertEqual(self.rows_of(self.client_a.pk), before)
        self.assertTrue(all(before.values()), before)
        self.assertEqual(self.client.get("/privacy/").status_code, 200)

    def test_it_deletes_the_user_and_their_rows_with_the_right_password(self) -> None:
        alice_id = self.client_a.pk
        response = self.client.post(URL, {"password": PASSWORD})
        self.assertContains(response, "Your account is deleted")
        self.assertFalse(User.objects.filter(pk=alice_id).exists())
        self.assertEqual(set(self.rows_of(alice_id).values()), {0})

    def test_it_keeps_other_users_and_their_rows(self) -> None:
        bob_before = self.rows_of(self.client_b.pk)
        self.client.post(URL, {"password": PASSWORD})
        self.assertEqual(self.rows_of(self.client_b.pk), bob_before)
        self.assertEqual(User.objects.filter(pk__in=[self.therapist_x.pk, self.client_b.pk]).count(), 2)

    def test_it_logs_the_user_out(self) -> None:
        self.client.post(URL, {"password": PASSWORD})
        self.assertTrue(is_login_redirect(self.client.get("/privacy/")))

    def test_it_removes_the_invitation_the_client_accepted(self) -> None:
        accepted, _ = Invitation.issue(self.therapist_x, "alice@example.org", "Alice")
        Invitation.objects.filter(pk=accepted.pk).update(used_by=self.client_a)
        open_one, _ = Invitation.issue(self.therapist_x, "dora@example.org", "Dora")
        self.client.post(URL, {"password": PASSWORD})
        self.assertEqual(list(Invitation.objects.values_list("pk", flat=True)), [open_one.pk])

    def test_it_stops_taking_passwords_after_too_many_wrong_ones(self) -> None:
        for _ in range(MAX_WRONG_PASSWORDS):
            self.assertEqual(self.client.post(URL, {"password": "a wrong guess"}).status_code, 400)
        response = self.client.post(URL, {"password": PASSWORD})
        self.assertContains(response, "Too many wrong passwords", status_code=429)
        self.assertTrue(User.objects.filter(pk=self.client_a.pk).exists())

    def test_it_counts_wrong_passwords_per_user(self) -> None:
        for _ in range(MAX_WRONG_PASSWORDS):
            self.client.post(URL, {"password": "a wrong guess"})
        self.client.force_login(self.client_b)
        self.assertContains(self.client.post(URL, {"password": PASSWORD}), "Your account is deleted")
        self.assertFalse(User.objects.filter(pk=self.client_b.pk).exists())

    def test_it_is_not_shown_to_a_therapist(self) -> None:
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.post(URL, {"password": PASSWORD}).status_code, 404)
        self.assertTrue(User.objects.filter(pk=self.therapist_x.pk).exists())

    def test_it_sends_anonymous_users_to_log_in(self) -> None:
        self.client.logout()
        self.assertTrue(is_login_redirect(self.client.get(URL)))
        self.assertTrue(is_login_redirect(self.client.post(URL, {"password": PASSWORD})))

    def test_it_tells_the_therapist_and_keeps_alerts_without_the_clients_data(self) -> None:
        from django.core import mail

        from psoascare.web.clinic.models import Alert
        from psoascare.web.journal.safety import screen
        from tests.web.base import RED_FLAG_SLUGS

        screen(self.client_a, "self", {slug: slug == "bowel" for slug in RED_FLAG_SLUGS})
        alert = Alert.objects.get(client=self.client_a)
        self.assertIn("bowel movement", alert.text)
        self.client.post(URL, {"password": PASSWORD})
        self.assertFalse(User.objects.filter(pk=self.client_a.pk).exists())
        kept = Alert.objects.get(pk=alert.pk)
        self.assertIsNone(kept.client)
        self.assertIsNotNone(kept.resolved_at)
        self.assertNotIn("bowel", kept.text)
        notice = Alert.objects.get(kind="account-deleted")
        self.assertEqual((notice.therapist, notice.resolved_at), (self.therapist_x, None))
        self.assertIn("deleted their PsoasCare account", mail.outbox[-1].body)
        self.client.force_login(self.therapist_x)
        dashboard = self.client.get("/clinic/")
        self.assertContains(dashboard, "deleted their PsoasCare account")
        self.client.post(f"/clinic/alerts/{notice.pk}/dismiss/")
        self.assertIsNotNone(Alert.objects.get(pk=notice.pk).resolved_at)
