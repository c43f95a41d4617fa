from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.test import RequestFactory

from psoascare.web.privacy.audit import record_access, record_page_access
from psoascare.web.privacy.models import AccessAction, AccessLogEntry, AccessLogShown, AppendOnlyError
from tests.web.base import PASSWORD, BaseTestCase


class RecordAccessTests(BaseTestCase):
    def request(self, **meta: str) -> HttpRequest:
        request = RequestFactory().get(f"/clinic/clients/{self.client_a.pk}/?tab=pain", **meta)
        request.user = self.therapist_x
        return request

    def test_it_writes_who_what_whose_where_from(self) -> None:
        record_access(self.request(REMOTE_ADDR="2001:db8::1"), self.client_a, "view-record")
        entry = AccessLogEntry.objects.get()
        self.assertEqual(entry.actor, self.therapist_x)
        self.assertEqual(entry.actor_name, "xena")
        self.assertEqual(entry.client, self.client_a)
        self.assertEqual(entry.action, "view-record")
        self.assertEqual(entry.path, f"/clinic/clients/{self.client_a.pk}/?tab=pain")
        self.assertEqual(entry.ip, "2001:db8::1")

    def test_it_ignores_a_forwarded_for_header_and_a_missing_address(self) -> None:
        record_access(self.request(REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.9"), self.client_a, "view-record")
        self.assertIsNone(AccessLogEntry.objects.get().ip)

    def test_it_refuses_an_anonymous_reader(self) -> None:
        request = self.request()
        request.user = AnonymousUser()
        with self.assertRaises(ValueError):
            record_access(request, self.client_a, "view-record")
        self.assertFalse(AccessLogEntry.objects.exists())


class RecordPageAccessTests(BaseTestCase):
    def test_it_writes_one_entry_naming_every_client_shown(self) -> None:
        request = RequestFactory().get("/clinic/")
        request.user = self.therapist_x
        record_page_access(request, [self.client_a, self.client_b], AccessAction.VIEW_DASHBOARD_ROW)
        entry = AccessLogEntry.objects.get()
        self.assertIsNone(entry.client)
        shown = AccessLogShown.objects.filter(entry=entry).values_list("client", flat=True)
        self.assertCountEqual(shown, [self.client_a.pk, self.client_b.pk])

    def test_it_leaves_no_entry_when_the_clients_cannot_be_written(self) -> None:
        request = RequestFactory().get("/clinic/")
        request.user = self.therapist_x
        unsaved = User(username="never-saved")
        with self.assertRaises(ValueError):
            record_page_access(request, [self.client_a, unsaved], AccessAction.VIEW_DASHBOARD_ROW)
        self.assertFalse(AccessLogEntry.objects.exists())


class AppendOnlyTests(BaseTestCase):
    def setUp(self) -> None:
        self.entry = AccessLogEntry.objects.create(
            actor=self.therapist_x, actor_name="xena", client=self.client_a, action="view-record"
        )

    def test_it_refuses_to_change_an_entry(self) -> None:
        self.entry.action = "nothing"
        with self.assertRaises(AppendOnlyError):
            self.entry.save()
        with self.assertRaises(AppendOnlyError):
            AccessLogEntry.objects.update(action="nothing")
        self.assertEqual(AccessLogEntry.objects.get().action, "view-record")

    def test_it_refuses_to_delete_an_entry(self) -> None:
        with self.assertRaises(AppendOnlyError):
            self.entry.delete()
        with self.assertRaises(AppendOnlyError):
            AccessLogEntry.objects.filter(client=self.client_a).delete()
        self.assertTrue(AccessLogEntry.objects.exists())

    def test_it_keeps_the_readers_name_when_their_account_goes(self) -> None:
        self.therapist_x.delete()
        entry = AccessLogEntry.objects.get()
        self.assertIsNone(entry.actor)
        self.assertEqual(entry.actor_name, "xena")

    def test_it_is_read_only_in_the_admin(self) -> None:
        self.client.login(username="admin", password=PASSWORD)
        self.assertContains(self.client.get("/admin/privacy/accesslogentry/"), "xena")
        self.assertEqual(self.client.get("/admin/privacy/accesslogentry/add/").status_code, 403)
        change_page = self.client.get(f"/admin/privacy/accesslogentry/{self.entry.pk}/change/")
        self.assertNotContains(change_page, 'name="_save"')
        delete_page = self.client.get(f"/admin/privacy/accesslogentry/{self.entry.pk}/delete/")
        self.assertEqual(delete_page.status_code, 403)
