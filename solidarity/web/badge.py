"""An embeddable progress badge for a campaign: one small SVG, drawn on the server.

Other sites show it with a plain ``<img src=".../campaigns/<slug>/badge.svg">``: no
JavaScript, no cookie, nothing that tells us who looked at it beyond what any image
request does (and we log nothing). Text widths are measured with the bundled DejaVu
Sans, which is also the first font the SVG asks for, so the text fits its box.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from PIL import ImageFont

from solidarity.campaigns import selectors
from solidarity.campaigns.models import Campaign
from solidarity.campaigns.selectors import CampaignCard
from solidarity.core.formatting import format_money

FONT_SIZE = 11
HEIGHT = 20
PADDING = 7
BAR_HEIGHT = 3
FONT_FAMILY = "DejaVu Sans,Verdana,Geneva,sans-serif"
INK_ON_GREEN = "#ffffff"
LABEL_BG = "#3d4650"
VALUE_BG = "#2f6f4f"
CLOSED_BG = "#5a6370"
BAR_TRACK = "#1d4a34"
BAR_FILL = "#9fd3b4"


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(settings.BASE_DIR / "solidarity" / "static" / "fonts" / "DejaVuSans.ttf"), FONT_SIZE)


def text_width(text: str) -> int:
    return round(_font().getlength(text))


@dataclass(frozen=True)
class BadgeText:
    label: str
    value: str
    title: str
    percent: int
    finished: bool


def badge_text(card: CampaignCard) -> BadgeText:
    """The badge's words in the active language."""
    collected = format_money(card.totals.collected)
    campaign = card.campaign
    if campaign.is_finished:
        value = _("collected %(collected)s · closed") % {"collected": collected}
    else:
        value = _("%(collected)s of %(goal)s") % {"collected": collected, "goal": format_money(card.goal)}
    title = f"{campaign.title}: " + _("%(collected)s of %(goal)s collected") % {
        "collected": collected,
        "goal": format_money(card.goal),
    }
    return BadgeText(
        label=settings.SOLIDARITY_SITE_NAME,
        value=value,
        title=title,
        percent=min(card.percent, 100),
        finished=campaign.is_finished,
    )


def render_badge(text: BadgeText) -> str:
    """A shields-style two-part badge with a thin progress bar under the figures."""
    label_w = text_width(text.label) + 2 * PADDING
    value_w = text_width(text.value) + 2 * PADDING
    width = label_w + value_w
    filled = round(value_w * text.percent / 100)
    value_bg = CLOSED_BG if text.finished else VALUE_BG
    baseline = 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="img" aria-label={quoteattr(text.title)}>',
        f"<title>{escape(text.title)}</title>",
        f'<clipPath id="round"><rect width="{width}" height="{HEIGHT}" rx="3"/></clipPath>',
        '<g clip-path="url(#round)">',
        f'<rect width="{label_w}" height="{HEIGHT}" fill="{LABEL_BG}"/>',
        f'<rect x="{label_w}" width="{value_w}" height="{HEIGHT}" fill="{value_bg}"/>',
        f'<rect x="{label_w}" y="{HEIGHT - BAR_HEIGHT}" width="{value_w}" height="{BAR_HEIGHT}" fill="{BAR_TRACK}"/>',
        f'<rect x="{label_w}" y="{HEIGHT - BAR_HEIGHT}" width="{filled}" height="{BAR_HEIGHT}" fill="{BAR_FILL}"/>',
        "</g>",
        f'<g fill="{INK_ON_GREEN}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">',
        f'<text x="{PADDING}" y="{baseline}">{escape(text.label)}</text>',
        f'<text x="{label_w + PADDING}" y="{baseline}">{escape(text.value)}</text>',
        "</g></svg>",
    ]
    return "".join(parts)


@require_safe
def campaign_badge(request: HttpRequest, slug: str, language: str = "") -> HttpResponse:
    """``/<lang>/campaigns/<slug>/badge.svg``; ``/campaigns/<slug>/badge.svg`` passes the
    default language, so that the address without a prefix is the same for everyone."""
    try:
        campaign = selectors.public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign") from exc
    card = selectors.campaign_cards([campaign])[0]
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        svg = render_badge(badge_text(card))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    # The badge is meant to be shown on other sites, as an image.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
