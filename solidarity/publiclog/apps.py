from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicLogConfig(AppConfig):
    verbose_name = _("Public log")
    name = "solidarity.publiclog"
    label = "publiclog"

    def ready(self) -> None:
        from solidarity.ledger.services import call_after_posting
        from solidarity.ledger.verification import register_check
        from solidarity.publiclog.audit import audit_public_log
        from solidarity.publiclog.tasks import queue_sealing

        # Seal each posted transaction once its database transaction commits, and have
        # verify_ledger re-derive every sealed entry from the ledger's rows.
        call_after_posting(queue_sealing)
        register_check(lambda limit: audit_public_log(limit=limit))
