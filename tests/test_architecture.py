"""Apps depend one way, read from the code itself with `ast` (every import, function-local ones included).

The order, lowest first. An app may import the apps below it, never one above: a lower app that
must tell a higher one something offers a hook table the higher app fills at AppConfig.ready()
(petitions/hooks.py). `demo` seeds every app, so it sits on top.
"""

import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ORDER = ["core", "deadlines", "petitions", "reception", "dialogues", "oversight", "demo"]
RANK = {app: rank for rank, app in enumerate(ORDER)}


def _is_seeding_command(path: pathlib.Path) -> bool:
    # The benchmark and seeding commands (bench_*, seed_*) build a whole portal (units, staff,
    # petitions, visits) in bulk SQL, like the demo data; they are tools run by hand, not code any
    # request or task reaches.
    return "management" in path.parts and path.name.startswith(("bench_", "seed_"))


def _modules():
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield app, path


def _imports(path: pathlib.Path) -> list[tuple[int, str]]:
    """Every imported module name, relative imports resolved against the module's own package."""
    module = list(path.relative_to(ROOT).with_suffix("").parts)
    package = module[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from . import services` imports a module named in the alias.
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def _where(path, line):
    return f"{path.relative_to(ROOT)}:{line}"


def test_the_order_names_every_app_in_the_project():
    """A new app must be placed in the order before its imports can be checked."""
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps == set(ORDER), f"place these apps in ORDER: {sorted(apps - set(ORDER))}"


def test_apps_import_only_apps_below_them():
    wrong = []
    for app, path in _modules():
        if _is_seeding_command(path):
            continue
        for line, name in _imports(path):
            target = name.split(".")[0]
            if target in RANK and RANK[target] > RANK[app]:
                wrong.append(f"{_where(path, line)}: {app} imports {name} (above it)")
    assert not wrong, "\n".join(wrong)


def test_core_imports_no_app():
    wrong = [
        f"{_where(path, line)}: {name}"
        for app, path in _modules()
        if app == "core"
        for line, name in _imports(path)
        if name.split(".")[0] in RANK and name.split(".")[0] != "core"
    ]
    assert not wrong, "\n".join(wrong)


def test_no_two_apps_import_each_other():
    edges: dict[tuple[str, str], str] = {}
    for app, path in _modules():
        if _is_seeding_command(path):
            continue
        for line, name in _imports(path):
            target = name.split(".")[0]
            if target in RANK and target != app:
                edges.setdefault((app, target), _where(path, line))
    cycles = [f"{a} ⇄ {b}: {edges[(a, b)]} and {edges[(b, a)]}" for (a, b) in edges if a < b and (b, a) in edges]
    assert not cycles, "\n".join(cycles)


def _is_services(name: str) -> bool:
    last = name.split(".")[-1]
    return last == "services" or last.startswith("services_")


def test_selectors_never_import_services():
    """Reads never reach writes: a selector needing a helper of the services moves the helper down."""
    wrong = []
    for _app, path in _modules():
        if not (path.stem == "selectors" or path.stem.startswith("selectors_")):
            continue
        wrong += [f"{_where(path, line)}: {name}" for line, name in _imports(path) if _is_services(name)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from petitions.models import Kind", "petitions.models"),
        ("def f():\n    from reception import selectors", "reception.selectors"),
        ("import oversight.views", "oversight.views"),
    ],
)
def test_the_reader_sees_every_kind_of_import(tmp_path, source, expected, monkeypatch):
    """The checks above are only as good as the reader: top-level, function-local, plain imports."""
    app = tmp_path / "core"
    app.mkdir()
    module = app / "probe.py"
    module.write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert any(name.startswith(expected) for _line, name in _imports(module))
