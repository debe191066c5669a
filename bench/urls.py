"""The product's URLs plus two baselines that exist only under bench.settings:

- /bench/minimal/ — the least a Django view can do through the full middleware stack;
- /bench/insert/ — a POST that does one INSERT, the floor for a webhook that stores an event;
- /bench/inbox/ — a prototype of an asynchronous webhook: the signature is verified and the
  normalised event stored once (ON CONFLICT DO NOTHING), to be applied later by a worker.
  It measures what answering Stripe would cost if applying moved off the request.
"""

from __future__ import annotations

import json

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


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> JsonResponse:
    from solidarity.payments.providers.base import WebhookRejected
    from solidarity.payments.providers.stripe import StripeProvider

    try:
        data = StripeProvider().parse_webhook(body=request.body, headers=request.headers)
    except WebhookRejected as exc:
        return JsonResponse({"error": exc.code}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_inbox (event_id, data) VALUES (%s, %s) ON CONFLICT (event_id) DO NOTHING",
            [data.event_id, json.dumps(data.to_json())],
        )
    return JsonResponse({"received": True})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/insert/", insert),
    path("bench/inbox/", inbox),
    *product_urlpatterns,
]
