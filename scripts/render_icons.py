"""Renders the web app's PNG icons from icons/icon.svg with Debian chromium (the browser the tests use).

    PYTHONPATH=src .venv/bin/python scripts/render_icons.py

The PNGs are committed; run this again after changing the SVG. Sizes: the manifest's 192 and 512 (also
a square maskable 512), the Apple touch icon (180) and the favicon (32).
"""

from __future__ import annotations

import base64
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "src" / "psoascare" / "web" / "static" / "psoascare" / "icons"
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180, "favicon-32.png": 32}
# A maskable icon fills its square: the platform cuts the shape, so the background has no rounded corners.
MASKABLE = {"icon-maskable-512.png": 512}
CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    from playwright.sync_api import sync_playwright

    svg = (ICONS / "icon.svg").read_text()
    full_bleed = svg.replace('rx="96" fill="#b3261e"', 'fill="#b3261e"')
    assert full_bleed != svg, "icon.svg no longer has the rounded background this script squares off"
    sources = {
        name: "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode()
        for names, text in ((SIZES, svg), (MASKABLE, full_bleed))
        for name in names
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, size in {**SIZES, **MASKABLE}.items():
            source = sources[name]
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                f'<style>html,body{{margin:0;background:transparent}}</style><img src="{source}" '
                f'width="{size}" height="{size}" alt="">'
            )
            page.locator("img").screenshot(path=str(ICONS / name), omit_background=True)
            page.close()
            print(f"wrote {ICONS / name} ({size}×{size})")
        browser.close()


if __name__ == "__main__":
    main()
