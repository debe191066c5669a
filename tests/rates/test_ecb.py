"""ECB reference rates: the daily file and the historical layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solidarity.rates.ecb import EcbRate, parse_ecb_rates
from solidarity.rates.errors import RatesError
from tests.payments.statement_files import EDGE, shared_file


def test_shared_daily_file() -> None:
    rates = parse_ecb_rates(shared_file("ecb", "xpt-nl_eurofxref-daily.xml").read_bytes())
    assert len(rates) == 31
    assert {rate.day for rate in rates} == {date(2022, 7, 8)}
    by_currency = {rate.currency: rate.per_euro for rate in rates}
    assert by_currency["USD"] == Decimal("1.0163")
    assert by_currency["ZAR"] == Decimal("17.1922")
    assert "HRK" in by_currency and "RUB" not in by_currency
    assert all(isinstance(rate.per_euro, Decimal) for rate in rates)


def test_own_daily_file() -> None:
    rates = parse_ecb_rates((EDGE / "ecb_daily.xml").read_bytes())
    assert [r.currency for r in rates] == ["CHF", "JPY", "PLN", "USD"]
    assert EcbRate(date(2024, 3, 4), "JPY", Decimal("162.91")) in rates


def test_historical_file_with_three_days() -> None:
    rates = parse_ecb_rates((EDGE / "ecb_hist_3days.xml").read_bytes())
    assert len(rates) == 9
    assert sorted({rate.day for rate in rates}) == [date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 6)]
    assert rates[0] == EcbRate(date(2024, 3, 4), "HUF", Decimal("392.60"))
    assert rates[-1] == EcbRate(date(2024, 3, 6), "USD", Decimal("1.0899"))
    assert str(rates[-1].per_euro) == "1.0899"  # exactly as published, no float round trip


ENVELOPE = (
    '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
    'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube>{}</Cube></gesmes:Envelope>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<gesmes:Envelope", "not well-formed"),
        (b"<rates><rate/></rates>", "no <Cube time"),
        (
            ENVELOPE.format("<Cube time='2024-02-30'><Cube currency='USD' rate='1.1'/></Cube>").encode(),
            "not a YYYY-MM-DD date",
        ),
        (
            ENVELOPE.format("<Cube time='2024-03-04'><Cube currency='usd' rate='1.1'/></Cube>").encode(),
            "invalid currency",
        ),
        (
            ENVELOPE.format("<Cube time='2024-03-04'><Cube currency='USD' rate='1,1'/></Cube>").encode(),
            "invalid USD rate",
        ),
        (
            ENVELOPE.format("<Cube time='2024-03-04'><Cube currency='USD' rate='0'/></Cube>").encode(),
            "invalid USD rate",
        ),
        (ENVELOPE.format("<Cube time='2024-03-04'><Cube currency='USD'/></Cube>").encode(), "invalid USD rate"),
        (ENVELOPE.format("<Cube time='2024-03-04'></Cube>").encode(), "no rates for 2024-03-04"),
        (
            ENVELOPE.format(
                "<Cube time='2024-03-04'><Cube currency='USD' rate='1.1'/><Cube currency='USD' rate='1.2'/></Cube>"
            ).encode(),
            "USD twice",
        ),
    ],
)
def test_malformed_rate_files(data: bytes, message: str) -> None:
    with pytest.raises(RatesError, match=message) as caught:
        parse_ecb_rates(data)
    assert caught.value.code == "invalid_rates"
