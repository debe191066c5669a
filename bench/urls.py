"""The product's URLs plus two baselines that exist only under bench.settings:

- /bench/minimal/ — the least a Django view can do through the full middleware stack;
- /bench/insert/ — a POST that does one INSERT, the floor for a webhook that stores an event.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from solidarity.urls import urlpatterns as product_urlpatterns

INSERT_TABLE = "bench_insert"


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (body) VALUES (%s)", [request.body[:200].decode(errors="replace")])  # noqa: S608 - constant
    return JsonResponse({"received": True})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/insert/", insert),
    *product_urlpatterns,
]
