"""Production installs only what production runs: requirements/prod.in lists what solidarity/
imports (or says why a package is there without an import), prod.lock pins all of it with
hashes, and dev.lock is prod.lock plus the development tools, pin for pin."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
NOT_IMPORTED = "# not imported:"
DOTTED = re.compile(r"[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> dict[str, str]:
    """name → its comment, for each requirement line of a .in file."""
    found: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "-")):
            continue
        spec, _, comment = line.partition("#")
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec.strip())
        assert name, f"{path.name}: cannot read {raw!r}"
        found[normalise(name.group(0))] = ("#" + comment).strip() if comment else ""
    return found


def locked(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """name → (version, hashes) for each pin of a lock file; every pin must carry hashes."""
    pins: dict[str, tuple[str, frozenset[str]]] = {}
    text = path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pinned = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        assert pinned, f"{path.name}: not an exact pin: {line[:80]!r}"
        hashes = frozenset(re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
        assert hashes, f"{path.name}: {pinned.group(1)} has no --hash (run `make lock`)"
        pins[normalise(pinned.group(1))] = (pinned.group(2), hashes)
    return pins


def imported_modules(folder: Path) -> set[str]:
    """Top-level modules imported by the code under folder, leaving out `if TYPE_CHECKING:` blocks."""
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def referenced_modules(folder: Path) -> set[str]:
    """Imports, and dotted paths in strings (INSTALLED_APPS, BACKEND, MIDDLEWARE entries)."""
    modules = imported_modules(folder)
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED.fullmatch(node.value):
                modules.add(node.value.split(".")[0])
    return modules


def distributions_of(modules: set[str]) -> set[str]:
    owners = packages_distributions()
    return {normalise(dist) for module in modules for dist in owners.get(module, [])}


def test_every_production_requirement_is_used_or_says_why() -> None:
    used = distributions_of(referenced_modules(ROOT / "solidarity"))
    unexplained = [
        name
        for name, comment in requirement_lines(REQUIREMENTS / "prod.in").items()
        if name not in used and not comment.startswith(NOT_IMPORTED)
    ]
    assert unexplained == [], (
        f"requirements/prod.in: {unexplained} imported nowhere in solidarity/: remove them (and run `make lock`), "
        f"or say why after '{NOT_IMPORTED}' on their line"
    )


def test_every_import_of_the_application_is_installed_by_prod_lock() -> None:
    # deploy/ too: its scripts run on the servers, from the production environment.
    imported = imported_modules(ROOT / "solidarity") | imported_modules(ROOT / "deploy")
    third_party = imported - set(sys.stdlib_module_names) - {"solidarity", "__future__"}
    owners = packages_distributions()
    prod = locked(REQUIREMENTS / "prod.lock")
    missing = sorted(
        f"{module} ({', '.join(owners.get(module, ['no installed distribution']))})"
        for module in third_party
        if not any(normalise(dist) in prod for dist in owners.get(module, []))
    )
    assert missing == [], (
        f"solidarity/ or deploy/ imports {missing}, which requirements/prod.lock does not install: "
        "add the package to requirements/prod.in (not dev.in) and run `make lock`"
    )


def test_each_in_file_is_pinned_in_its_lock() -> None:
    for source, lock in (("prod.in", "prod.lock"), ("dev.in", "dev.lock")):
        pins = locked(REQUIREMENTS / lock)
        unpinned = sorted(set(requirement_lines(REQUIREMENTS / source)) - set(pins))
        assert unpinned == [], f"requirements/{source} lists {unpinned}, absent from {lock}: run `make lock`"


def test_dev_lock_holds_production_pin_for_pin() -> None:
    prod = locked(REQUIREMENTS / "prod.lock")
    dev = locked(REQUIREMENTS / "dev.lock")
    differing = sorted(name for name, pin in prod.items() if dev.get(name) != pin)
    assert differing == [], f"requirements/dev.lock pins {differing} unlike prod.lock: run `make lock`"
    assert set(dev) - set(prod), "dev.lock should add the development tools"


def test_production_pins_no_development_tool() -> None:
    prod = locked(REQUIREMENTS / "prod.lock")
    tools = {"pytest", "playwright", "localstripe", "schemathesis", "hypothesis", "mypy", "ruff", "pip-tools"}
    assert tools & set(prod) == set()
