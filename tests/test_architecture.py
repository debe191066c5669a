"""The dependency rules of docs/architecture.md, checked from the code itself.

import-linter (`make lint`) enforces the import contracts in pyproject.toml; these tests
add what it cannot see and check it independently:
- an app-level graph built here from every import *and* every string model reference
  ("app.Model") is acyclic and has none of the forbidden edges;
- no model of a lower app points at a model of a higher one (Django's own registry);
- views, admin modules, API endpoints and payment-provider handlers translate requests
  into service calls and never write models themselves.
"""

from __future__ import annotations

import ast
import itertools
import re
import tomllib
from collections import defaultdict
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "solidarity"
APPS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and (p / "apps.py").exists())
STRING_MODEL = re.compile(r"([a-z_]+)\.([A-Z][A-Za-z0-9]+)")


def _layers() -> dict[str, int]:
    """App name → layer number (0 = core) from the layers contract in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (layered,) = [c for c in contracts if c["type"] == "layers"]
    rank = {}
    for number, layer in enumerate(reversed(layered["layers"])):
        for module in re.split(r"[|:]", layer):
            rank[module.strip().removeprefix("solidarity.")] = number
    return rank


def _modules(app: str):
    for path in sorted((PACKAGE / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _graph() -> dict[str, dict[str, list[str]]]:
    """source app → target app → where (file:line), counting imports and "app.Model" strings."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app in APPS:
        for path, tree in _modules(app):
            where = path.relative_to(ROOT)
            for node in ast.walk(tree):
                targets = []
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
                for name in targets:
                    parts = name.split(".")
                    if parts[0] == "solidarity" and len(parts) > 1 and parts[1] in APPS and parts[1] != app:
                        edges[app][parts[1]].append(f"{where}:{node.lineno}")
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    match = STRING_MODEL.fullmatch(node.value)
                    if match and match.group(1) in APPS and match.group(1) != app:
                        edges[app][match.group(1)].append(f"{where}:{node.lineno} ({node.value!r})")
    return edges


def test_the_apps_form_a_directed_acyclic_graph() -> None:
    edges = _graph()
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(app: str) -> None:
        state[app] = "open"
        stack.append(app)
        for target in sorted(edges[app]):
            if state.get(target) == "open":
                cycle = [*stack[stack.index(target) :], target]
                detail = {f"{a} → {b}": edges[a][b][:2] for a, b in itertools.pairwise(cycle)}
                raise AssertionError(f"cycle {' → '.join(cycle)}: {detail}")
            if target not in state:
                visit(target)
        stack.pop()
        state[app] = "done"

    for app in APPS:
        if app not in state:
            visit(app)


FORBIDDEN = {
    "ledger": {"campaigns", "donations", "payments", "disbursements", "transparency", "publiclog"},
    "core": set(APPS) - {"core"},
    "donations": {"payments"},
    "campaigns": {"payments", "donations"},
}


def test_no_forbidden_dependency() -> None:
    edges = _graph()
    found = {
        f"{source} → {target}": edges[source][target][:3]
        for source, targets in FORBIDDEN.items()
        for target in targets
        if edges[source].get(target)
    }
    assert not found


def test_every_app_dependency_points_down_the_layers() -> None:
    rank = _layers()
    assert set(APPS) <= set(rank), f"apps missing from the layers contract: {set(APPS) - set(rank)}"
    upward = {
        f"{source} → {target}": places[:3]
        for source, targets in _graph().items()
        for target, places in targets.items()
        if rank[target] > rank[source]
    }
    assert not upward


def test_no_model_of_a_lower_app_references_a_model_of_a_higher_one() -> None:
    rank = _layers()
    upward = []
    for model in apps.get_models():
        source = model.__module__.split(".")[1] if model.__module__.startswith("solidarity.") else None
        if source is None:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            module = field.related_model.__module__
            if not module.startswith("solidarity."):
                continue
            target = module.split(".")[1]
            if rank[target] > rank[source]:
                upward.append(f"{model._meta.label}.{field.name} → {field.related_model._meta.label}")
    assert not upward


# Modules that only translate HTTP (or a provider's callback) into service calls.
def _translating_modules() -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        parts = relative.parts
        if "migrations" in parts or "management" in parts:
            continue
        if (
            parts[0] == "web"
            or (parts[0] == "api" and (path.stem == "api" or path.stem.startswith(("public_", "staff_"))))
            or path.stem.startswith("admin")
            or path.stem in ("views", "webhooks", "stripe_handlers")
            or (parts[0] == "payments" and "providers" in parts)
        ):
            found.append(path)
    return found


WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET = re.compile(r"\.objects\b|\.(filter|exclude|all|select_for_update)\(")
# Receivers that are not models, each with the reason.
NOT_MODELS = {
    "super()": "a form or admin delegating to Django's own implementation",
    "image": "a Pillow image written to a buffer (web/share_images.py)",
}
SDK_CALL = re.compile(r"(^|\.)v1\.")  # the Stripe SDK's client.v1.<resource>.create(...)


def test_views_admin_api_and_provider_handlers_do_not_write_models() -> None:
    writes = []
    for path in _translating_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = ast.unparse(node.func.value)
            name = node.func.attr
            model_write = (name in WRITES and receiver not in NOT_MODELS and not SDK_CALL.search(receiver + ".")) or (
                name == "update" and QUERYSET.search(receiver)
            )
            if model_write:
                writes.append(f"{path.relative_to(ROOT)}:{node.lineno}: {receiver}.{name}(…)")
    assert len(_translating_modules()) > 20
    assert not writes, "call a service instead:\n" + "\n".join(writes)
