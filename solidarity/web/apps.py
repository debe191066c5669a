from django.apps import AppConfig


class WebConfig(AppConfig):
    """The reader pages: HTTP above the domain apps. No models."""

    name = "solidarity.web"
    label = "web"
