from django.urls import path

from solidarity.helprequests import views

app_name = "helprequests"
urlpatterns = [
    path("help/", views.help_request_form, name="form"),
]
