"""Production logs: one JSON object per line, with no client address, user agent or path.

The probe runs in a process of its own under the production settings (debug off), so the
logging configuration is the one a server really gets.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory

from solidarity.core.json_logs import JsonLogFormatter
from solidarity.deploy_check import production_environment

ROOT = Path(__file__).resolve().parents[2]
ADDRESS, FORWARDED, AGENT, PEER = "203.0.113.9", "198.51.100.4", "AgentSmith/9.9", "192.0.2.1"
SECRET_PATH = "/boom/RCPT-SECRET-1234/"

PROBE = f"""
import logging, types
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

def boom(request, code):
    raise RuntimeError(f"cannot serve {{request.path}} for {{request.META['REMOTE_ADDR']}}")

urls = types.ModuleType("probe_urls")
urls.urlpatterns = [path("boom/<str:code>/", boom, name="boom")]
with override_settings(ROOT_URLCONF=urls):
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    response = client.get("{SECRET_PATH}", REMOTE_ADDR="{ADDRESS}", HTTP_X_REAL_IP="{FORWARDED}",
                          HTTP_USER_AGENT="{AGENT}")
    assert response.status_code == 500, response.status_code
logging.getLogger("solidarity.probe").warning("peer %s refused the connection", "{PEER}")
"""


def production_env(tmp_path: Path) -> dict[str, str]:
    # SOLIDARITY_LOG_FORMAT is left out: JSON must be what debug off gives by itself.
    dropped = ("DATABASE_", "REDIS_", "SOLIDARITY_LOG_FORMAT", "SOLIDARITY_VAR_DIR")
    env = {k: v for k, v in production_environment().items() if not k.startswith(dropped)}
    return env | {
        "DJANGO_SETTINGS_MODULE": "solidarity.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "SOLIDARITY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    }


def test_production_logs_are_json_lines_without_address_agent_or_path(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert all(isinstance(line, dict) and {"time", "level", "logger", "message"} <= set(line) for line in lines)

    (error,) = [line for line in lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR" and error["status"] == 500
    assert error["message"] == "Internal Server Error: <boom>"  # the view's name, not the path
    assert "RuntimeError: cannot serve <boom> for [address]" in error["exception"]
    (warning,) = [line for line in lines if line["logger"] == "solidarity.probe"]
    assert warning["message"] == "peer [address] refused the connection"

    everything = result.stdout + result.stderr
    for leak in (ADDRESS, FORWARDED, AGENT, PEER, "RCPT-SECRET"):
        assert leak not in everything


def test_a_failure_on_the_home_address_keeps_its_traceback_readable() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        failure = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/",), failure
    )
    record.request = RequestFactory().get("/")
    record.status_code = 500
    line = json.loads(JsonLogFormatter().format(record))
    assert line["message"] == "Internal Server Error: /" and line["status"] == 500
    assert "tests/core/test_json_logs.py" in line["exception"] and "RuntimeError: boom" in line["exception"]
