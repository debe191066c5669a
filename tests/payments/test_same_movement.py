"""The same movement in an MT940 and a camt.053 of the same account is recognised: flagged as
a duplicate, booked once, queued once; two equal transfers stay two."""

from __future__ import annotations

from decimal import Decimal

import pytest

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.ledger.models import Transaction
from solidarity.payments import review
from solidarity.payments.models import BankLine
from solidarity.payments.reconciliation import import_statement
from solidarity.payments.statements import parse_statement
from tests.payments.camt_builder import camt
from tests.payments.mt940_builder import mt940

pytestmark = pytest.mark.django_db
GIFT = {"amount": "40.00", "text": "for the lawyer", "payer": "Anna K", "payer_iban": "LT601010012345678901"}


def test_the_builder_writes_the_same_movement_in_both_formats() -> None:
    a = parse_statement(camt([GIFT])).lines[0]
    b = parse_statement(mt940([GIFT])).lines[0]
    assert (a.statement_account, a.booking_date, a.amount, a.payer_account) == (
        b.statement_account,
        b.booking_date,
        b.amount,
        b.payer_account,
    )
    assert a.checksum != b.checksum  # the checksum alone cannot tell


@pytest.mark.parametrize("first", ["mt940", "camt"])
def test_a_line_seen_in_the_other_format_is_a_duplicate_and_not_queued_twice(staff_user, first) -> None:
    files = {"mt940": mt940([GIFT]), "camt": camt([GIFT])}
    import_statement(data=files[first], actor=staff_user)
    summary = import_statement(data=files["camt" if first == "mt940" else "mt940"], actor=staff_user)
    assert summary.same_movement == 1 and summary.unmatched == 0
    waiting, twin = BankLine.objects.order_by("pk")
    assert waiting.state == "unmatched" and twin.state == "duplicate" and twin.duplicate_of == waiting
    assert twin.payer_name == "Anna K"  # sealed as on a waiting line: a wrong flag can still be decided
    assert BankLine.objects.filter(state="unmatched").count() == 1
    assert summary.statement.lines_duplicate == 1


def test_a_matched_movement_is_booked_once_whatever_the_order(campaign, staff_user) -> None:
    donation = create_donation_intent(
        campaign=campaign, amount=Money(Decimal("40"), "EUR"), channel="bank_transfer"
    ).donation
    paid = {**GIFT, "text": f"lawyer {donation.bank_reference}"}
    import_statement(data=mt940([paid]), actor=staff_user)  # no bank reference in the MT940 (NONREF)
    transactions = Transaction.objects.count()
    # The payer's account and text were erased at the match; the RF reference still tells.
    summary = import_statement(data=camt([{**paid, "bank_ref": "CAMT-7"}]), actor=staff_user)
    assert summary.same_movement == 1 and summary.matched == 0
    assert Transaction.objects.count() == transactions
    assert campaign_totals(campaign).collected == Money(Decimal("40"), "EUR")


def test_two_equal_transfers_on_one_day_stay_two(staff_user) -> None:
    import_statement(data=mt940([GIFT, GIFT]), actor=staff_user)
    summary = import_statement(data=camt([GIFT, GIFT]), actor=staff_user)
    assert summary.same_movement == 2
    originals = {line.duplicate_of_id for line in BankLine.objects.filter(state="duplicate")}
    assert len(originals) == 2


def test_another_account_or_day_or_payer_is_not_the_same_movement(staff_user, settings) -> None:
    settings.SOLIDARITY_OWN_ACCOUNTS = [settings.BANK_IBAN, "DE02120300000000202051"]
    import_statement(data=mt940([GIFT]), actor=staff_user)
    other_account = import_statement(data=camt([GIFT], account="DE02120300000000202051"), actor=staff_user)
    other_day = import_statement(data=camt([{**GIFT, "day": "2026-11-21"}], msg="S2"), actor=staff_user)
    other_payer = import_statement(
        data=camt([{**GIFT, "payer_iban": "LT111111111111111111", "text": "rent", "bank_ref": "Z9"}], msg="S3"),
        actor=staff_user,
    )
    assert [s.same_movement for s in (other_account, other_day, other_payer)] == [0, 0, 0]


def test_duplicates_are_dismissed_in_bulk_and_the_twin_stays(staff_user) -> None:
    import_statement(data=mt940([GIFT]), actor=staff_user)
    import_statement(data=camt([GIFT]), actor=staff_user)
    twin = BankLine.objects.get(state="duplicate")
    review.dismiss_lines(lines=[twin], actor=staff_user, reason="same as the MT940 line")
    assert BankLine.objects.get(pk=twin.pk).state == "ignored"
    assert BankLine.objects.filter(state="unmatched").count() == 1


def test_a_confirmed_line_without_reference_still_recognises_its_twin(campaign, staff_user) -> None:
    donation = create_donation_intent(
        campaign=campaign, amount=Money(Decimal("40"), "EUR"), channel="bank_transfer"
    ).donation
    import_statement(data=camt([GIFT]), actor=staff_user)
    review.confirm_candidate(line=BankLine.objects.get(), donation=donation, actor=staff_user)
    summary = import_statement(data=mt940([GIFT]), actor=staff_user)
    assert summary.same_movement == 1 and BankLine.objects.filter(state="unmatched").count() == 0


def test_the_retention_purge_drops_the_payer_tags_and_the_twins_details(staff_user, settings) -> None:
    import datetime as dt

    from django.utils import timezone

    from solidarity.payments.models import ImportedStatement
    from solidarity.payments.reconciliation import erase_stale_payer_details

    import_statement(data=mt940([GIFT]), actor=staff_user)
    import_statement(data=camt([GIFT]), actor=staff_user)
    ImportedStatement.objects.update(
        imported_at=timezone.now() - dt.timedelta(days=settings.SOLIDARITY_BANK_LINE_RETENTION_DAYS + 1)
    )
    erase_stale_payer_details()
    for line in BankLine.objects.all():
        assert not [tag for tag in line.movement_tags.split() if tag[0] in "pt"]
        assert line.data_key_id is None and line.payer_name == ""
