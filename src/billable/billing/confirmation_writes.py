"""The one write path of confirmation: the rules of :mod:`billable.domain.confirmation`
as ``INSERT ... SELECT`` over the details of a set of invoices (one invoice is a set of
one).

The domain states each rule once, over :class:`~billable.domain.confirmation.Terms`;
here the same rules are evaluated on column expressions (:data:`COLUMNS`), and the
rules of a kind of detail become one statement: each rule's condition selects its rows,
its figures and the row kind's column map (:func:`_written`, :func:`_reversal`) are
their values (on PostgreSQL a ``LATERAL`` branch per rule, on SQLite a ``CASE`` per
column over the rules' numbers: the same rules, two spellings of one statement).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    func,
    insert,
    lateral,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from billable.domain.confirmation import (
    Figures,
    Rule,
    Terms,
    Written,
    corrected,
    correction_rules,
    detail_rules,
)
from billable.domain.errors import Conflict
from billable.domain.invoice import DetailSource
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE
from billable.domain.money import ZERO
from billable.domain.vocabulary import MilestoneState, ProductLineState
from billable.persistence.rows import ACTUAL_FROM_DETAIL, REVERSAL_OF_ACTUAL, WRITTEN_BY_DETAIL
from billable.persistence.tables import (
    Actual,
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    Milestone,
)

D, IL = InvoiceLineDetail, InvoiceLine
Expr = ColumnElement[Any]
SqlRule = Rule[Any, ColumnElement[bool]]


class _Columns:
    """:class:`~billable.domain.confirmation.Terms` on column expressions."""

    def always(self) -> ColumnElement[bool]:
        return true()

    def below(self, value: Expr, limit: Expr) -> ColumnElement[bool]:
        return value < limit

    def any_nonzero(self, *values: Expr) -> ColumnElement[bool]:
        return or_(*(v != 0 for v in values))

    def unless_none(self, value: Expr | None, fallback: Expr) -> Expr:
        return fallback if value is None else func.coalesce(value, fallback)


COLUMNS: Terms[Any, ColumnElement[bool]] = _Columns()


def _text(value: str) -> Expr:
    """A vocabulary member as a typed SQL string (an untyped one confuses PostgreSQL)."""
    return literal(str(value), String())


def write_confirmations(session: Session, ids: list[int]) -> None:
    """Every actual confirming invoices ``ids`` writes, and their milestones' and product
    lines' moves, inside the caller's transaction (the caller checked the invoices)."""
    linked = aliased(Actual)
    # Which kinds of detail other than actuals the set holds, read once from their own
    # index: the statement of a kind it does not hold (corrections, milestones, products
    # are rare in a run) is skipped. Reading every detail's kind cost 7 ms a chunk. The
    # details of every other kind are written by one statement, always run: a set of
    # corrective invoices alone makes it select nothing. The constant is SQL text, not a
    # parameter: a plan made for any value of a parameter could not use the index.
    actual = literal(str(DetailSource.ACTUAL), String(), literal_execute=True)
    present = set(
        session.scalars(
            select(D.source).where(D.invoice_id.in_(ids), D.source != actual).distinct()
        )
    )
    rules = detail_rules(_figures(D), D.backing_tax_share, _figures(linked), COLUMNS)
    _apply(session, rules, linked, D.actual_id, ids, D.source != DetailSource.CORRECTION)
    if DetailSource.CORRECTION in present:
        new = corrected(D.quantity, _figures(D), _figures(linked))
        rules = correction_rules(new, D.backing_tax_share, _figures(linked), COLUMNS)
        corrective = D.source == DetailSource.CORRECTION
        _apply(session, rules, linked, D.original_billed_actual_id, ids, corrective)
    if DetailSource.MILESTONE in present:
        _advance_milestones(session, ids)
    if DetailSource.PRODUCT in present:
        _advance_products(session, ids)


def _figures(row: Any) -> Figures[Any]:
    return Figures(row.quantity, row.amount, row.tax)


def _apply(
    session: Session,
    rules: tuple[SqlRule, ...],
    linked: Any,
    link: Any,
    ids: list[int],
    where: Expr,
) -> None:
    """One ``INSERT ... SELECT`` for all ``rules``, over the details of invoices ``ids``
    that ``where`` selects.

    The details, their invoice, line and linked actual are read once; each rule then
    writes a row where its condition holds, with its figures and the row kind's column
    map (:func:`_written`, :func:`_reversal`) as values. A statement per rule read the
    same join once per rule (docs/performance.md, "What bounds confirmation on
    PostgreSQL"). The join starts from the invoices, so each invoice and line is read
    once, not once a detail.
    """
    written = [
        _reversal(linked) if r.kind is Written.REVERSAL else _written(r, linked) for r in rules
    ]
    names = list(written[0])
    joined = (
        select()
        .select_from(Invoice)
        .join(IL, IL.invoice_id == Invoice.id)
        .join(D, and_(D.invoice_line_id == IL.id, D.invoice_id == Invoice.id))
        .join(linked, linked.id == link, isouter=True)
        .where(Invoice.id.in_(ids), where)
    )
    conditions = [
        and_(rule.when, linked.id.is_not(None) if rule.linked else true()) for rule in rules
    ]
    if session.get_bind().dialect.name == "postgresql":
        source = _each_rule_a_branch(joined, names, written, conditions, linked)
    else:
        source = _each_rule_a_number(joined, names, written, conditions)
    session.execute(insert(Actual).from_select(names, source))


def _each_rule_a_branch(
    joined: Any,
    names: list[str],
    written: list[dict[str, Any]],
    conditions: list[ColumnElement[bool]],
    linked: Any,
) -> Any:
    """PostgreSQL: each joined detail feeds a ``LATERAL`` union of one branch per rule,
    each branch its rule's values where its condition holds. Measured on 200 invoices
    (20,000 details), the select took 70 ms where :func:`_each_rule_a_number` took
    97 ms: that evaluates a ``CASE`` per column on every row it writes
    (docs/performance.md, "Fourth round")."""
    branches = [
        select(*(values[name].label(name) for name in names))
        .where(condition)
        .correlate(Invoice, IL, D, linked)
        for values, condition in zip(written, conditions, strict=True)
    ]
    rows = lateral(union_all(*branches), name="written")
    return joined.join(rows, true()).add_columns(*(rows.c[name] for name in names))


def _each_rule_a_number(
    joined: Any,
    names: list[str],
    written: list[dict[str, Any]],
    conditions: list[ColumnElement[bool]],
) -> Any:
    """SQLite (which has no ``LATERAL``): the joined details crossed with the rules'
    numbers (:func:`_numbered`); rule ``k``'s condition selects its rows and each
    column takes rule ``k``'s value."""
    number = _numbered(len(written))
    chosen = [
        case(*((number == k, values[name]) for k, values in enumerate(written))) for name in names
    ]
    selected = or_(*(and_(number == k, c) for k, c in enumerate(conditions)))
    return joined.join(number.table, true()).add_columns(*chosen).where(selected)


def _numbered(count: int) -> Any:
    """The column ``k`` of a derived table of the numbers ``0 .. count - 1``."""
    numbers = union_all(*(select(literal(k).label("k")) for k in range(count)))
    return numbers.subquery("rule").c.k


def _written(rule: SqlRule, linked: Any) -> dict[str, Any]:
    """The columns of a billed actual or a remainder: the detail's description, the
    rule's figures and types; only a billed actual is on the invoice."""
    assert rule.figures is not None and rule.transaction_type is not None
    on_invoice = rule.kind is Written.BILLED
    derived: dict[str, Any] = {
        "transaction_type": _text(rule.transaction_type),
        "source_kind": func.coalesce(linked.source_kind, _text(WRITTEN_BY_DETAIL)),
        "source_id": func.coalesce(linked.source_id, D.id),
        "contract_id": Invoice.contract_id,
        "contract_line_id": IL.contract_line_id,
        "quantity": rule.figures.quantity,
        "amount": rule.figures.amount,
        "tax": rule.figures.tax,
        "billing_type": D.billing_type if rule.billing_type is None else _text(rule.billing_type),
        "ready_to_invoice": literal(rule.ready_to_invoice),
        "reverses_actual_id": null(),
        "invoice_id": D.invoice_id if on_invoice else null(),
        "invoice_line_detail_id": D.id if on_invoice else null(),
    }
    assert set(derived) == set(ACTUAL_FROM_DETAIL.derived) - {"id"}
    return {**{name: getattr(D, name) for name in ACTUAL_FROM_DETAIL.copied}, **derived}


def _reversal(linked: Any) -> dict[str, Any]:
    """The columns of a reversal: the linked actual, negated, on the confirmed invoice."""
    derived: dict[str, Any] = {
        "quantity": -linked.quantity,
        "amount": -linked.amount,
        "tax": -linked.tax,
        "ready_to_invoice": literal(False),
        "reverses_actual_id": linked.id,
        "invoice_id": D.invoice_id,
        "invoice_line_detail_id": D.id,
    }
    assert set(derived) == set(REVERSAL_OF_ACTUAL.derived) - {"id"}
    return {**{name: getattr(linked, name) for name in REVERSAL_OF_ACTUAL.copied}, **derived}


def _advance_milestones(session: Session, ids: list[int]) -> None:
    """Milestones billed move to posted with their amount invoiced.

    A correction of a milestone leaves the milestone alone: the credited amount returns
    to the backlog as an unbilled actual, so re-opening it would bill it twice.
    """
    on_ids = and_(D.invoice_id.in_(ids), D.source == DetailSource.MILESTONE)
    billed = (
        select(func.coalesce(func.sum(D.amount), 0))
        .where(D.milestone_id == Milestone.id, on_ids)
        .scalar_subquery()
    )
    milestones = select(D.milestone_id).where(on_ids)
    expected = session.scalar(select(func.count()).select_from(milestones.subquery())) or 0
    invoiced = MilestoneState.CUSTOMER_INVOICE_CREATED
    moved = session.execute(
        update(Milestone)
        .where(Milestone.id.in_(milestones), Milestone.status == invoiced)
        .values(
            status=MILESTONE.target_of("confirm", invoiced),
            invoiced_amount=Milestone.invoiced_amount + billed,
            ready_amount=ZERO,
            ready_tax=ZERO,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if moved != expected:
        raise Conflict("a milestone on these invoices changed state; reload and retry")


def _advance_products(session: Session, ids: list[int]) -> None:
    """Product lines billed move on with their invoice."""
    products = select(D.product_line_id).where(
        D.invoice_id.in_(ids), D.source == DetailSource.PRODUCT
    )
    created = ProductLineState.CUSTOMER_INVOICE_CREATED
    session.execute(
        update(ContractLine)
        .where(ContractLine.id.in_(products), ContractLine.product_status == created)
        .values(product_status=PRODUCT_LINE.target_of("confirm", created))
        .execution_options(synchronize_session=False)
    )
