#!/usr/bin/env python3
"""The production stack on one machine, for trying it out, for the benchmarks and for the
fault tests: nginx (microcache, static files) → the app server (granian, WSGI) →
PostgreSQL and Redis, plus a task worker (`manage.py db_worker`).

    python deploy/prodlocal.py start    # `make prod-local`: http://127.0.0.1:8080
    python deploy/prodlocal.py stop     # `make prod-stop`
    python deploy/prodlocal.py status

Everything it writes (rendered nginx config, pid files, logs, keys, static files) lies
under build/prod/. It uses its own PostgreSQL database (`solidarity_prod`), migrated and
loaded with the demo data, and its own Redis database number, so it never touches the
development or test data. As in production, the app server and the worker connect as a
runtime role (`solidarity_prod_app`) that may only SELECT and INSERT the ledger, public
log and audit log; `migrate` runs as the owner role (`solidarity_prod_owner`) and grants
it (docs/deployment.md). The same `Stack` class is imported by bench/ and tests/faults/
to start what they need.

This is a local stand-in for the systemd units in deploy/systemd/, with the same
commands and environment; it is not how production is run.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "prod"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
TEMPLATE = ROOT / "deploy" / "nginx" / "solidarity.conf"
POSTGRES_URL = os.environ.get("SOLIDARITY_PROD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# A PgBouncer in transaction mode in front of that server (postgres://host:port), if any:
# the app, the worker and every runtime-role command then connect through it (with
# DATABASE_POOLER=transaction), while creating databases and migrating stay direct, as an
# operator would run them (deploy/pgbouncer_ci.sh).
POOLER_URL = os.environ.get("SOLIDARITY_PROD_POOLER", "")
# The address benchmarks give Stripe fee look-ups: nothing listens on port 9 (discard), so
# the connection is refused at once and the webhook goes on without the fee.
REFUSING_STRIPE_API = "http://127.0.0.1:9"
WEBHOOK_SECRET = "whsec_prodlocal_not_a_real_secret"  # noqa: S105 - local stack only
# The two database roles (cluster-wide, shared by every local stack and its templates).
OWNER_ROLE, RUNTIME_ROLE = "solidarity_prod_owner", "solidarity_prod_app"
ROLE_PASSWORD = "prodlocal-not-a-secret"  # noqa: S105 - local stack only

APP_SERVERS = ("granian", "gunicorn-sync", "gunicorn-gthread")
# The task worker's CPU priority relative to the app server (solidarity-worker@.service).
WORKER_NICE = 10


def log(message: str) -> None:
    print(f"[prod-local] {message}", file=sys.stderr, flush=True)


def ensure_apt_packages(*packages: str) -> None:
    """Install Debian packages (nginx, wrk) when their program is missing."""
    missing = [p for p in packages if shutil.which(p) is None and not Path(f"/usr/sbin/{p}").exists()]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"please install {' '.join(missing)} (apt-get install -y {' '.join(missing)})")
    log(f"installing {' '.join(missing)} with apt-get")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *missing],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def wait_for_port(host: str, port: int, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def wait_for_http(url: str, *, timeout: float = 60.0) -> None:
    """Poll `url` until it answers 2xx/3xx (deadline, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                if response.status < 400:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s ({last})")


def lower_session_priority(pid: int, nice: int) -> None:
    """Give the session (autogroup) that `pid` leads the CPU weight of `nice`.

    Where the kernel groups processes by session (`sched_autogroup_enabled`), a nice value
    only orders processes within their session; the sessions themselves share the CPU
    equally unless their own nice is set through /proc/<pid>/autogroup.
    """
    # Without autogroups (no such file) the process's own nice value already applies.
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def pid_alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie child of ours is reaped and counts as gone)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


