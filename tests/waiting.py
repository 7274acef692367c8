"""Waiting in tests, on a shared and busy machine: on a state (a health answer, a job's
status, a process's exit), with generous bounds, never for a fixed time.

The bound only decides how long a *broken* run takes to fail; a working one returns
as soon as the state is there. ``BILLABLE_TEST_PATIENCE`` (seconds) changes it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: How long a test waits for a state before it fails: five minutes unless told.
PATIENCE = float(os.environ.get("BILLABLE_TEST_PATIENCE", "300"))


def wait_until(
    probe: Callable[[], T | None],
    what: str,
    *,
    timeout: float = PATIENCE,
    alive: Callable[[], bool] | None = None,
) -> T:
    """The first value of ``probe()`` that is not None, polled with a growing pause
    (10 ms to 0.5 s); :class:`AssertionError` naming ``what`` after ``timeout`` seconds,
    or as soon as ``alive()`` says the thing being waited on has died."""
    deadline = time.monotonic() + timeout
    pause = 0.01
    while True:
        value = probe()
        if value is not None:
            return value
        if alive is not None and not alive():
            value = probe()  # it may have finished just before it stopped
            if value is not None:
                return value
            raise AssertionError(f"stopped before {what}")
        if time.monotonic() >= deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
