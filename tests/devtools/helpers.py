"""What the tests of the development tools' commands share: the checkout they run from, and
a way to look at a fresh process's Django under a given environment."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def django_process(env: dict[str, str], code: str):
    """Run `code` in a new Python process started from the checkout with `env`, after
    django.setup() (what a server started that way sees), and return the JSON-serialisable
    value it leaves in `result`."""
    script = (
        "import json, django\ndjango.setup()\n"
        + textwrap.dedent(code)
        + "\nprint(json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
