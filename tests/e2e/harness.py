"""The site the browser tests drive: gunicorn with production settings behind a small
front server that plays the reverse proxy's part.

In production nginx (or any reverse proxy) serves ``/static/`` from the collected files
and hands everything else to the application server. ``FrontServer`` does the same here,
in a thread of the test process, so the tests need nothing beyond the Python packages
and Chromium:

    browser ──► FrontServer (127.0.0.1:P) ──/static/──► STATIC_ROOT (collectstatic)
                                          └─ other ──► gunicorn (127.0.0.1:Q, DJANGO_DEBUG=0)

Card payments go to the Stripe-compatible fake (solidarity/demo/stripe_fake): its hosted checkout
page is a second origin, reached by the redirect after the donate form, and it posts
signed webhooks to the front server's ``/payments/stripe/webhook/`` as Stripe would.
"""

from __future__ import annotations

import base64
import http.client
import json
import mimetypes
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet

from tests.stripe_fake import StripeFake

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WEBHOOK_SECRET = "whsec_e2e_" + secrets.token_hex(12)
E2E_DATABASE_NAME = "solidarity_e2e"
# Headers that belong to one hop, not to the request or response itself (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def e2e_database_url(tmp: Path) -> str:
    """E2E_DATABASE_URL; else a dedicated database beside DATABASE_URL's PostgreSQL; else SQLite."""
    explicit = os.environ.get("E2E_DATABASE_URL", "")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        return urlunsplit(urlsplit(base)._replace(path="/" + E2E_DATABASE_NAME))
    return f"sqlite:///{tmp / 'e2e.sqlite3'}"


