"""The layers the README calls pure Python import with no Django at all.

Extraction, parsing, the taxonomy, the worker side of ingest and the search index's query and
document code run where Django is not set up (the parse workers, `parse` in a bare shell,
the benchmark's probes) and are meant to be read and tested alone. An import of a Django
module from one of them (directly, or through a package whose `__init__` loads models, as
`decisions.search` does) would make it need settings; this holds them apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PURE = [
    "decisions.extraction",
    "decisions.parsing",
    "decisions.taxonomy",
    "decisions.fingerprint",
    "decisions.preparation",
    "decisions.workers",
    "decisions.charts",
    "decisions.engine.tsquery",
    "decisions.engine.queries",
    "decisions.engine.documents",
    "decisions.engine.index",
    "devtools.synthetic",
]


@pytest.mark.parametrize("module", PURE)
def test_a_pure_layer_loads_no_django(module):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = json.loads(loaded.stdout)
    assert module in modules
    assert [name for name in modules if name.split(".")[0] == "django"] == []
