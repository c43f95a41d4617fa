"""The self-check pages: the client's own, the therapist's for a client, the result page and the includes."""

from __future__ import annotations

import json
from typing import Any

from psoascare.web.journal.models import RedFlagScreening
from psoascare.web.journal.safety import screen
from psoascare.web.privacy.models import AccessLogEntry
from psoascare.web.selfcheck.models import SelfCheck
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase
from tests.web.selfcheck.helpers import HEIGHT, WIDTH, make_check, photo_points

URL = "/selfcheck/"


def form(points: Any = None, **extra: Any) -> dict[str, Any]:
    data = {
        "side": "l",
        "points": json.dumps(points if points is not None else photo_points(thigh_below=-5.0)),
        "angles": json.dumps({"thigh_below_bed": -5.0}),
        "image_width": str(WIDTH),
        "image_height": str(HEIGHT),
        "found_by": "pose-model",
        "note": "after the morning stretch",
    }
    data.update(extra)
    return data


class SelfCheckPageTests(BaseTestCase):
    def test_it_shows_the_precautions_and_the_photo_advice_before_the_photo(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Keep the other knee hugged to your chest", html)
        self.assertIn("Stop if it hurts", html)
        self.assertIn("at bed height", html)
        self.assertIn("whole body in frame", html.replace("<strong>", "").replace("</strong>", ""))
        self.assertLess(html.index('id="precautions"'), html.index('id="photo"'))
        self.assertIn("selfcheck/human/dist/human.esm.js", html)
        self.assertIn("selfcheck/human/models/movenet-lightning.json", html)

    def test_it_keeps_the_photo_input_out_of_the_form(self) -> None:
        self.client.force_login(self.client_a)
        html = self.client.get(URL).content.decode()
        form_html = html[html.index('<form method="post" action="/selfcheck/"') :]
        form_html = form_html[: form_html.index("</form>")]
        self.assertNotIn('type="file"', form_html)
        self.assertNotIn("multipart", form_html)

    def test_it_saves_a_check_from_the_points_and_shows_the_result(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post(URL, form())
        check = SelfCheck.objects.get()
        self.assertRedirects(response, f"/selfcheck/{check.pk}/")
        self.assertEqual((check.client, check.recorded_by, check.side), (self.client_a, self.client_a, "l"))
        self.assertAlmostEqual(check.thigh_below_bed, -5.0, delta=0.1)
        self.assertEqual(check.note, "after the morning stretch")
        self.assertEqual(set(check.lengths), {"gait2392", "rajagopal2016"})
        self.assertLess(check.lengths["rajagopal2016"]["psoas"]["change_mm"], 0)  # thigh above the bed: shorter
        result = self.client.get(f"/selfcheck/{check.pk}/")
        self.assertContains(result, "5° above the bed line")
        self.assertContains(result, "Harvey D, Br J Sports Med 1998;32:68")
        self.assertContains(result, "not a diagnosis")
        self.assertContains(result, "rajagopal2016")

    def test_it_refuses_bad_points_with_a_plain_message(self) -> None:
        self.client.force_login(self.client_a)
        points = photo_points()
        points["knee"] = points["hip"]
        response = self.client.post(URL, form(points=points, angles="{}"))
        self.assertContains(response, "the thigh (hip to knee) has no length", status_code=400)
        outside = photo_points()
        outside["ankle"] = [900.0, 10.0]
        self.assertContains(self.client.post(URL, form(points=outside)), "outside the 640×480 image", status_code=400)
        self.assertContains(self.client.post(URL, form(side="x")), "side must be one of", status_code=400)
        self.assertContains(self.client.post(URL, {"side": "r"}), "The points did not arrive", status_code=400)
        self.assertEqual(SelfCheck.objects.count(), 0)

    def test_it_refuses_angles_that_disagree_with_the_points(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.post(URL, form(angles=json.dumps({"thigh_below_bed": 20.0})))
        self.assertContains(response, "differs from the server", status_code=400)

    def test_a_therapist_records_a_check_for_their_own_client_and_it_is_logged(self) -> None:
        self.client.force_login(self.therapist_x)
        page = f"/selfcheck/client/{self.client_a.pk}/"
        self.assertContains(self.client.get(page), "Thomas check for")
        response = self.client.post(page, form())
        check = SelfCheck.objects.get()
        self.assertRedirects(response, f"/selfcheck/{check.pk}/")
        self.assertEqual((check.client, check.recorded_by), (self.client_a, self.therapist_x))
        actions = set(AccessLogEntry.objects.filter(client=self.client_a).values_list("action", flat=True))
        self.assertEqual(actions, {"selfcheck"})
        entry = AccessLogEntry.objects.filter(client=self.client_a).first()
        assert entry is not None
        self.assertEqual(entry.action_label, "Opened or recorded your Thomas self-check")
        self.assertEqual(self.client.get(f"/selfcheck/client/{self.client_c.pk}/").status_code, 404)

    def test_only_the_client_and_their_therapist_see_a_result(self) -> None:
        check = make_check(self.client_a)
        for user, status in (
            (self.client_a, 200),
            (self.therapist_x, 200),
            (self.client_b, 404),
            (self.therapist_y, 404),
            (self.admin, 404),
        ):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/selfcheck/{check.pk}/").status_code, status, user.username)

    def test_the_journal_and_the_client_page_chart_the_checks_by_side(self) -> None:
        make_check(self.client_a, side="r", thigh_below=8.0)
        make_check(self.client_a, side="l", thigh_below=-3.0)
        self.client.force_login(self.client_a)
        journal = self.client.get("/journal/").content.decode()
        self.assertIn('id="selfcheck-summary"', journal)
        self.assertEqual(journal.count('data-side="r"'), 1)
        self.assertEqual(journal.count('data-side="l"'), 1)
        self.assertIn("8.0°", journal)
        self.client.force_login(self.therapist_x)
        clinic = self.client.get(f"/clinic/clients/{self.client_a.pk}/").content.decode()
        self.assertIn('id="selfcheck-summary"', clinic)
        self.assertIn(f"/selfcheck/client/{self.client_a.pk}/", clinic)
        self.assertIn("-3.0°", clinic)


class SelfCheckSafetyGateTests(BaseTestCase):
    """The self-check goes through the same gate as the stretch (journal.safety.exercise_allowed)."""

    def flag(self) -> None:
        screen(self.client_a, "pain-rise", {**dict.fromkeys(RED_FLAG_SLUGS, False), RED_FLAG_SLUGS[0]: True})

    def test_it_asks_the_safety_questions_when_they_are_due(self) -> None:
        RedFlagScreening.objects.filter(client=self.client_a).delete()
        self.client.force_login(self.client_a)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/safety/check/?next="), response["Location"])
        self.assertEqual(self.client.post(URL, form()).status_code, 302)
        self.assertEqual(SelfCheck.objects.count(), 0)

    def test_it_shows_the_pause_after_a_red_flag_and_saves_nothing(self) -> None:
        self.flag()
        self.client.force_login(self.client_a)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "safety-box", status_code=403)
        self.assertNotContains(response, 'id="photo"', status_code=403)
        self.assertEqual(self.client.post(URL, form()).status_code, 403)
        self.assertEqual(SelfCheck.objects.count(), 0)

    def test_the_therapist_confirms_an_in_person_assessment_first_while_the_gate_is_shut(self) -> None:
        self.flag()
        self.client.force_login(self.therapist_x)
        page = f"/selfcheck/client/{self.client_a.pk}/"
        response = self.client.get(page)
        self.assertContains(response, "I have assessed", status_code=403)
        self.assertEqual(self.client.post(page, form()).status_code, 403)
        self.assertEqual(SelfCheck.objects.count(), 0)
        self.assertRedirects(self.client.post(page, {"confirm": "yes"}), page, fetch_redirect_response=False)
        self.assertContains(self.client.get(page), 'id="photo"')
        self.assertEqual(self.client.post(page, form()).status_code, 302)
        self.assertEqual(SelfCheck.objects.get().recorded_by, self.therapist_x)
        actions = list(AccessLogEntry.objects.filter(client=self.client_a).values_list("action", flat=True))
        self.assertIn("confirm-clinic-session", actions)
