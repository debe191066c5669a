"""Daily retention job (cron): finish done requests, then delete expired ones. Prints ids and counts only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.helprequests.services import finish_done_help_requests, purge_expired_help_requests, retention_days


class Command(BaseCommand):
    help = (
        "Mark help requests whose campaign is done as finished, then delete rejected and finished "
        "requests older than HELPREQUEST_RETENTION_DAYS, attachments included. Run daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        finished = finish_done_help_requests()
        result = purge_expired_help_requests()
        self.stdout.write(f"finished {len(finished)} help request(s)" + (f": ids {finished}" if finished else ""))
        self.stdout.write(
            f"purged {len(result.ids)} help request(s) and {result.attachments} attachment(s) "
            f"past {retention_days()} days of retention" + (f": ids {result.ids}" if result.ids else "")
        )
