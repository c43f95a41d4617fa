from __future__ import annotations

import io
import re

from django.test import override_settings
from pypdf import PdfReader

from psoascare.knowledge.content import red_flags
from psoascare.web.calendarfeed.models import CalendarFeed
from psoascare.web.handout.content import LESSON_FIGURE_KEYS, handout_for
from psoascare.web.handout.pdf import build_handout_pdf
from psoascare.web.programs.models import Assignment
from tests.web.base import BaseTestCase
from tests.web.handout.helpers import data_dir_with_figures, qr_encodes

SITE = "https://clinic.example.org"


def pdf_text(data: bytes) -> str:
    """All the text of the PDF, read by pypdf (not the library that wrote it), with whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@override_settings(SITE_URL=SITE)
class HandoutPdfViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(data_dir_with_figures(()))

    def test_it_sends_the_clients_pdf_as_an_attachment(self) -> None:
        self.client.force_login(self.client_a)
        response = self.client.get("/handout/handout.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="psoascare-handout.pdf"')
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("Bed-edge hang (Thomas position)", pdf_text(response.content))

    def test_it_sends_a_therapist_their_clients_pdf(self) -> None:
        self.client.force_login(self.therapist_x)
        response = self.client.get(f"/handout/clients/{self.client_a.pk}/handout.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertIn("For alice", pdf_text(response.content))


@override_settings(SITE_URL=SITE)
class BuildHandoutPdfTestCase(BaseTestCase):
    def setUp(self) -> None:
        Assignment.assign(
            self.client_b,
            self.therapist_x,
            "psoas-care",
            item_overrides={"dead-bug": {"reps": 6}, "bed-edge-hang": {"hold_seconds": 40}},
        )

    def build(self, figure_keys: tuple[str, ...] = ()) -> bytes:
        with data_dir_with_figures(figure_keys):
            return build_handout_pdf(handout_for(self.client_b))

    def test_it_holds_the_exercises_with_the_clients_doses(self) -> None:
        text = pdf_text(self.build())
        for expected in (
            "Bed-edge hang (Thomas position)",
            "Dose: 2 × 40 s each side, 15 s rest",
            "Marching on your back",
            "Dose: 2 × 10 reps, 20 s rest",
            "Dead bug",
            "Dose: 2 × 6 reps, 30 s rest",
            "every day at 07:30 and 21:30",
            "Walk for a minute",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_it_holds_the_red_flag_headings_and_signs(self) -> None:
        text = pdf_text(self.build())
        flags = red_flags()
        for group in (flags.emergency, flags.urgent):
            with self.subTest(level=group.level):
                self.assertIn(group.title, text)
                self.assertIn(group.signs[0].question, text)

    def test_it_holds_the_lesson_with_its_sources(self) -> None:
        text = pdf_text(self.build())
        expected_texts = ("Where it is", "What it does", "What sitting does to it", "Boukabache A, Preece SJ")
        for expected in expected_texts:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_it_draws_qr_codes_for_the_portal_and_the_calendar(self) -> None:
        reader = PdfReader(io.BytesIO(self.build()))
        codes = [image.image for image in reader.pages[-1].images]
        feed_url = f"{SITE}{CalendarFeed.objects.get(client=self.client_b).path()}"
        self.assertEqual(len(codes), 2)
        # The PDF names images by a hash of their pixels, so their order on the page says nothing.
        for url in (f"{SITE}/today/", feed_url):
            with self.subTest(url=url):
                self.assertEqual(sum(qr_encodes(code, url) for code in codes), 1)

    def test_it_embeds_the_rendered_pictures(self) -> None:
        rendered = (*LESSON_FIGURE_KEYS, "bed-edge-hang-side")
        reader = PdfReader(io.BytesIO(self.build(rendered)))
        pictures = sum(len(page.images) for page in reader.pages[:-1])
        self.assertEqual(pictures, len(rendered))
        self.assertNotIn("psoascare figures", pdf_text(self.build(rendered)))

    def test_it_says_how_to_render_pictures_that_are_missing(self) -> None:
        data = self.build(LESSON_FIGURE_KEYS)
        reader = PdfReader(io.BytesIO(data))
        self.assertEqual(sum(len(page.images) for page in reader.pages[:-1]), len(LESSON_FIGURE_KEYS))
        self.assertIn("the clinic can run `psoascare figures` to add them", pdf_text(data))
