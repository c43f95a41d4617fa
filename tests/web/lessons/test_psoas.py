from __future__ import annotations

from psoascare.web.lessons.models import Resource
from tests.web.base import BaseTestCase


class LessonPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.video = Resource.objects.create(
            therapist=self.therapist_x,
            kind="video",
            title="Xena's psoas video",
            url="https://youtu.be/dQw4w9WgXcQ",
            note="Watch from minute 2.",
            shared_with_all=True,
        )
        self.article = Resource.objects.create(
            therapist=self.therapist_y,
            kind="article",
            title="Yuri's article",
            url="https://example.org/psoas",
            note="Y's pick",
            shared_with_all=True,
            public=True,
        )

    def test_it_teaches_origin_course_insertion_and_actions_with_sources(self) -> None:
        response = self.client.get("/learn/psoas/")
        for text in (
            "T12 to L5",
            "lesser trochanter",
            "main hip flexor",
            "walking, running, cycling",
            "climbing stairs",
            "Bogduk",
            "Boukabache",
        ):
            self.assertContains(response, text)

    def test_it_corrects_the_common_claims_kindly(self) -> None:
        response = self.client.get("/learn/psoas/")
        self.assertContains(response, "the bottom 5 vertebrae (T12–L4)")
        self.assertContains(response, "all five lumbar vertebrae (T12–L5)")
        self.assertContains(response, "no difference in the size or fat content of the psoas")
        self.assertContains(response, "Spine J 2022;22:660")
        self.assertContains(response, "Hug the other knee to your chest")

    def test_it_shows_a_client_their_therapists_picks_with_the_note(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/learn/psoas/")
        self.assertContains(response, "Xena&#x27;s psoas video")
        self.assertContains(response, "Watch from minute 2.")
        self.assertNotContains(response, "Yuri&#x27;s article")

    def test_it_embeds_known_videos_only_after_a_click(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/learn/psoas/")
        self.assertContains(response, 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"')
        self.assertNotContains(response, "<iframe")

    def test_it_shares_with_chosen_clients_only(self) -> None:
        self.video.shared_with_all = False
        self.video.save()
        self.video.clients.add(self.client_b)
        self.client.force_login(self.client_a)
        self.assertNotContains(self.client.get("/learn/psoas/"), "Xena&#x27;s psoas video")
        self.client.force_login(self.client_b)
        self.assertContains(self.client.get("/learn/psoas/"), "Xena&#x27;s psoas video")

    def test_it_shows_anonymous_readers_only_public_picks(self) -> None:
        response = self.client.get("/learn/psoas/")
        self.assertContains(response, "Yuri&#x27;s article")
        self.assertNotContains(response, "Xena&#x27;s psoas video")

    def test_it_lists_the_red_flags_with_what_to_do(self) -> None:
        response = self.client.get("/learn/red-flags/")
        self.assertContains(response, "pins and needles between your inner thighs")
        self.assertContains(response, "Go to A&amp;E (the emergency department) or call 999 now.")
        self.assertContains(response, "See a doctor soon")
        self.assertContains(response, "NICE guideline NG59")


class LessonFiguresTestCase(BaseTestCase):
    def test_it_quotes_the_models_sitting_figures_not_typed_in_ones(self) -> None:
        from psoascare.body.model import BodyModel
        from psoascare.body.postures import get_posture

        rajagopal = -BodyModel("rajagopal2016").report(get_posture("sitting-90-90"))["psoas_r"]["change_pct"]
        response = self.client.get("/learn/psoas/")
        self.assertContains(response, f"{rajagopal:.0f}")
        self.assertNotContains(response, "{sitting_shortening}")
        self.assertContains(response, "shorter when you sit than when you stand")

    def test_it_draws_figures_inline_until_they_are_rendered(self) -> None:
        response = self.client.get("/learn/psoas/")
        figures = response.context["figures"]
        self.assertEqual(len(figures), 6)
        self.assertTrue(all(f.svg.startswith("<svg") or f.url for f in figures))
        self.assertContains(response, "Sitting 90/90")
        self.assertContains(response, 'id="hip-angle"')
        self.assertContains(response, 'type="range"')

    def test_it_serves_only_figures_the_manifest_lists(self) -> None:
        self.assertEqual(self.client.get("/figures/standing-side.png").status_code, 404)
        self.assertEqual(self.client.get("/figures/..%2Fsecret_key").status_code, 404)
        self.assertEqual(self.client.get("/figures/manifest.json").status_code, 404)


class ModelCaveatsTestCase(BaseTestCase):
    def test_it_gives_sitting_as_a_range_from_slumped_to_upright_not_its_best_case(self) -> None:
        from psoascare.body.model import BodyModel
        from psoascare.body.postures import get_posture

        changes = [
            -BodyModel(model).report(get_posture(posture))["psoas_r"]["change_pct"]
            for model in ("rajagopal2016", "gait2392")
            for posture in ("slumped-sitting", "sitting-90-90")
        ]
        page = self.client.get("/learn/psoas/")
        self.assertContains(page, f"about {min(changes):.0f}–{max(changes):.0f} % shorter")
        self.assertContains(page, "from slumped to upright sitting")

    def test_it_states_gait2392s_deep_flexion_artefact_beside_the_slider(self) -> None:
        page = self.client.get("/learn/psoas/")
        onset = page.context["gait2392_negative_arm_from"]
        self.assertIsNotNone(onset)
        self.assertTrue(80 <= onset <= 110, onset)
        self.assertContains(page, f"negative hip-flexion moment arm from about {onset:.0f}°")
        self.assertContains(page, "runs from the rim of the pelvis to the thigh bone")
