"""Therapists' own exercises: created with validated inputs, seen and changed only by their author."""

from __future__ import annotations

from typing import Any

from psoascare.web.routines.models import CustomExercise
from tests.web.base import BaseTestCase

GOOD = {
    "title": "Wall hip-flexor stretch",
    "steps": "Stand side-on to a wall.\nStep back with the outside leg.\n",
    "photo_url": "https://example.org/wall.jpg",
    "video_url": "",
    "hold_seconds": "30",
    "sides": "left,right",
    "cautions": "Stop if it hurts.",
}


class CustomExercisesTestCase(BaseTestCase):
    def create(self, **changes: Any) -> Any:
        self.client.force_login(self.therapist_x)
        return self.client.post("/routines/custom/", {**GOOD, **changes})

    def test_it_creates_an_exercise_for_the_therapist(self) -> None:
        response = self.create()
        self.assertRedirects(response, "/routines/custom/", fetch_redirect_response=False)
        exercise = CustomExercise.objects.get()
        self.assertEqual(exercise.therapist, self.therapist_x)
        self.assertEqual(exercise.step_lines, ["Stand side-on to a wall.", "Step back with the outside leg."])
        self.assertEqual(exercise.side_list, ("left", "right"))

    def test_it_rejects_bad_inputs(self) -> None:
        cases = {
            "negative hold": ({"hold_seconds": "-5"}, "hold_seconds"),
            "huge hold": ({"hold_seconds": "3600"}, "hold_seconds"),
            "no steps": ({"steps": "  \n "}, "steps"),
            "script URL": ({"photo_url": "javascript:alert(1)"}, "photo_url"),
            "ftp video": ({"video_url": "ftp://example.org/v.mp4"}, "video_url"),
            "unknown sides": ({"sides": "up"}, "sides"),
            "blank title": ({"title": "   "}, "title"),
        }
        for name, (changes, field) in cases.items():
            with self.subTest(name):
                response = self.create(**changes)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(CustomExercise.objects.exists())

    def test_it_keeps_each_therapists_exercises_to_themselves(self) -> None:
        self.create()
        exercise = CustomExercise.objects.get()
        self.client.force_login(self.therapist_y)
        self.assertNotContains(self.client.get("/routines/custom/"), GOOD["title"])
        self.assertEqual(self.client.get(f"/routines/custom/{exercise.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/routines/custom/{exercise.pk}/", {"delete": "1"}).status_code, 404)
        self.assertTrue(CustomExercise.objects.filter(pk=exercise.pk).exists())

    def test_it_lets_the_author_edit_and_delete(self) -> None:
        self.create()
        exercise = CustomExercise.objects.get()
        url = f"/routines/custom/{exercise.pk}/"
        self.client.post(url, {**GOOD, "hold_seconds": "45"})
        exercise.refresh_from_db()
        self.assertEqual(exercise.hold_seconds, 45)
        self.client.post(url, {"delete": "1"})
        self.assertFalse(CustomExercise.objects.exists())

    def test_it_is_only_for_therapists(self) -> None:
        self.client.force_login(self.client_a)
        self.assertEqual(self.client.get("/routines/custom/").status_code, 404)

    def test_it_shows_the_exercise_to_the_therapists_own_clients_only(self) -> None:
        self.create()
        self.client.force_login(self.client_b)  # xena's client
        response = self.client.get("/routines/exercises/")
        self.assertContains(response, "From your therapist")
        self.assertContains(response, "Step back with the outside leg.")
        self.assertContains(response, 'src="https://example.org/wall.jpg"')
        for outsider in (self.client_c, self.therapist_y):  # yuri's client, and yuri
            self.client.force_login(outsider)
            self.assertNotContains(self.client.get("/routines/exercises/"), GOOD["title"])
        self.client.logout()
        self.assertNotContains(self.client.get("/routines/exercises/"), GOOD["title"])
