"""JSON and file endpoints of the public log (outside the language prefix)."""

from django.urls import path

from solidarity.transparency import log_views

app_name = "public_log"
urlpatterns = [
    path("checkpoint.json", log_views.checkpoint_json, name="checkpoint"),
    path("entries.json", log_views.entries_json, name="entries"),
    path("inclusion/<int:index>.json", log_views.inclusion_json, name="inclusion"),
    path("consistency.json", log_views.consistency_json, name="consistency"),
    path("public_key.pem", log_views.public_key, name="public_key"),
    path("bundle.zip", log_views.bundle_zip, name="bundle"),
]
