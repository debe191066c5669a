"""Staff: upload a bank statement for import, and read an import's result."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from solidarity.api.errors import with_errors
from solidarity.api.schemas import RowId
from solidarity.api.staff_access import record_api_use, staff_actor
from solidarity.api.staff_schemas import StatementImportOut, StatementOut
from solidarity.core.errors import DomainError
from solidarity.payments.models import BankLine, ImportedStatement
from solidarity.payments.reconciliation import import_statement
from solidarity.staff.roles import Role

router = Router(tags=["staff: bank statements"])
MAX_STATEMENT_BYTES = 20 * 1024 * 1024


def _waiting(statement: ImportedStatement) -> int:
    return BankLine.objects.filter(statement=statement, state=BankLine.State.UNMATCHED).count()


@router.post(
    "",
    response=with_errors({201: StatementImportOut}, 400, 401, 403, 409, 422),
    operation_id="import_statement",
)
def upload_statement(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Import a camt.053 (or camt.052/054, booked entries only) or MT940 file, UTF-8 or UTF-16
    (multipart field `file`, at most 20 MB), of one of the foundation's own accounts (else 400).

    Each line is stored once, whatever is uploaded again; matched lines post to the
    ledger, the rest wait in the review queue. A malformed file records nothing (400).
    Lines are imported one transaction each, so the API audit entry is written after
    the import, in its own transaction (the import writes its own entry as well).
    """
    actor = staff_actor(request, Role.FINANCE)
    if (file.size or 0) > MAX_STATEMENT_BYTES:
        raise DomainError(_("The file is larger than 20 MB."), code="file_too_large")
    summary = import_statement(data=file.read(), actor=actor, filename=file.name or "")
    record_api_use(request, "import_statement", target=summary.statement, total=summary.total)
    return Status(201, StatementImportOut.of_summary(summary, _waiting(summary.statement)))


@router.get(
    "/{statement_id}", response=with_errors({200: StatementOut}, 401, 403, 404, 422), operation_id="get_statement"
)
def get_statement(request: HttpRequest, statement_id: RowId) -> StatementOut:
    """The result of one import, and how many of its lines still wait for review."""
    staff_actor(request, Role.FINANCE)
    statement = get_object_or_404(ImportedStatement.objects.select_related("imported_by"), pk=statement_id)
    record_api_use(request, "get_statement", target=statement)
    return StatementOut.of(statement, _waiting(statement))
