from django.apps import AppConfig


class PublicLogConfig(AppConfig):
    name = "solidarity.publiclog"
    label = "publiclog"
    verbose_name = "Public log"

    def ready(self) -> None:
        from solidarity.ledger.services import call_after_posting
        from solidarity.ledger.verification import register_check
        from solidarity.publiclog.audit import audit_public_log
        from solidarity.publiclog.tasks import queue_sealing

        # Seal each posted transaction once its database transaction commits, and have
        # verify_ledger re-derive every sealed entry from the ledger's rows.
        call_after_posting(queue_sealing)
        register_check(lambda limit: audit_public_log(limit=limit))
