"""A 机要员 account on a real data root, for tests that run the CLI as one (`--user` / $SHOUWEN_USER, issue 17
item 3): the account is made through pipelines/accounts (argon2, the ledger's own tables), the password given
to the CLI in the environment as a script would."""
from __future__ import annotations

import os
from pathlib import Path

from pipelines.accounts import Accounts
from pipelines.config import load
from pipelines.office import Office

CONFIDENTIAL_USER, CONFIDENTIAL_PASSWORD = "jiyao", "Jiyao-pass-2026"


def confidential_env(root: Path) -> dict:
    """Add the 机要员 account `jiyao` to the office at `root` (once) and return an environment acting as it."""
    with Office.open(root, load(root, environ={}), create=False) as office:
        accounts = Accounts.open(office)
        if accounts.get(CONFIDENTIAL_USER) is None:
            accounts.add(CONFIDENTIAL_USER, "confidential", CONFIDENTIAL_PASSWORD, display="李机要")
    return {**os.environ, "SHOUWEN_USER": CONFIDENTIAL_USER, "SHOUWEN_PASSWORD": CONFIDENTIAL_PASSWORD}