@dataclass
class Stack:
    """One local production-like stack: its database, its ports and its processes."""

    build: Path = BUILD
    database: str = "solidarity_prod"
    http_port: int = 8080
    onion_port: int = 8090  # what deploy/tor/torrc points Tor at
    app_port: int = 8081
    app_server: str = "granian"
    app_workers: int = 2
    # More threads than webhook deliveries nginx lets in at once when each may wait on
    # Stripe (4, in request mode): even if every slow delivery lands on one worker, that
    # worker still has threads for readers.
    app_threads: int = 8
    redis_url: str = "redis://127.0.0.1:6379/2"
    stripe_api_base: str = REFUSING_STRIPE_API
    # "worker" (production): the webhook stores, the task worker applies; "request": the
    # webhook applies before answering (no worker needed).
    webhook_apply: str = "worker"
    postgres_url: str = POSTGRES_URL
    pooler_url: str = POOLER_URL
    extra_env: dict[str, str] = field(default_factory=dict)

    # -- paths and environment ------------------------------------------------------------
    @property
    def logs(self) -> Path:
        return self.build / "logs"

    @property
    def run(self) -> Path:
        return self.build / "run"

    @property
    def database_url(self) -> str:
        """The superuser's connection to the stack's database (for tests and benchmarks)."""
        return f"{self.postgres_url}/{self.database}"

    def role_url(self, role: str, *, server: str = "") -> str:
        """The stack's database as `role` (on `server`, by default the one of postgres_url)."""
        scheme, _, rest = (server or self.postgres_url).partition("://")
        host = rest.rpartition("@")[2]
        return f"{scheme}://{role}:{ROLE_PASSWORD}@{host}/{self.database}"

    def _secret(self, name: str, make: str) -> str:
        """A key generated once per build folder and kept there (mode 600)."""
        path = self.build / "keys" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(make)
            path.chmod(0o600)
        return path.read_text().strip()

    def env(self, **overrides: str) -> dict[str, str]:
        """The production environment (docs/deployment.md), with local values."""
        from cryptography.fernet import Fernet

        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SOLIDARITY_", "STRIPE_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "solidarity.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": self._secret("django_secret_key", secrets.token_urlsafe(64)),
                "SOLIDARITY_ENCRYPTION_KEYS": self._secret("encryption_keys", Fernet.generate_key().decode()),
                # The public log's Ed25519 signing key, as a base64 32-byte seed.
                "SOLIDARITY_LOG_SIGNING_KEY": self._secret(
                    "log_signing_key", base64.b64encode(secrets.token_bytes(32)).decode()
                ),
                "SOLIDARITY_LOG_ORIGIN": f"127.0.0.1:{self.http_port}/public-log",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": self.role_url(RUNTIME_ROLE, server=self.pooler_url),
                # Behind the pooler a connection is given back after each request.
                "DATABASE_CONN_MAX_AGE": "0" if self.pooler_url else "60",
                "DATABASE_POOLER": "transaction" if self.pooler_url else "",
                "REDIS_URL": self.redis_url,
                "DJANGO_STATIC_ROOT": str(self.build / "static"),
                "DJANGO_MEDIA_ROOT": str(self.build / "media"),
                "SOLIDARITY_VAR_DIR": str(self.build / "var"),
                # Plain http on the loopback address: no https redirect, no HSTS, and
                # cookies that a browser sends over http (staff login for a try-out).
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_HSTS_SECONDS": "0",
                "DJANGO_HSTS_PRELOAD": "0",
                "DJANGO_COOKIE_SECURE": "0",
                "SOLIDARITY_PUBLIC_URL": f"http://127.0.0.1:{self.http_port}",
                # Stacks share one Redis database: each keeps its own pages and counts.
                "SOLIDARITY_CACHE_PREFIX": self.database,
                "SOLIDARITY_CLIENT_ADDRESS_HEADER": "HTTP_X_REAL_IP",
                "STRIPE_SECRET_KEY": "sk_test_prodlocal",
                "STRIPE_WEBHOOK_SECRETS": WEBHOOK_SECRET,
                "STRIPE_API_BASE": self.stripe_api_base,
                "SOLIDARITY_WEBHOOK_APPLY": self.webhook_apply,
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    # -- one-off steps ----------------------------------------------------------------------
    def manage(
        self, *args: str, check: bool = True, quiet: bool = False, role: str = "runtime"
    ) -> subprocess.CompletedProcess[str]:
        """Run a management command as the runtime role, or with `role="owner"` with
        DATABASE_OWNER_URL set (what `migrate` needs), or as the superuser (bulk loading)."""
        overrides = {
            "runtime": {},
            "owner": {"DATABASE_OWNER_URL": self.role_url(OWNER_ROLE)},
            "superuser": {"DATABASE_URL": self.database_url},
        }[role]
        return subprocess.run(
            [str(PYTHON), str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env(**overrides),
            check=check,
            text=True,
            capture_output=quiet,
        )

    def create_database(self, *, fresh: bool = False, template: str = "") -> None:
        """Create the stack's PostgreSQL database (dropping it first when `fresh`), empty or
        as a copy of `template` (a prepared database: copying is much faster than migrating)."""
        import psycopg

        with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.database]).fetchone()
            if exists and fresh:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.database]
                )
                conn.execute(f'DROP DATABASE "{self.database}"')
                exists = None
            for role in (OWNER_ROLE, RUNTIME_ROLE):
                known = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
                verb = "ALTER" if known else "CREATE"
                conn.execute(f"{verb} ROLE {role} LOGIN NOSUPERUSER PASSWORD '{ROLE_PASSWORD}'")
            if not exists:
                if template:  # a copy needs the template idle (a pooler may still hold it)
                    conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [template]
                    )
                conn.execute(
                    f'CREATE DATABASE "{self.database}" OWNER {OWNER_ROLE}'
                    + (f' TEMPLATE "{template}"' if template else "")
                )
        self._give_to_owner()

    def _give_to_owner(self) -> None:
        """Make the owner role own the database and its objects (a database from before the
        two roles, or copied from a template, may belong to the superuser)."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{self.database}" OWNER TO {OWNER_ROLE}')
            conn.execute(f"ALTER SCHEMA public OWNER TO {OWNER_ROLE}")
            tables = conn.execute(
                "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                "AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> %s",
                [OWNER_ROLE],
            ).fetchall()
            for (table,) in tables:
                conn.execute(f"ALTER TABLE {table} OWNER TO {OWNER_ROLE}")
            functions = conn.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace "
                "AND pg_get_userbyid(p.proowner) <> %s",
                [OWNER_ROLE],
            ).fetchall()
            for (function,) in functions:
                conn.execute(f"ALTER FUNCTION {function} OWNER TO {OWNER_ROLE}")

    def prepare(self, *, fresh: bool = False, demo: bool = True) -> None:
        """Database, migrations, static files and (optionally) the demo data."""
        for folder in (self.build, self.logs, self.run, self.build / "cache", self.build / "media"):
            folder.mkdir(parents=True, exist_ok=True)
        self.create_database(fresh=fresh)
        self.manage("migrate", "--noinput", quiet=True, role="owner")
        self.manage("collectstatic", "--noinput", quiet=True)
        if demo:
            result = self.manage("load_demo", quiet=True)
            (self.build / "demo-login.txt").write_text(result.stdout)

    def verify_once(self) -> None:
        """Seal the log, run the first verification and queue a worker heartbeat, as the timers
        would: /readyz needs them (prod-local runs no timers, so its heartbeat check fails
        five minutes later; `manage.py worker_heartbeat` renews it).

        Only `start` does this: the fault tests and benchmarks copy a prepared database into
        stacks with keys of their own, and some need the log unsealed."""
        self.manage("seal_log", quiet=True)
        self.manage("verify_ledger", quiet=True)
        self.manage("worker_heartbeat", quiet=True)  # the worker, started next, runs it

    # -- processes ------------------------------------------------------------------------
    def _spawn(self, name: str, command: Sequence[str], *, env: dict[str, str] | None = None) -> int:
        """Start `command` in its own session, log to logs/<name>.log, pid in run/<name>.pid."""
        self.stop_process(name)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.run.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{name}.log", "ab") as out:
            process = subprocess.Popen(
                list(command),
                cwd=ROOT,
                env=env or self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        (self.run / f"{name}.pid").write_text(str(process.pid))
        return process.pid

    def app_command(
        self, *, port: int | None = None, workers: int | None = None, server: str | None = None, wsgi: str = ""
    ) -> list[str]:
        """The app server command line, as in deploy/systemd/solidarity-app.service."""
        port = port or self.app_port
        workers = workers or self.app_workers
        server = server or self.app_server
        target = wsgi or "solidarity.wsgi:application"
        if server == "granian":
            return [
                str(VENV_BIN / "granian"),
                "--interface", "wsgi",
                "--host", "127.0.0.1",
                "--port", str(port),
                "--workers", str(workers),
                "--blocking-threads", str(self.app_threads),
                "--backlog", "2048",
                "--respawn-failed-workers",
                "--no-access-log",
                "--log-level", "warning",
                target,
            ]  # fmt: skip
        if server in ("gunicorn-sync", "gunicorn-gthread"):
            command = [
                str(VENV_BIN / "gunicorn"),
                "--config", str(ROOT / "deploy" / "app" / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers),
            ]  # fmt: skip
            if server == "gunicorn-gthread":
                command += ["--worker-class", "gthread", "--threads", str(self.app_threads)]
            else:
                command += ["--worker-class", "sync"]
            return [*command, target]
        raise ValueError(f"unknown app server {server!r}; one of {', '.join(APP_SERVERS)}")

    def start_app(
        self,
        name: str = "app",
        *,
        port: int | None = None,
        workers: int | None = None,
        server: str | None = None,
        wsgi: str = "",
        env: dict[str, str] | None = None,
    ) -> int:
        port = port or self.app_port
        # As solidarity-app.service: the worker processes count requests into one empty
        # folder, which /metrics adds up.
        metrics_dir = self.build / "metrics" / name
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env = {**(env or self.env()), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        pid = self._spawn(name, self.app_command(port=port, workers=workers, server=server, wsgi=wsgi), env=env)
        wait_for_port("127.0.0.1", port)
        return pid

    def start_worker(self, name: str = "worker") -> int:
        # At a lower CPU priority than the app server, as in solidarity-worker@.service
        # (CPUWeight=10, Nice=10): background work yields to readers and to webhooks being
        # answered. Every process here runs in a session of its own, and Linux shares the
        # CPU between sessions (autogroups) before it looks at nice values, so `nice` alone
        # changes nothing: the session's own weight is lowered as well.
        command = ["nice", "-n", str(WORKER_NICE), str(PYTHON), str(ROOT / "manage.py"), "db_worker", "--interval", "1"]
        pid = self._spawn(name, [*command, "--no-startup-delay"])
        lower_session_priority(pid, WORKER_NICE)
        return pid

    def render_nginx(self, *, upstreams: Sequence[int] | None = None) -> Path:
        """Fill deploy/nginx/solidarity.conf's placeholders and wrap it in a whole nginx.conf."""
        ports = list(upstreams or [self.app_port])
        site = TEMPLATE.read_text()
        values = {
            "CACHE_DIR": str(self.microcache_dir),
            "UPSTREAM": f"127.0.0.1:{ports[0]}",
            "HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "ONION_LISTEN": f"127.0.0.1:{self.onion_port}",
            "SERVER_NAME": "127.0.0.1 localhost",
            "LOG_DIR": str(self.logs),
            "STATIC_ROOT": str(self.build / "static"),
            "MEDIA_ROOT": str(self.build / "media"),
            "WEBHOOK_CONNECTIONS": "16" if self.webhook_apply == "worker" else "4",
        }
        for key, value in values.items():
            site = site.replace(f"@@{key}@@", value)
        extra = "".join(f"    server 127.0.0.1:{p};\n" for p in ports[1:])
        site = site.replace(f"    server 127.0.0.1:{ports[0]};\n", f"    server 127.0.0.1:{ports[0]};\n{extra}", 1)
        (self.build / "solidarity.conf").write_text(site)
        user = "root root" if os.geteuid() == 0 else ""
        main = f"""# Generated by deploy/prodlocal.py from deploy/nginx/solidarity.conf — do not edit.
{"user " + user + ";" if user else ""}
worker_processes 1;
pid {self.run}/nginx.pid;
daemon off;
error_log {self.logs}/nginx-main.log crit;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 30s;
    keepalive_requests 100000;
    client_body_temp_path {self.build}/tmp/body;
    proxy_temp_path {self.build}/tmp/proxy;
    fastcgi_temp_path {self.build}/tmp/fastcgi;
    uwsgi_temp_path {self.build}/tmp/uwsgi;
    scgi_temp_path {self.build}/tmp/scgi;
    include {self.build}/solidarity.conf;
}}
"""
        (self.build / "tmp").mkdir(parents=True, exist_ok=True)
        path = self.build / "nginx.conf"
        path.write_text(main)
        return path

    @property
    def microcache_dir(self) -> Path:
        """nginx's microcache, in memory where there is a tmpfs (as deployment.md advises):
        its copies live seconds, and a file rewritten every few seconds per page need not
        reach a disk. Measured by bench/page.py: full stack / static copy 0.75 on disk,
        0.83 in /dev/shm (one run each, same day)."""
        shm = Path("/dev/shm")
        return shm / f"solidarity-microcache-{self.database}" if shm.is_dir() else self.build / "cache"

    def start_nginx(self, *, upstreams: Sequence[int] | None = None) -> int:
        ensure_apt_packages("nginx")
        # A fresh microcache: copies kept by an earlier run would be served, stale, once.
        shutil.rmtree(self.microcache_dir, ignore_errors=True)
        conf = self.render_nginx(upstreams=upstreams)
        subprocess.run([nginx_binary(), "-t", "-q", "-p", str(self.build), "-c", str(conf)], check=True)
        pid = self._spawn("nginx", [nginx_binary(), "-p", str(self.build), "-c", str(conf)])
        wait_for_port("127.0.0.1", self.http_port)
        return pid

    def pid(self, name: str) -> int | None:
        path = self.run / f"{name}.pid"
        try:
            pid = int(path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def stop_process(self, name: str, *, timeout: float = 15.0) -> None:
        """SIGTERM the process group we started under `name`, then SIGKILL after `timeout`."""
        pid = self.pid(name)
        path = self.run / f"{name}.pid"
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and pid_alive(pid):
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
                time.sleep(0.1)
            if pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        path.unlink(missing_ok=True)

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.run.glob("*.pid")) if self.run.exists() else []

    def stop_all(self) -> None:
        # The proxy first (no new requests), then app servers, then the worker.
        order = sorted(self.names(), key=lambda n: (n != "nginx", n.startswith("worker"), n))
        for name in order:
            self.stop_process(name)
        shutil.rmtree(self.microcache_dir, ignore_errors=True)  # nothing left behind in /dev/shm

    # -- the whole stack ------------------------------------------------------------------
    def start(self, *, fresh: bool = False) -> None:
        ensure_apt_packages("nginx")
        self.prepare(fresh=fresh)
        self.verify_once()
        self.start_app()
        self.start_worker()
        self.start_nginx()
        wait_for_http(f"http://127.0.0.1:{self.http_port}/en/")


