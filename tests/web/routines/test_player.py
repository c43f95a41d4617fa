"""GET /routines/<slug>/play/: the page carries the plan the Python engine built, with the client's doses."""

from __future__ import annotations

import json
import re

from psoascare.routines import build_plan, get_routine
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase


def plan_in(html: str) -> dict[str, object]:
    match = re.search(r'<script id="plan-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page has no plan-data script"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


class PlayerTestCase(BaseTestCase):
    def test_it_sends_the_engines_plan(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/routines/bed-edge/play/")
        self.assertEqual(response.status_code, 200)
        plan = plan_in(response.content.decode())
        expected = build_plan(get_routine("bed-edge")).as_dict()
        self.assertEqual(plan["steps"], expected["steps"])
        self.assertIn("bed-edge-hang", plan["exercises"])  # type: ignore[operator]
        self.assertContains(response, 'data-seconds-scale="1.0"')
        # Before Start the picture shows the leg the first hold stretches (left first in bed-edge).
        self.assertContains(response, "/learn/figure/bed-edge-hang/left/")
        self.assertContains(response, "Bed-edge hang (Thomas position), left leg: the position")
        self.assertContains(response, 'name="csrfmiddlewaretoken"')

    def test_it_uses_the_therapists_doses_for_this_client(self) -> None:
        Assignment.objects.filter(client=self.client_a).update(item_overrides={"bed-edge-hang": {"hold_seconds": 45}})
        self.client.force_login(self.client_a)
        plan = plan_in(self.client.get("/routines/bed-edge/play/").content.decode())
        holds = [s["seconds"] for s in plan["steps"] if s["phase"] == "hold"]  # type: ignore[attr-defined,index]
        self.assertEqual(holds, [45.0] * 4)

    def test_it_speeds_up_only_within_limits(self) -> None:
        self.client.force_login(self.client_a)
        self.assertContains(self.client.get("/routines/bed-edge/play/?speed=100"), 'data-seconds-scale="0.01"')
        for bad in ("0", "-5", "nan", "abc", "1e9"):
            with self.subTest(bad):
                response = self.client.get(f"/routines/bed-edge/play/?speed={bad}")
                self.assertContains(response, 'data-seconds-scale="1.0"')

    def test_it_is_for_logged_in_clients(self) -> None:
        response = self.client.get("/routines/bed-edge/play/")
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.therapist_x)
        self.assertEqual(self.client.get("/routines/bed-edge/play/").status_code, 404)

    def test_it_answers_404_for_an_unknown_routine(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get("/routines/nope/play/").status_code, 404)

    def test_it_lists_the_routines(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/routines/")
        self.assertContains(response, "/routines/psoas-care/play/")
