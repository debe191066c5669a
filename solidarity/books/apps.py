from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BooksConfig(AppConfig):
    verbose_name = _("Books")
    name = "solidarity.books"
    label = "books"
