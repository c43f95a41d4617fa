"""Every page reachable from the navigation, for anonymous visitors, a client and a therapist, on a 390 px phone
and a 1280 px laptop: no sideways scrolling, no serious or critical axe-core violation (WCAG 2.2 A/AA rules,
tap targets included), a plain-text title; a screenshot of each in test-artifacts/pages/."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from psoascare.knowledge.content import red_flags
from psoascare.web.accounts.models import create_client, create_therapist
from psoascare.web.journal.models import PainRecord, RedFlagScreening
from psoascare.web.programs.models import Assignment
from tests.conftest import logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("node_modules/axe-core is missing: `make install` runs npm ci")
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    return AXE


def _cast() -> tuple[Any, Any]:
    therapist = create_therapist("tessa", "tessa@example.org", "correct horse battery staple")
    therapist.first_name, therapist.last_name = "Tessa", "Hale"
    therapist.save()
    client = create_client("cleo", "cleo@example.org", "correct horse battery staple", therapist=therapist)
    client.first_name, client.last_name = "Cleo", "Marsh"
    client.save()
    RedFlagScreening.objects.create(
        client=client, trigger="first-login", answers={s.slug: False for s in red_flags().all_signs}, outcome="clear"
    )
    Assignment.assign(client, therapist, "psoas-care")
    PainRecord.record(client, __import__("django.utils.timezone").utils.timezone.localdate(), 4)
    return therapist, client


def _same_site_links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("header nav a[href]", "links => links.map(a => a.href)")
    return [href for href in hrefs if href.startswith(base) and "/admin/" not in href]


def _check(page: Any, url: str, axe: Path, shots: Path, name: str) -> list[str]:
    problems = []
    response = page.goto(url)
    if response is None or response.status >= 400:
        return [f"{url}: HTTP {response.status if response else 'no response'}"]
    title = page.title()
    if "<" in title or not title.strip():
        problems.append(f"{url}: the title is not plain text: {title!r}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"{url}: scrolls sideways by {overflow} px")
    page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_page_fits_the_screen_and_passes_axe(
    chromium: Any, live_server: Any, artifacts_dir: Path, axe_script: Path, size: str
) -> None:
    base = live_server.url
    therapist, client = _cast()
    shots = artifacts_dir / "pages"
    shots.mkdir(exist_ok=True)
    # bypass_csp lets the test inject axe-core; the pages' own scripts still run under their policy's rules.
    options = {"viewport": SIZES[size], "bypass_csp": True}
    visitors = {
        "anonymous": chromium.new_context(**options).new_page(),
        "client": logged_in_page(chromium, live_server, client, **options),
        "therapist": logged_in_page(chromium, live_server, therapist, **options),
    }
    # Pages one step beyond the navigation that people use every day.
    deeper = {
        "anonymous": ["/accounts/login/", "/learn/red-flags/", "/routines/exercises/bed-edge-hang/"],
        "client": [
            "/routines/psoas-care/play/",
            "/journal/psfs/",
            "/safety/check/",
            "/handout/",
            "/calendar/",
            "/selfcheck/",
        ],
        "therapist": [
            f"/clinic/clients/{client.pk}/",
            f"/programmes/clients/{client.pk}/",
            f"/routines/clinic/{client.pk}/clinic-pir/play/",
            f"/selfcheck/client/{client.pk}/",
        ],
    }
    problems: list[str] = []
    visited = 0
    for who, page in visitors.items():
        page.goto(f"{base}/")
        urls = dict.fromkeys([*_same_site_links(page, base), *(f"{base}{path}" for path in deeper[who])])
        for url in urls:
            name = f"{size}-{who}-" + (re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower()).strip("-") or "home")
            problems += _check(page, url, axe_script, shots, name)
            visited += 1
    assert visited >= 20
    assert problems == [], "\n".join(problems)
