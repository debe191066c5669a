"""Site-wide switches for payment rails, cached briefly because every donate form reads them."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from solidarity.core.errors import NotAllowed
from solidarity.payments.models import ChannelSetting
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

CACHE_KEY = "payments:channels:v1"
CACHE_SECONDS = 5


def channel_states() -> dict[str, tuple[bool, str]]:
    """{channel: (enabled, notice)} for every channel that has a setting; others are on."""
    states = cache.get(CACHE_KEY)
    if states is None:
        states = {s.channel: (s.enabled, s.notice) for s in ChannelSetting.objects.all()}
        cache.set(CACHE_KEY, states, CACHE_SECONDS)
    return states


def channel_enabled(channel: str) -> bool:
    return channel_states().get(channel, (True, ""))[0]


def require_channel_on(channel: str) -> None:
    """Raise NotAllowed while staff have switched this rail off site-wide."""
    if not channel_enabled(channel):
        raise NotAllowed(_("This payment channel is switched off for now; please choose another one."))


def switched_off_notices() -> list[str]:
    return [notice for enabled, notice in channel_states().values() if not enabled and notice]


def set_channel(*, channel: str, enabled: bool, notice: str = "", actor: Any) -> ChannelSetting:
    """Switch a payment channel on or off site-wide, with the notice donors will see."""
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        setting, _created = ChannelSetting.objects.select_for_update().get_or_create(channel=channel)
        before = setting.enabled
        setting.enabled = enabled
        setting.notice = notice.strip()[:300]
        setting.save()
        record_audit(
            actor=actor, action="payments.set_channel", target=setting, channel=channel, before=before, after=enabled
        )
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    return setting
