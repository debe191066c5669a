from django.urls import path

from solidarity.web import help_pages as views

app_name = "helprequests"
urlpatterns = [
    path("help/", views.help_request_form, name="form"),
    path("help/sent/", views.help_request_already_sent, name="sent"),
]
