"""Who runs the fund (issue 16.7): /<lang>/contact/ names the foundation and its safe
contact channels from settings and the back office, every page's footer links it, and the
"giving safely" page gives plain advice in en/ru/be."""

from __future__ import annotations

import pytest
from django.test import Client

from solidarity.core.errors import NotAllowed
from solidarity.foundation.selectors import foundation_profile
from solidarity.foundation.services import update_foundation_profile
from solidarity.staff.models import AuditEntry
from tests.core.test_caching import fresh_caches  # noqa: F401  (autouse: both page caches empty)
from tests.donations.test_refund_requests_back_office import office_for
from tests.factories import staff_with_role

pytestmark = pytest.mark.django_db

HEADINGS = {"en": "Who runs this fund", "ru": "Кто ведёт этот фонд", "be": "Хто вядзе гэты фонд"}
SAFELY = {"en": "Giving safely", "ru": "Как помогать безопасно", "be": "Як дапамагаць бяспечна"}


@pytest.fixture
def admin_user():
    return staff_with_role("admin", "admin-profile")


def test_the_settings_name_the_foundation_until_the_back_office_says_more(settings) -> None:
    settings.SOLIDARITY_FOUNDATION = {"legal_name": "Fund from settings", "email": "a@fund.example"}
    html = Client().get("/en/contact/").content.decode()
    assert 'id="legal-name">Fund from settings<' in html and "mailto:a@fund.example" in html
    assert foundation_profile().registration == ""
    assert 'id="no-onion"' in html and 'id="onion-address"' not in html


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_the_contact_page_shows_entity_channels_and_how_to_check_the_onion(lang, admin_user, settings) -> None:
    settings.SOLIDARITY_ONION_URL = "http://" + "a" * 56 + ".onion"
    update_foundation_profile(
        actor=admin_user,
        legal_name="Fund for Freedom e.V.",
        registration="VR 4242 B, Berlin",
        address="Germany (Berlin)",
        email="help@fund.example",
        openpgp_fingerprint="ABCD1234ABCD1234ABCD1234ABCD1234ABCD1234",
        openpgp_key="-----BEGIN PGP PUBLIC KEY BLOCK-----\nxyz\n-----END PGP PUBLIC KEY BLOCK-----",
        signal="fund.42",
        secure_drop_url="http://drop.example/",
        onion_statement="-----BEGIN PGP SIGNED MESSAGE-----\naaaa.onion\n-----END PGP SIGNATURE-----",
    )
    response = Client().get(f"/{lang}/contact/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "public" in response["Cache-Control"]
    assert f"<h1>{HEADINGS[lang]}</h1>" in html
    for shown in ("Fund for Freedom e.V.", "VR 4242 B, Berlin", "Germany (Berlin)", "help@fund.example", "fund.42"):
        assert shown in html
    assert 'id="openpgp-fingerprint">ABCD 1234 ABCD' in html and "BEGIN PGP PUBLIC KEY BLOCK" in html
    assert 'href="http://drop.example/"' in html
    assert 'id="onion-address">http://' + "a" * 56 + ".onion<" in html and 'id="onion-statement"' in html


@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/campaigns/", "/{lang}/about/", "/{lang}/receipts/"])
@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_every_page_footer_links_contact_and_giving_safely(path, lang, campaign) -> None:
    html = Client().get(path.format(lang=lang)).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'href="/{lang}/contact/">{HEADINGS[lang]}</a>' in footer
    assert f'href="/{lang}/giving-safely/">{SAFELY[lang]}</a>' in footer


@pytest.mark.parametrize(
    ("lang", "tor", "cards", "statement"),
    [
        ("en", "Use Tor Browser", "Do not use a card or an account of a bank in Belarus or Russia", "DE89 3704"),
        ("ru", "Пользуйтесь Tor Browser", "Не используйте карту или счёт банка в Беларуси или России", "DE89 3704"),
        ("be", "Карыстайцеся Tor Browser", "Не выкарыстоўвайце картку або рахунак банка", "DE89 3704"),
    ],
)
def test_the_giving_safely_page_advises_tor_no_local_cards_and_says_what_a_statement_shows(
    lang, tor, cards, statement
) -> None:
    response = Client().get(f"/{lang}/giving-safely/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert f"<h1>{SAFELY[lang]}</h1>" in html
    assert tor in html and cards in html
    transfer = html[html.index('id="advice-transfer-statement"') :]
    assert statement in transfer.split("</li>")[0]


def test_only_an_admin_edits_the_profile_and_it_is_audited(admin_user) -> None:
    with pytest.raises(NotAllowed):
        update_foundation_profile(actor=staff_with_role("finance"), legal_name="Hijacked")
    update_foundation_profile(actor=admin_user, legal_name="Fund", email="x@fund.example")
    entry = AuditEntry.objects.get(action="foundation.update_profile")
    assert entry.actor == admin_user and entry.summary["fields"] == "legal_name,email"
    update_foundation_profile(actor=admin_user, legal_name="Fund")  # nothing changed: nothing audited
    assert AuditEntry.objects.filter(action="foundation.update_profile").count() == 1


def test_the_back_office_edits_the_profile_and_the_cached_page_shows_it_at_once(
    admin_user, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SOLIDARITY_READER_RENDER_CACHE = True
    settings.SOLIDARITY_READER_MAX_AGE = 300
    assert "New Name Foundation" not in Client().get("/en/contact/").content.decode()
    office = office_for(admin_user)
    opened = office.get("/staff/foundation/foundationprofile/")
    assert opened.status_code == 302 and opened["Location"].endswith("/staff/foundation/foundationprofile/1/change/")
    form = {"legal_name": "New Name Foundation", "registration": "VR 1", "address": "", "email": "", "signal": ""}
    form |= {"openpgp_fingerprint": "", "openpgp_key": "", "secure_drop_url": "", "onion_statement": ""}
    with django_capture_on_commit_callbacks(execute=True):
        saved = office.post("/staff/foundation/foundationprofile/1/change/", form)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    assert 'id="legal-name">New Name Foundation<' in Client().get("/en/contact/").content.decode()
    assert (
        office_for(staff_with_role("finance", "fin-2")).get("/staff/foundation/foundationprofile/").status_code == 403
    )
