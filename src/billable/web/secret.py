"""The key that signs browser sessions: ``BILLABLE_SECRET_KEY``, or one generated once and
kept in a file beside the SQLite database (or in the working directory for a server
database), so sessions survive a restart."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from billable.persistence.db import Engine

ENV = "BILLABLE_SECRET_KEY"
FILE_NAME = "billable.secret"


def key_file(engine: Engine) -> Path:
    """Where the generated key is kept for ``engine``'s database."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        return Path(database).resolve().parent / FILE_NAME
    return Path.cwd() / FILE_NAME


def secret_key(engine: Engine) -> str:
    """The session signing key: the environment's, else the file's, else a new one
    written to the file readable by its owner only."""
    given = os.environ.get(ENV)
    if given:
        return given
    path = key_file(engine)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    # Created with 0600 before anything is written, so no other user ever reads it.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key
