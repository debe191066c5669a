"""E-mail the staff who opted in that work is waiting (daily: solidarity-cron-notify_waiting_work.timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.staff.waiting_work import notify_waiting_work


class Command(BaseCommand):
    help = "Tell each staff member who opted in, by e-mail, that work is waiting (no details)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notify_waiting_work()
        self.stdout.write(f"sent {sent} notice(s)")
