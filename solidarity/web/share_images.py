"""Preview images for links to a campaign (Open Graph / Twitter cards), drawn here.

When someone shares a campaign page, the messenger or social site fetches the image
named in the page's ``og:image`` tag. It comes from our own host, rendered with Pillow
and the bundled DejaVu Sans (which covers Latin and Cyrillic), so no third party is
asked to draw it and the reader's app learns nothing it would not learn from the page.
The image is the same for everyone: cacheable, no cookie.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from solidarity.campaigns import selectors
from solidarity.campaigns.models import Campaign
from solidarity.campaigns.selectors import CampaignCard
from solidarity.core.formatting import format_money

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = (251, 250, 247)
INK = (31, 35, 40)
MUTED = (90, 99, 112)
ACCENT = (47, 111, 79)
ACCENT_SOFT = (221, 236, 227)
CLOSED = (90, 99, 112)
CACHE_SECONDS = 600
FONT_DIR = settings.BASE_DIR / "solidarity" / "static" / "fonts"


@lru_cache(maxsize=16)
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Break `text` into lines no wider than `width`; the last line ends in '…' if cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if face.getlength(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and face.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return kept


@dataclass(frozen=True)
class ShareCard:
    """Everything the image shows, already in the reader's language."""

    site_name: str
    title: str
    subtitle: str
    figures: str
    percent: int
    finished: bool
    status_label: str

    def cache_key(self) -> str:
        digest = hashlib.sha256(repr(self).encode()).hexdigest()[:32]
        return f"share-card:v1:{digest}"


def share_card(card: CampaignCard) -> ShareCard:
    campaign = card.campaign
    collected = format_money(card.totals.collected)
    goal = format_money(card.goal)
    if campaign.is_finished:
        figures = _("Collected: %(collected)s") % {"collected": collected}
        status = _("The collection is over")
    else:
        figures = _("%(collected)s of %(goal)s collected") % {"collected": collected, "goal": goal}
        status = ""
    figures = figures[:1].upper() + figures[1:]  # it starts a line ("собрано …" → "Собрано …")
    beneficiary = campaign.beneficiary
    return ShareCard(
        site_name=settings.SOLIDARITY_SITE_NAME,
        title=campaign.title,
        subtitle=f"{beneficiary.public_name} · {beneficiary.get_status_display()}",
        figures=figures,
        percent=card.percent,
        finished=campaign.is_finished,
        status_label=status,
    )


def render_share_card(card: ShareCard) -> bytes:
    """A 1200×630 PNG: site name, title, who it is for, a progress bar and the figures."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    draw.text((MARGIN, 64), card.site_name, font=font(30, bold=True), fill=ACCENT)

    title_face = font(56, bold=True)
    y = 128
    for line in wrap(card.title, title_face, inner, max_lines=3):
        draw.text((MARGIN, y), line, font=title_face, fill=INK)
        y += 70
    subtitle_face = font(30)
    draw.text((MARGIN, y + 14), wrap(card.subtitle, subtitle_face, inner, 1)[0], font=subtitle_face, fill=MUTED)

    bar_top, bar_height = 470, 28
    draw.rounded_rectangle((MARGIN, bar_top, MARGIN + inner, bar_top + bar_height), radius=14, fill=ACCENT_SOFT)
    filled = round(inner * min(card.percent, 100) / 100)
    if filled:
        colour = CLOSED if card.finished else ACCENT
        draw.rounded_rectangle(
            (MARGIN, bar_top, MARGIN + max(filled, bar_height), bar_top + bar_height), radius=14, fill=colour
        )
    figures_face = font(36, bold=True)
    draw.text((MARGIN, bar_top + 52), card.figures, font=figures_face, fill=INK)
    right = card.status_label or f"{card.percent}%"
    right_face = font(32, bold=bool(card.status_label))
    draw.text(
        (WIDTH - MARGIN - right_face.getlength(right), bar_top + 56),
        right,
        font=right_face,
        fill=CLOSED if card.finished else ACCENT,
    )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def share_card_png(card: ShareCard) -> bytes:
    """The rendered image, from the cache when the same figures were drawn recently."""
    key = card.cache_key()
    png = cache.get(key)
    if png is None:
        png = render_share_card(card)
        cache.set(key, png, CACHE_SECONDS)
    return bytes(png)


@require_safe
def campaign_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/campaigns/<slug>/card.png``: the preview image named in ``og:image``."""
    try:
        campaign = selectors.public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign") from exc
    card = share_card(selectors.campaign_cards([campaign])[0])
    response = HttpResponse(share_card_png(card), content_type="image/png")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Content-Language"] = get_language() or settings.LANGUAGE_CODE
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
