"""Run the Stripe fake on its own: ``python -m solidarity.demo.stripe_fake --port 12111``.

Point a site at it with ``STRIPE_API_BASE=http://127.0.0.1:12111``, ``STRIPE_SECRET_KEY``
(the ``--api-key``), ``STRIPE_CHECKOUT_ORIGIN`` (the same address, for the CSP) and
``STRIPE_WEBHOOK_SECRETS`` (the secret printed here); ``--webhook`` names the site's
``/payments/stripe/webhook/`` address.  ``manage.py run_demo`` does all of this for you.
"""

from __future__ import annotations

import argparse
import signal
import threading

from .server import StripeFake


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m solidarity.demo.stripe_fake", description=__doc__)
    parser.add_argument("--port", type=int, default=12111, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--api-key", default="sk_test_stripe_fake", help="the secret key the SDK must send")
    parser.add_argument("--webhook", action="append", default=[], help="an address to post signed events to")
    parser.add_argument("--webhook-secret", default=None, help="signing secret (default: a fresh whsec_…)")
    args = parser.parse_args(argv)
    fake = StripeFake(args.api_key, port=args.port).start()
    for url in args.webhook:
        endpoint = fake.add_webhook_endpoint(url, args.webhook_secret)
        print(f"webhooks to {endpoint.url}, signed with {endpoint.secret}", flush=True)
    print(f"Stripe fake listening on {fake.url} (secret key {fake.api_key})", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
