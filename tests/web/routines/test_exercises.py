"""The exercise cards: every exercise listed; a card shows steps, dose, cautions, source, muscle, picture."""

from __future__ import annotations

from psoascare.routines import default_library
from tests.web.base import BaseTestCase


class ExerciseCardsTestCase(BaseTestCase):
    def test_it_lists_every_exercise(self) -> None:
        response = self.client.get("/routines/exercises/")
        self.assertEqual(response.status_code, 200)
        for exercise in default_library():
            self.assertContains(response, f"/routines/exercises/{exercise.slug}/")

    def test_it_shows_everything_about_the_bed_edge_hang(self) -> None:
        hang = default_library().get("bed-edge-hang")
        response = self.client.get("/routines/exercises/bed-edge-hang/")
        self.assertEqual(response.status_code, 200)
        # The picture and its caption come from the body model in the exercise's posture.
        self.assertContains(response, 'id="figure-bed-edge-hang-side"')
        # In plain words, the millimetres and the model behind "Details".
        page = response.content.decode()
        self.assertRegex(
            page, r"Bed-edge hang \(Thomas position\)\. Here the right psoas is stretched[^:]*: about \d+ %"
        )
        self.assertRegex(page, r"right \d+ mm \([+−]\d+ %\) · left \d+ mm")
        self.assertContains(response, "2 × 30 s each side")
        for text in (*hang.steps, *hang.cautions):
            self.assertContains(response, text.replace("'", "&#x27;"))
        self.assertContains(response, "Vigotsky")  # the source
        self.assertContains(response, "Psoas major and iliacus")  # the muscle

    def test_it_answers_404_for_an_unknown_exercise(self) -> None:
        self.assertEqual(self.client.get("/routines/exercises/cartwheel/").status_code, 404)
