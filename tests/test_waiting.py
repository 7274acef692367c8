"""The tests' one way to wait: on a state, with a generous bound (tests/waiting.py)."""

from __future__ import annotations

import itertools
import time

import pytest

from tests.waiting import PATIENCE, wait_until


def test_waiting_returns_the_first_answer_as_soon_as_there_is_one() -> None:
    calls = itertools.count(1)
    started = time.monotonic()
    assert wait_until(lambda: "up" if next(calls) >= 3 else None, "three probes") == "up"
    assert time.monotonic() - started < PATIENCE


def test_waiting_fails_naming_what_it_waited_for_after_its_bound() -> None:
    with pytest.raises(AssertionError, match=r"not within 0\.05 s: the server to answer"):
        wait_until(lambda: None, "the server to answer", timeout=0.05)


def test_waiting_stops_at_once_when_the_awaited_process_has_died() -> None:
    with pytest.raises(AssertionError, match="stopped before health answers"):
        wait_until(lambda: None, "health answers", alive=lambda: False)


def test_a_state_reached_just_before_the_process_ended_still_counts() -> None:
    answers = iter([None, "done"])
    assert wait_until(lambda: next(answers), "the job", alive=lambda: False) == "done"
