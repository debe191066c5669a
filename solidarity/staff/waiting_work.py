"""The work that waits: counts on the back office's first page, and the short e-mail.

Apps above staff register what waits in their part (`register_waiting_work`, from their
`AppConfig.ready`): a label, the back-office page that lists it (a URL name of the role
table, `page_access.BACK_OFFICE_PAGES`), the filter for that list and a count. A viewer
sees a count only when their role may open its page. Staff who opt in (`WorkEmail`) get an
e-mail saying only that work is waiting — no name, amount, campaign or count — at most
once per `MIN_HOURS_BETWEEN_EMAILS` (`notify_waiting_work`, run by a systemd timer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from solidarity.staff.models import WorkEmail
from solidarity.staff.page_access import may_open
from solidarity.staff.services import record_audit

MIN_HOURS_BETWEEN_EMAILS = 20  # the timer runs daily; a catch-up run after downtime sends no second one


@dataclass(frozen=True, slots=True)
class WorkKind:
    key: str
    label: str | Promise
    page: str  # the back-office page (URL name) that lists this work
    query: str  # its filter, as a query string
    count: Callable[[], int]
    order: int = 100


@dataclass(frozen=True, slots=True)
class WaitingWork:
    key: str
    label: str
    count: int
    url: str


_kinds: dict[str, WorkKind] = {}


def register_waiting_work(kind: WorkKind) -> None:
    """Called by an app's AppConfig.ready; registering the same key again replaces it."""
    _kinds[kind.key] = kind


def waiting_work_for(user: Any) -> list[WaitingWork]:
    """What waits that `user` may open, with counts and links (zero counts included)."""
    found = []
    for kind in sorted(_kinds.values(), key=lambda k: (k.order, k.key)):
        if not may_open(user, kind.page):
            continue
        url = reverse(f"admin:{kind.page}") + (f"?{kind.query}" if kind.query else "")
        found.append(WaitingWork(key=kind.key, label=str(kind.label), count=kind.count(), url=url))
    return found


def set_work_email(*, user: Any, wanted: bool) -> WorkEmail:
    """Switch the waiting-work e-mail on or off for oneself."""
    with transaction.atomic():
        choice, _created = WorkEmail.objects.select_for_update().get_or_create(user=user)
        choice.wanted = wanted
        choice.save(update_fields=["wanted"])
        record_audit(actor=user, action="staff.work_email", target=user, wanted=wanted)
    return choice


def notice_text() -> tuple[str, str]:
    """Subject and body of the notice: that work waits, and where; nothing else."""
    url = settings.SOLIDARITY_PUBLIC_URL + reverse("admin:index")
    subject = _("Work is waiting in the back office")
    body = _(
        "There is work waiting for you in the back office: %(url)s\n\n"
        "This message says nothing more on purpose; log in to see what it is.\n"
        "To stop these messages, switch them off on the back office's first page."
    ) % {"url": url}
    return subject, body


def notify_waiting_work(*, now: datetime | None = None) -> int:
    """E-mail each staff member who opted in and has work waiting that they may open;
    returns how many were sent. Staff without an e-mail address are skipped."""
    now = now or timezone.now()
    sent = 0
    wanted = WorkEmail.objects.filter(wanted=True, user__is_active=True, user__is_staff=True).select_related("user")
    for choice in wanted:
        user = choice.user
        if not user.email or (
            choice.last_sent_at and now - choice.last_sent_at < timedelta(hours=MIN_HOURS_BETWEEN_EMAILS)
        ):
            continue
        if not any(item.count for item in waiting_work_for(user)):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = notice_text()
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        WorkEmail.objects.filter(pk=choice.pk).update(last_sent_at=now)
        sent += 1
    return sent
