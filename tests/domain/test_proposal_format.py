"""Pure rules of formatting: print settings resolve field by field from the most specific
level; sections swap with a neighbour and never move past either end."""

from __future__ import annotations

import pytest

from billable.domain.errors import Conflict, FieldError
from billable.domain.lifecycle import PROPOSAL
from billable.domain.proposal_format import Level, moved, resolve


def test_the_most_specific_level_that_sets_a_field_wins_and_none_means_not_set() -> None:
    found = resolve(
        {
            Level.MODULE: {"report_format": "compact", "footer_text": "module"},
            Level.CUSTOMER: {"report_format": "detailed", "footer_text": None},
            Level.PROPOSAL: {"footer_text": ""},
        }
    )
    assert found.values == {"report_format": "detailed", "destination": "screen", "footer_text": ""}
    assert found.sources == {
        "report_format": "customer",
        "destination": "default",
        "footer_text": "proposal",
    }


def test_nothing_set_gives_the_built_in_defaults() -> None:
    assert resolve({}).values == {
        "report_format": "standard",
        "destination": "screen",
        "footer_text": "",
    }


def test_a_section_swaps_with_its_neighbour() -> None:
    assert moved([1, 2, 3], 3, "up") == [1, 3, 2]
    assert moved([1, 2, 3], 1, "down") == [2, 1, 3]


@pytest.mark.parametrize(("ident", "direction"), [(1, "up"), (3, "down")])
def test_a_section_cannot_move_past_either_end(ident: int, direction: str) -> None:
    with pytest.raises(Conflict) as refused:
        moved([1, 2, 3], ident, direction)
    assert refused.value.errors[0].field == "move"


def test_a_proposal_is_formatted_while_waiting_or_ready_but_not_once_posted() -> None:
    assert PROPOSAL.next_state("waiting", "format") == "waiting"
    assert PROPOSAL.next_state("ready", "format") == "ready"
    with pytest.raises(Conflict, match="cannot format an invoice proposal that is posted"):
        PROPOSAL.next_state("posted", "format")


def test_a_section_swaps_into_the_first_or_the_last_place() -> None:
    assert moved([1, 2, 3], 2, "up") == [2, 1, 3]
    assert moved([1, 2, 3], 2, "down") == [1, 3, 2]


@pytest.mark.parametrize(
    ("ident", "direction", "reason"),
    [
        (1, "up", "the section is already first; it cannot move up"),
        (3, "down", "the section is already last; it cannot move down"),
    ],
)
def test_a_move_past_an_end_says_which_end(ident: int, direction: str, reason: str) -> None:
    with pytest.raises(Conflict) as refused:
        moved([1, 2, 3], ident, direction)
    assert refused.value.detail == f"move: {reason}"
    assert refused.value.errors == (FieldError("move", reason),)
