"""deploy/upgrade.py: an upgrade checks, migrates, collects static files, switches the
release and restarts one process at a time; a rollback switches back. systemd cannot run
here, so its commands are recorded; the release symlinks are switched for real."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import upgrade  # noqa: E402

WORKERS = "solidarity-worker@1.service loaded active running w1\nsolidarity-worker@2.service loaded active running w2\n"


class Recorder:
    def __init__(self, fail_on: str | None = None) -> None:
        self.commands: list[str] = []
        self.fail_on = fail_on

    def __call__(self, command: Sequence[str]) -> str:
        line = " ".join(command)
        self.commands.append(line)
        if self.fail_on and self.fail_on in line:
            raise upgrade.UpgradeFailed(f"{line} exited with 1")
        return WORKERS if "list-units" in line else ""

    def index(self, fragment: str) -> int:
        return next(i for i, line in enumerate(self.commands) if fragment in line)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for name in ("old", "new"):
        (tmp_path / "releases" / name).mkdir(parents=True)
        (tmp_path / "releases" / name / "manage.py").write_text("")
    (tmp_path / "app").symlink_to(tmp_path / "releases" / "old")
    return tmp_path


def machine(site: Path, run: Recorder, answers: list[int] | None = None) -> upgrade.Machine:
    replies = iter(answers or [200])
    return upgrade.Machine(base=site, run=run, ready=lambda: next(replies), ready_timeout=5)


def test_upgrade_checks_migrates_and_switches_before_restarting_one_at_a_time(site: Path) -> None:
    run = Recorder()
    machine(site, run, answers=[503, 200]).upgrade(site / "releases" / "new")

    assert (site / "app").resolve() == site / "releases" / "new"
    assert (site / "previous").resolve() == site / "releases" / "old"
    order = [
        run.index("prod-install PROD_VENV=" + str(site / "releases" / "new" / ".venv")),
        run.index("manage.py check --deploy --fail-level WARNING"),
        run.index("manage.py migrate --noinput"),
        run.index("manage.py collectstatic --noinput"),
        run.index("restart solidarity-worker@1.service"),
        run.index("restart solidarity-worker@2.service"),
        run.index("restart solidarity-app.service"),
        run.index("start solidarity-cron@verify_ledger.service"),
    ]
    assert order == sorted(order)
    migrate = run.commands[run.index("manage.py migrate")]
    assert "EnvironmentFile=/etc/solidarity/owner.env" in migrate  # as the owner, like solidarity-migrate
    assert "EnvironmentFile=/etc/solidarity/owner.env" not in run.commands[run.index("collectstatic")]
    assert f"--working-directory={site / 'releases' / 'new'}" in migrate  # the new code migrates


def test_a_failed_check_changes_nothing_the_site_runs(site: Path) -> None:
    run = Recorder(fail_on="check --deploy")
    with pytest.raises(upgrade.UpgradeFailed):
        machine(site, run).upgrade(site / "releases" / "new")
    assert (site / "app").resolve() == site / "releases" / "old"
    assert not any("migrate" in line or "restart" in line for line in run.commands)


def test_an_app_that_never_gets_ready_fails_the_upgrade(site: Path) -> None:
    m = machine(site, Recorder(), answers=[503] * 100)
    m.ready_timeout = 0.5
    with pytest.raises(upgrade.UpgradeFailed, match="/readyz answered 503"):
        m.upgrade(site / "releases" / "new")


def test_other_machines_skip_the_migrations(site: Path) -> None:
    run = Recorder()
    machine(site, run).upgrade(site / "releases" / "new", migrate=False)
    assert not any("migrate" in line for line in run.commands)


def test_rollback_goes_back_to_the_previous_release_and_restarts(site: Path) -> None:
    machine(site, Recorder()).upgrade(site / "releases" / "new")
    run = Recorder()
    machine(site, run).rollback()
    assert (site / "app").resolve() == site / "releases" / "old"
    assert (site / "previous").resolve() == site / "releases" / "new"
    assert run.index("check --deploy") < run.index("restart solidarity-app.service")


def test_a_first_install_folder_is_refused_with_how_to_convert_it(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "releases" / "new").mkdir(parents=True)
    (tmp_path / "releases" / "new" / "manage.py").write_text("")
    with pytest.raises(upgrade.UpgradeFailed, match="is a folder, not a symlink"):
        machine(tmp_path, Recorder()).upgrade(tmp_path / "releases" / "new")


def test_dry_run_prints_every_step_and_changes_nothing(site: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "upgrade.py"), "upgrade", str(site / "releases" / "new"),
         "--base", str(site), "--dry-run"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "manage.py migrate --noinput" in result.stdout
    assert "systemctl restart solidarity-app.service" in result.stdout
    assert (site / "app").resolve() == site / "releases" / "old"


def test_every_unit_it_starts_is_shipped_in_deploy_systemd() -> None:
    units = {path.name for path in (ROOT / "deploy" / "systemd").iterdir()}
    for unit in (upgrade.APP_UNIT, upgrade.WORKERS.replace("*", ""), "solidarity-cron@.service"):
        assert unit in units


def test_the_readiness_probe_asks_as_nginx_does_and_reads_the_status(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[dict[str, str]] = []
    statuses = iter([503, 200])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({"host": self.headers["Host"], "proto": self.headers["X-Forwarded-Proto"], "path": self.path})
            self.send_response(next(statuses))
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/readyz"
        assert upgrade.probe(url, "donate.example.org") == 503
        assert upgrade.probe(url, "donate.example.org") == 200
    finally:
        server.shutdown()
    assert seen[0] == {"host": "donate.example.org", "proto": "https", "path": "/readyz"}
    assert upgrade.probe("http://127.0.0.1:9/readyz", "x") == 0  # nothing listening


def test_the_probe_uses_the_first_allowed_host_of_the_environment_file(tmp_path: Path) -> None:
    env = tmp_path / "solidarity.env"
    env.write_text("DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS='donate.example.org, www.example.org'\n")
    assert upgrade.allowed_host(env) == "donate.example.org"
    assert upgrade.allowed_host(tmp_path / "missing.env") == "localhost"
