from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "solidarity.ledger"
    label = "ledger"

    def ready(self) -> None:
        from solidarity.ledger.log_audit import audit_public_log
        from solidarity.ledger.services import call_after_posting
        from solidarity.ledger.tasks import queue_sealing
        from solidarity.ledger.verification import register_check

        # The public log's hooks (moving to their own app): seal after each posting commits,
        # and re-derive every sealed entry when the ledger is verified.
        call_after_posting(queue_sealing)
        register_check(lambda limit: audit_public_log(limit=limit))
