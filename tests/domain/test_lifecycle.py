"""Lifecycles as tables: every allowed step reaches its target, every other step is refused."""

from __future__ import annotations

import pytest

from billable.domain.errors import Conflict
from billable.domain.lifecycle import (
    ENTRY,
    INVOICE,
    INVOICE_PAYMENT,
    MILESTONE,
    PRODUCT_LINE,
    Lifecycle,
    Transition,
)

LIFECYCLES = {
    "entry": ENTRY,
    "invoice": INVOICE,
    "invoice_payment": INVOICE_PAYMENT,
    "milestone": MILESTONE,
    "product_line": PRODUCT_LINE,
}


def _allowed_cases() -> list[object]:
    return [
        pytest.param(lifecycle, t, id=f"{key}:{t.source}-{t.action}")
        for key, lifecycle in LIFECYCLES.items()
        for t in lifecycle.transitions
    ]


def _refused_cases() -> list[object]:
    cases: list[object] = []
    for key, lifecycle in LIFECYCLES.items():
        actions = {t.action for t in lifecycle.transitions} | {"delete", "frobnicate"}
        for state in sorted(lifecycle.states()):
            for action in sorted(actions - lifecycle.actions_from(state)):
                cases.append(pytest.param(lifecycle, state, action, id=f"{key}:{state}-{action}"))
    return cases


@pytest.mark.parametrize(("lifecycle", "transition"), _allowed_cases())
def test_an_allowed_action_reaches_the_tables_target(
    lifecycle: Lifecycle, transition: Transition
) -> None:
    assert lifecycle.next_state(transition.source, transition.action) == transition.target


@pytest.mark.parametrize(("lifecycle", "state", "action"), _refused_cases())
def test_a_disallowed_action_is_a_conflict_naming_what_is_allowed(
    lifecycle: Lifecycle, state: str, action: str
) -> None:
    with pytest.raises(Conflict) as refused:
        lifecycle.next_state(state, action)
    message = refused.value.detail
    assert message.startswith(f"cannot {action} ")
    assert f"that is {state}" in message
    allowed = sorted(lifecycle.actions_from(state))
    if allowed:
        assert message.endswith(f"; allowed: {', '.join(allowed)}")
    else:
        assert message.endswith("; it allows no action")


def test_a_state_unknown_to_the_table_allows_nothing() -> None:
    with pytest.raises(Conflict, match="it allows no action"):
        INVOICE.next_state("archived", "edit")


@pytest.mark.parametrize("key", sorted(LIFECYCLES))
def test_each_table_is_deterministic(key: str) -> None:
    lifecycle = LIFECYCLES[key]
    pairs = [(t.source, t.action) for t in lifecycle.transitions]
    assert len(pairs) == len(set(pairs))


def test_the_conflict_message_reads_as_a_sentence() -> None:
    with pytest.raises(Conflict) as refused:
        INVOICE.next_state("confirmed", "edit")
    assert refused.value.detail == "cannot edit an invoice that is confirmed; allowed: correct"
    with pytest.raises(Conflict) as refused:
        MILESTONE.next_state("not_ready", "confirm")
    assert (
        refused.value.detail == "cannot confirm a milestone that is not_ready; allowed: mark_ready"
    )
    with pytest.raises(Conflict) as refused:
        ENTRY.next_state("approved", "edit")
    assert refused.value.detail == "cannot edit an entry that is approved; it allows no action"


def test_a_confirmed_invoice_allows_only_correcting() -> None:
    assert INVOICE.actions_from("confirmed") == {"correct"}
    for action in ("edit", "review", "reopen", "confirm"):
        with pytest.raises(Conflict, match="allowed: correct"):
            INVOICE.next_state("confirmed", action)


def test_no_transition_leaves_confirmed_for_another_state() -> None:
    leaving = [t for t in INVOICE.transitions if t.source == "confirmed"]
    assert leaving
    assert all(t.target == "confirmed" for t in leaving)
    assert INVOICE.next_state("confirmed", "correct") == "confirmed"


