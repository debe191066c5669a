from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from solidarity.core.money import Money
from solidarity.rates.exchange import NoExchangeRate, convert, exchange_rate
from solidarity.rates.models import ExchangeRate

pytestmark = pytest.mark.django_db
SHARED_ECB = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "fixtures"
    / "statements"
    / "ecb"
    / "xpt-nl_eurofxref-daily.xml"
)

HISTORY = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<gesmes:subject>Reference rates</gesmes:subject>
<Cube>
<Cube time="2026-11-24"><Cube currency="USD" rate="1.0500"/><Cube currency="PLN" rate="4.2600"/></Cube>
<Cube time="2026-11-23"><Cube currency="USD" rate="1.0400"/><Cube currency="PLN" rate="4.2700"/></Cube>
</Cube></gesmes:Envelope>"""


def test_import_rates_from_a_historical_file_is_idempotent(tmp_path, capsys) -> None:
    path = tmp_path / "hist.xml"
    path.write_bytes(HISTORY)
    call_command("import_rates", str(path))
    call_command("import_rates", str(path))
    out = capsys.readouterr().out
    assert "4 new, 0 already known" in out and "0 new, 4 already known" in out
    assert ExchangeRate.objects.get(day=dt.date(2026, 11, 24), currency="USD").rate == Decimal("1.0500")


@pytest.mark.skipif(not SHARED_ECB.exists(), reason="../shared/fixtures is not beside the project")
def test_import_rates_reads_the_ecb_daily_file(capsys) -> None:
    call_command("import_rates", str(SHARED_ECB))
    assert "31 new" in capsys.readouterr().out
    assert ExchangeRate.objects.get(day=dt.date(2022, 7, 8), currency="USD").per_euro == "1.0163"


def test_malformed_rates_file_is_refused_and_stores_nothing(tmp_path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(HISTORY[:200])
    with pytest.raises(CommandError):
        call_command("import_rates", str(path))
    assert not ExchangeRate.objects.exists()


def test_a_restated_rate_is_refused(tmp_path) -> None:
    path = tmp_path / "hist.xml"
    path.write_bytes(HISTORY)
    call_command("import_rates", str(path))
    path.write_bytes(HISTORY.replace(b'rate="1.0500"', b'rate="1.0600"'))
    with pytest.raises(CommandError, match="already stored"):
        call_command("import_rates", str(path))


def test_cross_rate_through_the_euro_and_half_even_rounding(tmp_path) -> None:
    path = tmp_path / "hist.xml"
    path.write_bytes(HISTORY)
    call_command("import_rates", str(path))
    rate, day, source = exchange_rate("USD", "PLN", dt.date(2026, 11, 25))
    assert (rate, day, source) == (Decimal("4.0571428571"), dt.date(2026, 11, 24), "ECB")
    assert convert(Money(Decimal("10"), "USD"), "EUR", day=dt.date(2026, 11, 24)).target == Money(
        Decimal("9.52"), "EUR"
    )
    with pytest.raises(NoExchangeRate):
        exchange_rate("USD", "EUR", dt.date(2026, 12, 31))
