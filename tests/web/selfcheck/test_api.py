"""/api/selfchecks: the client's own; the therapist's own client's with ?client=<id>; nobody else's."""

from __future__ import annotations

from psoascare.web.api.models import ApiToken
from psoascare.web.privacy.models import AccessLogEntry
from tests.web.base import BaseTestCase
from tests.web.selfcheck.helpers import make_check


class SelfCheckApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.mine = make_check(self.client_a, side="r", thigh_below=10.0)
        self.bobs = make_check(self.client_b, side="l", thigh_below=2.0)

    def test_a_client_lists_their_own_checks_with_a_token(self) -> None:
        token = ApiToken.issue(self.client_a, "phone")[1]
        response = self.client.get("/api/selfchecks", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(response.status_code, 200)
        (row,) = response.json()
        self.assertEqual((row["id"], row["client"], row["side"]), (self.mine.pk, "alice", "r"))
        self.assertAlmostEqual(row["thigh_below_bed"], 10.0, delta=0.1)
        self.assertEqual(set(row["points"]), {"shoulder", "hip", "knee", "ankle", "other_knee", "bed_head", "bed_foot"})
        self.assertIn("psoas", row["lengths"]["gait2392"])
        self.assertEqual(
            self.client.get(f"/api/selfchecks/{self.bobs.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code, 404
        )
        other = f"/api/selfchecks?client={self.client_b.pk}"
        self.assertEqual(self.client.get(other, HTTP_AUTHORIZATION=f"Bearer {token}").status_code, 404)

    def test_a_therapist_sees_their_own_clients_checks_and_it_is_logged(self) -> None:
        self.client.force_login(self.therapist_x)
        listed = self.client.get(f"/api/selfchecks?client={self.client_a.pk}").json()
        self.assertEqual([row["id"] for row in listed], [self.mine.pk])
        self.assertEqual(self.client.get(f"/api/selfchecks/{self.mine.pk}").status_code, 200)
        self.assertEqual(AccessLogEntry.objects.filter(client=self.client_a, action="selfcheck").count(), 2)
        self.assertEqual(self.client.get("/api/selfchecks").status_code, 404)
        self.client.force_login(self.therapist_y)
        self.assertEqual(self.client.get(f"/api/selfchecks?client={self.client_a.pk}").status_code, 404)
        self.assertEqual(self.client.get(f"/api/selfchecks/{self.mine.pk}").status_code, 404)

    def test_it_asks_anonymous_callers_to_authenticate(self) -> None:
        self.assertEqual(self.client.get("/api/selfchecks").status_code, 401)