def test_only_confirming_reaches_confirmed() -> None:
    into = {(t.source, t.action) for t in INVOICE.transitions if t.target == "confirmed"}
    assert into == {("draft", "confirm"), ("in_review", "confirm"), ("confirmed", "correct")}


def test_draft_and_in_review_invoices_are_editable_and_keep_their_state() -> None:
    assert INVOICE.next_state("draft", "edit") == "draft"
    assert INVOICE.next_state("in_review", "edit") == "in_review"
    assert INVOICE.next_state("draft", "review") == "in_review"
    assert INVOICE.next_state("in_review", "reopen") == "draft"


def test_an_entry_goes_from_draft_through_rejection_to_approval() -> None:
    state = "draft"
    for action in ("edit", "submit", "reject", "edit", "submit", "recall", "submit", "approve"):
        state = ENTRY.next_state(state, action)
    assert state == "approved"
    assert ENTRY.actions_from("approved") == set()


def test_a_milestone_follows_the_statuses_of_the_rules() -> None:
    state = "not_ready"
    path = []
    for action in ("mark_ready", "invoice", "uninvoice", "invoice", "confirm"):
        state = MILESTONE.next_state(state, action)
        path.append(state)
    assert path == [
        "ready_to_invoice",
        "customer_invoice_created",
        "ready_to_invoice",
        "customer_invoice_created",
        "customer_invoice_posted",
    ]


def test_a_posted_product_line_is_final() -> None:
    assert PRODUCT_LINE.actions_from("customer_invoice_posted") == set()
    with pytest.raises(Conflict, match="it allows no action"):
        PRODUCT_LINE.next_state("customer_invoice_posted", "mark_ready")


def test_paying_and_unpaying_toggle_the_payment_status() -> None:
    assert INVOICE_PAYMENT.next_state("active", "pay") == "paid"
    assert INVOICE_PAYMENT.next_state("paid", "unpay") == "active"
    with pytest.raises(Conflict, match="allowed: unpay"):
        INVOICE_PAYMENT.next_state("paid", "pay")


@pytest.mark.parametrize("key", sorted(LIFECYCLES))
def test_the_sources_of_an_action_are_exactly_the_states_that_allow_it(key: str) -> None:
    lifecycle = LIFECYCLES[key]
    for action in {t.action for t in lifecycle.transitions}:
        sources = lifecycle.sources_of(action)
        assert sources == {s for s in lifecycle.states() if action in lifecycle.actions_from(s)}
        for state in lifecycle.states():
            if state in sources:
                assert lifecycle.target_of(action, state) == lifecycle.next_state(state, action)
            else:
                with pytest.raises(Conflict):
                    lifecycle.target_of(action, state)


def test_only_draft_and_in_review_invoices_can_be_confirmed() -> None:
    assert INVOICE.sources_of("confirm") == {"draft", "in_review"}
    assert INVOICE.sources_of("correct") == {"confirmed"}


# --- lifecycles built at run time (the tables above are built at import) --------------

DOOR = (("closed", "open", "opened"), ("opened", "close", "closed"), ("closed", "lock", "locked"))


def test_a_lifecycle_is_built_from_its_rows_in_order() -> None:
    door = Lifecycle.of("door", *DOOR)
    assert door == Lifecycle("door", tuple(Transition(*row) for row in DOOR))
    assert door.next_state("closed", "lock") == "locked"


def test_the_states_are_every_source_and_every_target() -> None:
    # "locked" is only a target: an intersection of sources and targets would drop it.
    assert Lifecycle.of("door", *DOOR).states() == {"closed", "opened", "locked"}
    assert Lifecycle.of("trip", ("booked", "go", "gone")).states() == {"booked", "gone"}


@pytest.mark.parametrize(
    ("name", "article"), [("ox cart", "an"), ("X-ray", "a"), ("umbrella", "an"), ("door", "a")]
)
def test_the_article_follows_the_first_letter_of_the_name(name: str, article: str) -> None:
    with pytest.raises(Conflict) as refused:
        Lifecycle.of(name, *DOOR).next_state("locked", "open")
    assert (
        refused.value.detail == f"cannot open {article} {name} that is locked; it allows no action"
    )
