"""The installable web app: manifest, icons, favicon, the service worker at the site's root, and the list of
pages a client's phone keeps offline (the player only while the safety gate allows exercise)."""

from __future__ import annotations

import struct
from pathlib import Path

from psoascare.web.journal.models import RedFlagScreening
from tests.web.base import RED_FLAG_SLUGS, BaseTestCase

ICONS = Path(__file__).resolve().parents[2] / "src" / "psoascare" / "web" / "static" / "psoascare" / "icons"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class PwaTestCase(BaseTestCase):
    def test_it_serves_a_manifest_with_icons_that_exist_at_their_sizes(self) -> None:
        response = self.client.get("/manifest.webmanifest")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/manifest+json")
        manifest = response.json()
        self.assertEqual((manifest["name"], manifest["start_url"], manifest["scope"]), ("PsoasCare", "/", "/"))
        self.assertEqual(manifest["display"], "standalone")
        pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
        self.assertEqual({icon["sizes"] for icon in pngs}, {"192x192", "512x512"})
        self.assertIn("maskable", {icon.get("purpose", "any") for icon in pngs})
        for icon in pngs:
            name = icon["src"].rsplit("/", 1)[1]
            width, height = png_size(ICONS / name)
            self.assertEqual(f"{width}x{height}", icon["sizes"], name)
        self.assertEqual(png_size(ICONS / "apple-touch-icon.png"), (180, 180))

    def test_every_page_links_the_manifest_the_icons_and_the_worker_script(self) -> None:
        for user in (None, self.client_a, self.therapist_x):
            if user is None:
                self.client.logout()
            else:
                self.client.force_login(user)
            page = self.client.get("/learn/psoas/").content.decode()
            self.assertIn('<link rel="manifest" href="/manifest.webmanifest">', page)
            self.assertIn('rel="apple-touch-icon"', page)
            self.assertIn("psoascare/pwa.js", page)
            self.assertIn(f'data-user="{user.pk if user else ""}"', page)

    def test_the_service_worker_comes_from_the_root_fresh_and_under_the_sites_policy(self) -> None:
        response = self.client.get("/sw.js")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/javascript"))
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertEqual(response["Service-Worker-Allowed"], "/")
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        source = response.content.decode()
        self.assertIn('addEventListener("fetch"', source)
        self.assertIn('if (request.method !== "GET") return;', source)  # records are never answered from a cache

    def test_the_favicon_is_the_small_icon(self) -> None:
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response.getvalue()[:4], b"\x89PNG")

    def test_anyone_keeps_the_lesson_a_client_also_today_and_their_routines_player(self) -> None:
        anonymous = self.client.get("/offline/urls.json").json()["urls"]
        self.assertIn("/learn/psoas/", anonymous)
        self.assertNotIn("/today/", anonymous)
        self.client.force_login(self.therapist_x)
        self.assertNotIn("/today/", self.client.get("/offline/urls.json").json()["urls"])
        self.client.force_login(self.client_a)
        urls = self.client.get("/offline/urls.json").json()["urls"]
        for wanted in ("/today/", "/learn/psoas/", "/routines/bed-edge/play/", "/static/routines/player.js"):
            self.assertIn(wanted, urls)
        self.assertTrue(any(url.startswith("/figures/") and url.endswith("-side.png") for url in urls), urls)
        self.client.force_login(self.client_b)  # no routine assigned: Today, and no player
        urls = self.client.get("/offline/urls.json").json()["urls"]
        self.assertIn("/today/", urls)
        self.assertFalse([url for url in urls if "/play/" in url])

    def test_the_player_leaves_the_list_while_the_safety_gate_is_shut(self) -> None:
        answers = dict.fromkeys(RED_FLAG_SLUGS, False) | {RED_FLAG_SLUGS[0]: True}
        RedFlagScreening.objects.create(client=self.client_a, trigger="self", answers=answers, outcome="urgent")
        self.client.force_login(self.client_a)
        urls = self.client.get("/offline/urls.json").json()["urls"]
        self.assertIn("/today/", urls)
        self.assertNotIn("/routines/bed-edge/play/", urls)
