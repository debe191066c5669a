from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "solidarity.core"
    label = "core"

    def ready(self) -> None:
        from solidarity.core import checks  # noqa: F401  (registers the system checks)
