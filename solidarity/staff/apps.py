from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles(sender: Any, **kwargs: Any) -> None:
    from solidarity.staff.roles import ensure_role_groups

    ensure_role_groups()


class StaffConfig(AppConfig):
    verbose_name = _("Staff")
    name = "solidarity.staff"
    label = "staff"

    def ready(self) -> None:
        from solidarity.staff import login_guard  # noqa: F401  (connects the login signals)
        from solidarity.staff.audit_actions import find_action_names

        find_action_names()

        post_migrate.connect(_roles, sender=self)
