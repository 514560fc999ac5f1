"""Prefect's settings for the office (流程引擎设置): chosen before Prefect is first imported.

Prefect keeps its own database (flow runs, schedules) under the data root, beside the ledger, so one backup
holds both; it never phones home (air-gapped); and its own log lines go to <root>/prefect/prefect.log (prefect_logging.yml), not to
the clerk's terminal, where our progress lines and summary are what matters.
"""
from __future__ import annotations

import os
from pathlib import Path

QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no telemetry
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",  # our lines are for the terminal, not for the server's log table
    # an ephemeral API (review_batch, a flow run without a server) on a busy machine can take minutes to start:
    # waiting is right, failing the clerk's work is not
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
}
LOGGING_CONFIG = Path(__file__).with_name("prefect_logging.yml")


def configure(root: Path) -> Path:
    """Environment for Prefect; what the user set already wins. Returns Prefect's home (its database, its log)."""
    for name, value in QUIET.items():
        os.environ.setdefault(name, value)
    home = Path(os.environ.setdefault("PREFECT_HOME", str(Path(root) / "prefect")))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(LOGGING_CONFIG))
    return home
