from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "solidarity.books"
    label = "books"
