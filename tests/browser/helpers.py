"""What the browser tests share: where Chromium is and where screenshots go."""

from __future__ import annotations

from pathlib import Path

# Debian's package; Playwright's own browser download cannot work here.
CHROMIUM = "/usr/bin/chromium"
# Screenshots, git-ignored, to be looked at.
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
