"""Screenshots of the main pages on a phone (375 px) and a desktop, under build/screenshots/.

They are for people to look at (`make screenshots` copies a chosen few into
docs/screenshots/ for the README); the test also checks what a person would notice
first: nothing is wider than a phone's screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import DESKTOP, PHONE, Contexts
from tests.e2e.harness import REPO, LiveSite
from tests.e2e.pages import ACTIVE, CLOSED, PageType, bank_transfer, open_path, thanks

SCREENSHOTS = REPO / "build" / "screenshots"
SHOTS = [
    PageType("home", open_path("/en/")),
    PageType("campaigns", open_path("/en/campaigns/")),
    PageType("campaign-active", open_path(f"/en/campaigns/{ACTIVE}/")),
    PageType("campaign-closed", open_path(f"/en/campaigns/{CLOSED}/")),
    PageType("campaign-closed-ru", open_path(f"/ru/campaigns/{CLOSED}/")),
    PageType("transparency", open_path("/en/transparency/")),
    PageType("transparency-campaign", open_path(f"/en/campaigns/{CLOSED}/transparency/")),
    PageType("donate", open_path(f"/en/campaigns/{ACTIVE}/donate/")),
    PageType("bank-transfer", bank_transfer),
    PageType("thanks", thanks),
    PageType("receipts", open_path("/en/receipts/")),
    PageType("help", open_path("/en/help/")),
    PageType("contact", open_path("/en/contact/")),
    PageType("giving-safely", open_path("/en/giving-safely/")),
]


def overflowing(page: Page) -> list[str]:
    """If the page scrolls sideways, the elements that stick out (none inside a scroll box)."""
    found: list[str] = page.evaluate(
        """() => {
          const root = document.documentElement;
          if (root.scrollWidth <= root.clientWidth) return [];
          const clipped = el => {
            for (let p = el.parentElement; p; p = p.parentElement)
              if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return p !== document.body && p !== root;
            return false;
          };
          return [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1 && !clipped(el))
            .map(el => el.tagName.toLowerCase() + (el.getAttribute('class') ? '.' + el.getAttribute('class') : ''))
            .slice(0, 5);
        }"""
    )
    return found


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_main_pages_fit_the_screen_and_are_photographed(contexts: Contexts, live_site: LiveSite, device: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = PHONE if device == "phone" else DESKTOP
    page = contexts.page(viewport=viewport, device_scale_factor=1)
    problems = []
    for shot in SHOTS:
        shot.reach(page, live_site)
        path: Path = SCREENSHOTS / f"{shot.name}-{device}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        assert path.stat().st_size > 5_000, path
        if device == "phone" and (wide := overflowing(page)):
            problems.append(f"{shot.name}: wider than {viewport['width']} px: {', '.join(wide)}")
    assert not problems, "\n".join(problems)


def test_share_images_and_badges_are_saved_for_a_look(contexts: Contexts, live_site: LiveSite) -> None:
    """The preview images and badges as other sites would show them, beside the screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = contexts.page(viewport={"width": 640, "height": 200})
    for language, slug in [("en", CLOSED), ("ru", ACTIVE)]:
        response = page.request.get(f"/{language}/campaigns/{slug}/card.png")
        assert response.ok and response.headers["content-type"] == "image/png"
        (SCREENSHOTS / f"share-card-{language}-{slug}.png").write_bytes(response.body())
    badges = "".join(
        f'<p><img src="{path}" alt=""></p>'
        for path in (
            f"/campaigns/{ACTIVE}/badge.svg",
            f"/campaigns/{CLOSED}/badge.svg",
            f"/ru/campaigns/{ACTIVE}/badge.svg",
        )
    )
    page.goto("/en/about/")  # an ordinary page of the site, replaced by the badges as another site would show them
    page.set_content(f"<!doctype html><body>{badges}</body>")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    right, bottom = page.evaluate(
        "() => [...document.images].reduce(([r, b], i) => { const x = i.getBoundingClientRect();"
        " return [Math.max(r, x.right), Math.max(b, x.bottom)]; }, [0, 0])"
    )
    page.screenshot(
        path=str(SCREENSHOTS / "badges.png"), clip={"x": 0, "y": 0, "width": right + 8, "height": bottom + 16}
    )