def recreate_postgres_database(url: str) -> None:
    """Drop and create the e2e database (a previous run may have left it behind)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))


class _FrontHandler(BaseHTTPRequestHandler):
    """Static files from disk, everything else forwarded to gunicorn unchanged."""

    static_root: Path
    upstream: tuple[str, int]
    protocol_version = "HTTP/1.0"  # one request per connection: simple and enough here

    def log_message(self, format: str, *args: Any) -> None:  # like the site: no request log
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/static/") and self.command in ("GET", "HEAD"):
            self._static(path.removeprefix("/static/"))
        else:
            self._forward()

    def _static(self, relative: str) -> None:
        root = self.static_root.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            self._reply(404, [("Content-Type", "text/plain")], b"not found")
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "image/svg+xml"):
            content_type += "; charset=utf-8"
        headers = [
            ("Content-Type", content_type),
            ("Cache-Control", "public, max-age=3600"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        self._reply(200, headers, target.read_bytes())

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    conn.putheader(name, value)
            conn.endheaders(body)
            response = conn.getresponse()
            payload = response.read()
            headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
            self._reply(response.status, headers, payload)
        except OSError:
            self._reply(502, [("Content-Type", "text/plain")], b"bad gateway")
        finally:
            conn.close()

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class FrontServer:
    def __init__(self, static_root: Path, upstream_port: int) -> None:
        handler = type(
            "Handler", (_FrontHandler,), {"static_root": static_root, "upstream": ("127.0.0.1", upstream_port)}
        )
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="e2e-front", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> FrontServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@dataclass
class StaffMember:
    username: str
    password: str
    totp_key_hex: str  # empty: the member enrols through an admin's invitation link


@dataclass
class LiveSite:
    """The running site: its address, the Stripe fake, and what the harness created."""

    url: str
    fake: StripeFake
    staff: list[StaffMember]
    staff_journey_slug: str
    database_url: str
    role_pages: dict[str, Any]  # staff by role and the back-office pages to try (back_office_samples.py)
    tmp: Path
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _front: FrontServer | None = None

    @property
    def origin(self) -> str:
        return self.url

    @property
    def passkey_url(self) -> str:
        """The same site as http://localhost:P: a passkey's relying party id must be a domain name."""
        return passkey_origin(self.url)

    def server_log(self, last: int = 4000) -> str:
        """The tail of gunicorn's output (errors only: the site keeps no request log)."""
        path = self.tmp / "gunicorn.log"
        return path.read_text(errors="replace")[-last:] if path.exists() else ""

    def stop(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._front is not None:
            self._front.stop()
        # Keep gunicorn's output (errors only: the site logs no requests) for a look after a failure.
        kept = REPO / "build" / "e2e"
        kept.mkdir(parents=True, exist_ok=True)
        (kept / "gunicorn.log").write_text(self.server_log(last=200_000))
        self.fake.stop()
        if self.database_url.startswith("postgres"):
            drop_postgres_database(self.database_url)
        shutil.rmtree(self.tmp, ignore_errors=True)


def passkey_origin(url: str) -> str:
    """The front server's address with the name `localhost`, which a browser treats as a secure
    context and a valid WebAuthn relying party id (an IP address is neither)."""
    return url.replace("//127.0.0.1:", "//localhost:", 1)


def server_environment(*, database_url: str, tmp: Path, public_url: str, fake: StripeFake) -> dict[str, str]:
    """Production settings (DEBUG off, secure defaults) with throw-away keys, over plain http."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SOLIDARITY_", "STRIPE_"))}
    env.pop("REDIS_URL", None)  # the in-process cache: no shared Redis state with other tests
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "solidarity.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "SOLIDARITY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SOLIDARITY_LOG_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SOLIDARITY_WEBAUTHN_RP_ID": "localhost",  # the passkey journey uses http://localhost:P
            "SOLIDARITY_WEBAUTHN_ORIGINS": passkey_origin(public_url),
            "DJANGO_SECURE_SSL_REDIRECT": "0",  # no TLS on loopback; the proxy would redirect in production
            "DJANGO_COOKIE_SECURE": "0",  # a browser drops Secure cookies over http
            "DJANGO_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "SOLIDARITY_VAR_DIR": str(tmp / "var"),
            "SOLIDARITY_PUBLIC_URL": public_url,
            "STRIPE_SECRET_KEY": fake.api_key,
            "STRIPE_API_BASE": fake.url,
            "STRIPE_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "STRIPE_CHECKOUT_ORIGIN": fake.url,
            # Every journey's browser is the same client (127.0.0.1): without this the card
            # gifts of the whole run share one client's limit (tests/donations tests the limit).
            "SOLIDARITY_CARD_CHECKOUTS_PER_CLIENT": "1000",
            "PYTHONPATH": str(REPO),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], deadline_s: float = 60.0) -> None:
    deadline = time.monotonic() + deadline_s
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.1)
    raise RuntimeError(f"the site did not answer at {url} within {deadline_s:.0f} s: {last_error}")


def start_site() -> LiveSite:
    """Start the fake, prepare a fresh database, start gunicorn and the front server."""
    tmp = Path(tempfile.mkdtemp(prefix="solidarity-e2e-"))
    fake = StripeFake().start()
    database_url = e2e_database_url(tmp)
    if database_url.startswith("postgres"):
        recreate_postgres_database(database_url)
    gunicorn_port = free_port()
    front = FrontServer(tmp / "static", gunicorn_port).start()
    env = server_environment(database_url=database_url, tmp=tmp, public_url=front.url, fake=fake)
    prepared = subprocess.run(
        [sys.executable, "-m", "tests.e2e.server_side"],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if prepared.returncode != 0:
        front.stop()
        fake.stop()
        raise RuntimeError("preparing the e2e database failed:\n" + prepared.stderr.decode()[-4000:])
    facts = json.loads(prepared.stdout.decode().strip().splitlines()[-1])
    command = [
        str(VENV_BIN / "gunicorn"), "solidarity.wsgi:application",
        "--bind", f"127.0.0.1:{gunicorn_port}",
        "--workers", "2", "--threads", "4", "--timeout", "60", "--graceful-timeout", "5",
    ]  # fmt: skip
    with (tmp / "gunicorn.log").open("wb") as log:  # the child keeps its own copy of the descriptor
        gunicorn = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    site = LiveSite(
        url=front.url,
        fake=fake,
        staff=[StaffMember(**member) for member in facts["staff"]],
        staff_journey_slug=facts["staff_journey_slug"],
        database_url=database_url,
        role_pages=facts["role_pages"],
        tmp=tmp,
        _processes=[gunicorn],
        _front=front,
    )
    try:
        _wait_until_serving(front.url + "/en/", gunicorn)
    except RuntimeError as exc:
        output = site.server_log()
        site.stop()
        raise RuntimeError(f"{exc}\n{output}") from exc
    fake.add_webhook_endpoint(url=front.url + "/payments/stripe/webhook/", secret=WEBHOOK_SECRET)
    return site
