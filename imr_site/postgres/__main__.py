"""`python -m imr_site.postgres stop`: stop the embedded server of this checkout."""

import sys
from pathlib import Path

from .server import stop_server

if sys.argv[1:] != ["stop"]:
    sys.exit("usage: python -m imr_site.postgres stop")
stop_server(str(Path(__file__).resolve().parents[2] / ".pgdata"))
