from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _roles(sender: Any, **kwargs: Any) -> None:
    from solidarity.staff.roles import ensure_role_groups

    ensure_role_groups()


class StaffConfig(AppConfig):
    name = "solidarity.staff"
    label = "staff"

    def ready(self) -> None:
        from solidarity.staff import login_guard  # noqa: F401  (connects the login signals)

        post_migrate.connect(_roles, sender=self)
