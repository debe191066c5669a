"""The back-office page table: complete, enforced, and the same in docs/security.md."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from solidarity.staff.page_access import (
    BACK_OFFICE_PAGES,
    BEFORE_SECOND_FACTOR,
    SECURITY_DOC,
    document_with_table,
)
from tests.staff.role_clients import verified_client


def _named_patterns(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name:
            yield prefix + str(pattern.pattern), pattern.name


def back_office_url_names() -> set[str]:
    """The name of every URL the site serves under /staff/."""
    return {name for route, name in _named_patterns(get_resolver().url_patterns) if route.startswith("staff/")}


def test_every_back_office_url_is_in_the_table() -> None:
    registered = back_office_url_names() - set(BEFORE_SECOND_FACTOR)
    assert "campaigns_campaign_changelist" in registered  # the walk reached the model admins
    missing = sorted(registered - set(BACK_OFFICE_PAGES))
    assert not missing, f"back-office pages missing from BACK_OFFICE_PAGES: {missing}"


def test_the_table_names_no_page_that_does_not_exist() -> None:
    stale = sorted(set(BACK_OFFICE_PAGES) - back_office_url_names())
    assert not stale, f"BACK_OFFICE_PAGES names pages that no longer exist: {stale}"


def test_security_doc_shows_the_table_as_the_code_has_it() -> None:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    assert document_with_table(text) == text, "run `python manage.py back_office_pages --write`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("editor", "/staff/auth/user/", 403),
        ("admin", "/staff/auth/user/", 200),
        ("finance", "/staff/disbursements/disbursement/", 200),
        ("finance", "/staff/rates/exchangerate/", 200),
        ("reviewer", "/staff/disbursements/disbursement/", 403),
        ("caseworker", "/staff/helprequests/helprequest/", 200),
        ("finance", "/staff/helprequests/helprequest/", 403),
        ("admin", "/staff/helprequests/helprequest/", 403),
        ("caseworker", "/staff/donations/donation/", 403),
        ("editor", "/staff/books/", 403),
        ("finance", "/staff/books/", 200),
    ],
)
def test_a_role_opens_only_the_pages_its_row_allows(role: str, path: str, status: int) -> None:
    assert verified_client(role).get(path).status_code == status


@pytest.mark.django_db
def test_a_page_nobody_listed_is_closed_even_with_the_model_permission() -> None:
    client = verified_client("admin")  # admins hold otp_totp.view_totpdevice, not the secret's page
    assert client.get("/staff/otp_totp/totpdevice/").status_code == 200
    assert client.get("/staff/otp_totp/totpdevice/1/config/").status_code == 403
