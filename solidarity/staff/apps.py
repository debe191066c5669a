from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "solidarity.staff"
    label = "staff"
