"""Self-checks are in the client's export, go with the account, and hold no image."""

from __future__ import annotations

import json

from django.core.cache import cache

from psoascare.web.selfcheck.models import SelfCheck
from tests.web.base import PASSWORD, BaseTestCase
from tests.web.selfcheck.helpers import make_check


class SelfCheckPrivacyTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        make_check(self.client_a, recorded_by=self.therapist_x)
        make_check(self.client_b)

    def test_the_export_holds_the_clients_checks_only(self) -> None:
        self.client.force_login(self.client_a)
        document = json.loads(self.client.get("/privacy/export.json").content)
        rows = document["tables"]["Thomas self-checks"]
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["client"], rows[0]["recorded_by"]), ("alice", "xena"))
        self.assertIn("thigh_below_bed", rows[0])
        self.assertIn("psoas", rows[0]["lengths"]["rajagopal2016"])

    def test_deleting_the_account_deletes_the_checks(self) -> None:
        self.client.force_login(self.client_a)
        self.client.post("/privacy/delete/", {"password": PASSWORD, "confirm": "on"})
        self.assertFalse(SelfCheck.objects.filter(client_id=self.client_a.pk).exists())
        self.assertEqual(SelfCheck.objects.filter(client=self.client_b).count(), 1)

    def test_no_field_can_hold_an_image(self) -> None:
        names = {field.name for field in SelfCheck._meta.get_fields()}
        self.assertFalse(any(word in name for name in names for word in ("image_data", "photo", "file", "blob")))
        kinds = {field.get_internal_type() for field in SelfCheck._meta.concrete_fields}
        self.assertFalse(kinds & {"FileField", "ImageField", "BinaryField"})
