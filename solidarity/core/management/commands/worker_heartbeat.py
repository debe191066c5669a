"""`manage.py worker_heartbeat`: queue the heartbeat task that a task worker must run.

Run every minute by solidarity-cron-worker_heartbeat.timer; `/readyz` fails when no
worker has run it for SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE seconds.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.core.worker_heartbeat import worker_heartbeat_task


class Command(BaseCommand):
    help = "Queue the task worker's heartbeat (a worker that runs it proves the queue is served)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = worker_heartbeat_task.enqueue()
        if options["verbosity"] > 1:
            self.stdout.write(f"heartbeat queued: {result.id}")
