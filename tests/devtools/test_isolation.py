"""Production does not load the development tools.

devtools is left out of the distribution (pyproject.toml) and of production's INSTALLED_APPS:
an import of it from the app would fail on a server installed from the package, and would load
the generator's vocabulary into every worker.
"""

from __future__ import annotations

import ast
from pathlib import Path

from devtools.management.commands.benchmark import production_environment

from .helpers import ROOT, django_process

PRODUCTION_PACKAGES = ("decisions", "imr_site")
DEVTOOLS_COMMANDS = {"generate_corpus", "benchmark", "probe_engine"}

# What a process loads with every URL, the WSGI application and every management command.
LOAD_EVERYTHING = """
    import sys
    import imr_site.urls, imr_site.wsgi
    from django.core.management import get_commands, load_command_class
    commands = get_commands()
    for name, app in commands.items():
        load_command_class(app, name)
    result = {
        "devtools_modules": sorted(m for m in sys.modules if m.split(".")[0] == "devtools"),
        "commands": sorted(commands),
    }
"""


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_production_module_imports_devtools():
    importing = sorted(
        str(path.relative_to(ROOT))
        for package in PRODUCTION_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if any(name.split(".")[0] == "devtools" for name in imported_modules(path))
    )
    assert importing == []


def test_production_loads_no_devtools_module(tmp_path: Path):
    production = production_environment(
        "postgres://postgres@127.0.0.1:5432/imr_never_connected", tmp_path, tmp_path / "index"
    )
    loaded = django_process(production, LOAD_EVERYTHING)
    assert loaded["devtools_modules"] == []
    assert DEVTOOLS_COMMANDS.isdisjoint(loaded["commands"]) and "ingest" in loaded["commands"]
    # The same process with the development settings has them: the check sees them when they
    # are there.
    development = django_process(
        {**production, "DJANGO_SETTINGS_MODULE": "imr_site.settings.development"}, LOAD_EVERYTHING
    )
    assert "devtools.synthetic" in development["devtools_modules"]
    assert set(development["commands"]) >= DEVTOOLS_COMMANDS
