from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from solidarity.core.errors import DomainError
from solidarity.core.progress import ProgressBar
from solidarity.payments.csv_formats import csv_mapping_of
from solidarity.payments.models import CsvFormat
from solidarity.payments.reconciliation import import_statement
from solidarity.payments.statements import CsvMapping, as_utf8, detect_format


class Command(BaseCommand):
    help = (
        "Import bank statements (camt.053/052/054, MT940, or CSV with a column mapping) and match their transfers. "
        "A folder is searched for statement files; other files in it are listed as skipped."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", help="statement files, or folders holding them")
        parser.add_argument("--as-user", help="staff username recorded in the audit log")
        parser.add_argument(
            "--csv-format",
            help="CSV: the name of a bank's column mapping saved in the back office (instead of --csv-*)",
        )
        parser.add_argument("--csv-date", help="CSV: column holding the booking date")
        parser.add_argument("--csv-amount", help="CSV: column holding the signed amount")
        parser.add_argument("--csv-currency", help="CSV: column holding the currency")
        parser.add_argument("--csv-fixed-currency", help="CSV: currency of every line, when there is no column")
        parser.add_argument("--csv-remittance", help="CSV: column holding the remittance text")
        parser.add_argument("--csv-payer-name", help="CSV: column holding the payer's name")
        parser.add_argument("--csv-payer-account", help="CSV: column holding the payer's IBAN or account")
        parser.add_argument("--csv-date-format", default="%Y-%m-%d", help="CSV: strptime format of dates")
        parser.add_argument("--csv-decimal-comma", action="store_true", help="CSV: amounts use a decimal comma")
        parser.add_argument(
            "--csv-account", help="CSV: the foundation's account the export is of (default: BANK_IBAN, shown to donors)"
        )

    def _mapping(self, options: dict[str, Any]) -> CsvMapping | None:
        if options.get("csv_format"):
            saved = CsvFormat.objects.filter(name=options["csv_format"]).first()
            if saved is None:
                names = ", ".join(CsvFormat.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"No saved CSV mapping {options['csv_format']!r} (saved: {names}).")
            try:
                return csv_mapping_of(saved)
            except DomainError as exc:
                raise CommandError(f"Bad CSV mapping: {exc}") from exc
        if not options.get("csv_date"):
            return None
        try:
            return CsvMapping(
                date=options["csv_date"],
                amount=options["csv_amount"] or "",
                currency=options["csv_currency"] or "",
                fixed_currency=options["csv_fixed_currency"] or "",
                remittance=options["csv_remittance"] or "",
                payer_name=options["csv_payer_name"] or "",
                payer_account=options["csv_payer_account"] or "",
                date_format=options["csv_date_format"],
                decimal_comma=options["csv_decimal_comma"],
                account=options["csv_account"] or settings.BANK_IBAN,
            )
        except (TypeError, ValueError, DomainError) as exc:
            raise CommandError(f"Bad CSV mapping: {exc}") from exc

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        actor = None
        if options.get("as_user"):
            actor = get_user_model().objects.filter(username=options["as_user"], is_staff=True).first()
            if actor is None:
                raise CommandError(f"No staff user {options['as_user']!r}.")
        mapping = self._mapping(options)
        failed = False
        for name, from_folder in self._expand(files):
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                self.stderr.write(f"{name}: cannot read: {exc}")
                failed = True
                continue
            if from_folder and not _looks_like_statement(data, name, csv=mapping is not None):
                self.stdout.write(f"{name}: skipped, not a bank statement")
                continue
            try:
                summary = import_statement(
                    data=data,
                    actor=actor,
                    filename=Path(name).name,
                    csv_mapping=mapping,
                    progress=ProgressBar(self.stderr, label=f"{Path(name).name} "),
                )
            except DomainError as exc:
                self.stderr.write(f"{name}: {exc}")
                failed = True
                continue
            self.stdout.write(f"{name}: {summary}")
            for warning in summary.warnings:
                self.stdout.write(f"  warning: {warning}")
        if failed:
            raise CommandError("some files could not be imported (nothing was recorded for them)")

    @staticmethod
    def _expand(files: list[str]) -> list[tuple[str, bool]]:
        """(path, found in a folder?) for every named file and every file under a named folder."""
        found: list[tuple[str, bool]] = []
        for name in files:
            path = Path(name)
            if path.is_dir():
                found += [(str(p), True) for p in sorted(path.rglob("*")) if p.is_file()]
            else:
                found.append((name, False))
        return found


def _looks_like_statement(data: bytes, name: str, *, csv: bool) -> bool:
    """Whether a file met in a folder is worth importing: MT940, camt.053, or (with a
    mapping) CSV. Anything else there (a README, exchange rates) is skipped, not refused."""
    kind = detect_format(data)
    if kind == "mt940":
        return True
    if kind == "camt053":
        data, _ = as_utf8(data)
        return any(tag in data for tag in (b"BkToCstmrStmt", b"BkToCstmrAcctRpt", b"BkToCstmrDbtCdtNtfctn"))
    return csv and name.lower().endswith(".csv")
