"""deploy/prometheus: the example alert rules and scrape configuration are valid and name
only metrics that /metrics really exposes (promtool is not available here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from solidarity.core.worker_heartbeat import worker_heartbeat_task
from solidarity.ledger.verification import record_verification
from tests.web.test_health import post_one_transaction
from tests.web.test_metrics import TOKEN, parse

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
SEVERITIES = {"page", "warning"}


def alert_rules() -> list[dict]:
    document = yaml.safe_load((PROMETHEUS / "solidarity-alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_every_alert_rule_has_the_fields_prometheus_requires() -> None:
    rules = alert_rules()
    assert len(rules) >= 8
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}, rule["alert"]
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rule["alert"])
        assert isinstance(rule["expr"], str) and rule["expr"].strip()
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
        assert re.fullmatch(r"\d+[smhd]", rule.get("for", "0s")), rule["alert"]
        assert rule["labels"]["severity"] in SEVERITIES
        assert rule["annotations"]["summary"]


def test_the_scrape_example_sends_the_bearer_token_and_loads_the_rules() -> None:
    document = yaml.safe_load((PROMETHEUS / "scrape-example.yml").read_text())
    (job,) = document["scrape_configs"]
    assert job["job_name"] == "solidarity" and job["metrics_path"] == "/metrics"
    assert job["authorization"]["type"] == "Bearer" and job["authorization"]["credentials_file"]
    assert any(path.endswith("solidarity-alerts.yml") for path in document["rule_files"])
    assert all('job="solidarity"' in rule["expr"] for rule in alert_rules() if "up{" in rule["expr"])


@pytest.mark.django_db
def test_every_metric_the_rules_name_is_one_that_metrics_exposes(settings, campaign) -> None:
    settings.SOLIDARITY_METRICS_TOKEN = TOKEN
    post_one_transaction(campaign)
    call_command("seal_log", verbosity=0)
    record_verification()
    worker_heartbeat_task.call()
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/healthz")
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    exposed = {name for name, _labels in parse(response.content.decode())}
    named = {name for rule in alert_rules() for name in re.findall(r"\bsolidarity_[a-z_]+\b", rule["expr"])}
    assert named and named <= exposed, named - exposed