def _status(stack: Stack) -> int:
    names = stack.names()
    if not names:
        print("prod-local is not running")
        return 1
    for name in names:
        pid = stack.pid(name)
        print(f"{name:10s} {'running, pid ' + str(pid) if pid else 'not running'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--app-server", choices=APP_SERVERS, default=os.environ.get("SOLIDARITY_APP_SERVER", "granian"))
    args = parser.parse_args(argv)
    stack = Stack(app_server=args.app_server)
    if args.command == "stop":
        stack.stop_all()
        log("stopped")
        return 0
    if args.command == "status":
        return _status(stack)
    stack.start(fresh=args.fresh)
    login = (stack.build / "demo-login.txt").read_text().strip() if (stack.build / "demo-login.txt").exists() else ""
    login = login.replace("http://127.0.0.1:8000/", f"http://127.0.0.1:{stack.http_port}/")
    print(
        f"prod-local is up: http://127.0.0.1:{stack.http_port}/en/ (nginx → {stack.app_server} on "
        f"127.0.0.1:{stack.app_port}, db_worker, PostgreSQL database {stack.database}, Redis {stack.redis_url})\n"
        f"logs and pid files: {stack.build.relative_to(ROOT)}/logs, {stack.build.relative_to(ROOT)}/run\n"
        f"{login}\nstop it with: make prod-stop"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
