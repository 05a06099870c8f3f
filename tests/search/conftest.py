from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def seeds(letters_dir):
    """The three fixture letters, ingested."""
    call_command("ingest", str(letters_dir), "--workers=1")
