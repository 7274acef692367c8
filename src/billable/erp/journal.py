"""The Project Operations integration journal (seed 003): import cost and unbilled sales
actuals from staging into a draft journal, review its lines' tax groups and financial
dimensions, and distribute a line's amount over dimension sets.

Posting lives in :mod:`billable.erp.journal_posting`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, exists, or_, select, text
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.dimensions import DistributedPart, distribute, share_dimensions
from billable.domain.errors import Conflict, DomainError
from billable.domain.lifecycle import JOURNAL
from billable.domain.money import ZERO
from billable.domain.vocabulary import ActualType, JournalState
from billable.erp import defaults as erp_defaults
from billable.erp import fields as erp_fields
from billable.erp.setup import default_legal_entity
from billable.persistence.lookups import get, insert_rows, ref
from billable.persistence.tables import (
    Actual,
    Contract,
    Customer,
    IntegrationJournal,
    IntegrationJournalLine,
    LegalEntity,
    Product,
    Project,
    TransactionCategory,
)
from billable.persistence.uow import UnitOfWork

#: The actuals the journal takes: cost and unbilled sales (reversals never).
JOURNALED_TYPES = (ActualType.COST, ActualType.UNBILLED_SALES)
#: The two kinds of journal line (and of the posted transaction each leaves): a cost
#: line journals a cost actual, so it takes the actual type's word; a sales line
#: journals unbilled sales.
COST_LINE, SALES_LINE = ActualType.COST, "sales"
#: The advisory lock key imports from staging queue on (PostgreSQL).
IMPORT_LOCK = 4_003_001
NOTHING_TO_IMPORT = "nothing to import: every cost and unbilled sales actual is journaled"


def _entity(session: Session, legal_entity_id: str | None) -> LegalEntity:
    if legal_entity_id is None:
        return default_legal_entity(session)
    return ref(session, LegalEntity, legal_entity_id, "legal_entity_id", "legal entity")


#: Actuals a transaction of import from staging journals (each commits whole).
IMPORT_CHUNK = 5_000
#: What a journal line takes from its actual.
_STAGED = (
    "id",
    "transaction_type",
    "transaction_class",
    "project_id",
    "contract_id",
    "resource_id",
    "date",
    "quantity",
    "amount",
    "currency",
)


def _staged(session: Session, entity: LegalEntity, after: int, limit: int) -> list[Any]:
    """Up to ``limit`` cost and unbilled sales actuals of the entity's projects not on
    any journal line, ids above ``after``, in id order, each with the master data its
    tax groups and dimensions default from (one query)."""
    default = default_legal_entity(session)
    in_entity = Project.legal_entity_id == entity.id
    if entity.id == default.id:
        in_entity = or_(in_entity, Project.legal_entity_id.is_(None))
    journaled = exists().where(IntegrationJournalLine.actual_id == Actual.id)
    # The billed customer: the contract's, else the project's (as the defaults say).
    billed = case((Contract.id.is_not(None), Contract.customer_id), else_=Project.customer_id)
    stmt = (
        select(
            *(getattr(Actual, name) for name in _STAGED),
            Project.sales_tax_group.label("project_group"),
            Project.dimensions.label("project_dimensions"),
            Contract.sales_tax_group.label("contract_group"),
            Customer.sales_tax_group.label("customer_group"),
            TransactionCategory.item_sales_tax_group.label("category_group"),
            Product.item_sales_tax_group.label("product_group"),
        )
        .join(Project, Project.id == Actual.project_id)
        .outerjoin(Contract, Contract.id == Actual.contract_id)
        .outerjoin(Customer, Customer.id == billed)
        .outerjoin(TransactionCategory, TransactionCategory.id == Actual.category_id)
        .outerjoin(Product, Product.id == Actual.product_id)
        .where(
            Actual.transaction_type.in_(JOURNALED_TYPES),
            Actual.reverses_actual_id.is_(None),
            in_entity,
            Actual.id > after,
            ~journaled,
        )
        .order_by(Actual.id)
        .limit(limit)
    )
    return list(session.execute(stmt).all())


def _line(row: Any, defaults: erp_defaults.Defaults, journal_id: int) -> dict[str, Any]:
    """The journal line of one staged actual: the defaults' tax groups (sales lines)
    and the project's dimensions."""
    actual = row
    cost = actual.transaction_type == ActualType.COST
    sales_group = item_group = None
    if not cost:
        groups = (row.project_group, row.contract_group, row.customer_group)
        sales_group = defaults.sales_group(*groups)
        item_group = defaults.item_group(
            actual.transaction_class, row.category_group, row.product_group
        )
    return {
        "journal_id": journal_id,
        "actual_id": actual.id,
        "kind": COST_LINE if cost else SALES_LINE,
        "transaction_class": actual.transaction_class,
        "project_id": actual.project_id,
        "contract_id": actual.contract_id,
        "resource_id": actual.resource_id,
        "date": actual.date,
        "quantity": actual.quantity,
        "cost_amount": actual.amount if cost else ZERO,
        "sales_amount": ZERO if cost else actual.amount,
        "currency": actual.currency,
        "sales_tax_group": sales_group,
        "item_sales_tax_group": item_group,
        "dimensions": dict(row.project_dimensions or {}),
        "distribution": None,
    }


def _queue_imports(session: Session) -> None:
    """Make concurrent imports take turns until commit. PostgreSQL: a transaction-level
    advisory lock (the legal entity itself may not exist yet: the default one is made on
    first use); SQLite: every transaction begins IMMEDIATE, writers queue already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def _import_chunk(
    session: Session, entity: LegalEntity, journal_id: int | None, after: int, chunk: int
) -> tuple[int | None, list[Any]]:
    """Journal the next ``chunk`` staged actuals above ``after``: (the journal, made on
    the first chunk; the actuals journaled, none when none was left)."""
    rows = _staged(session, entity, after, chunk)
    if not rows:
        return journal_id, rows
    if journal_id is None:
        journal = IntegrationJournal(legal_entity_id=entity.id, status=JournalState.DRAFT)
        session.add(journal)
        session.flush()
        journal_id = journal.id
    defaults = erp_defaults.Defaults.read(session)
    lines = [_line(r, defaults, journal_id) for r in rows]
    insert_rows(session, IntegrationJournalLine, lines)
    return journal_id, rows


def import_from_staging(
    uow: UnitOfWork,
    legal_entity_id: str | None = None,
    chunk: int = IMPORT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Gather every cost and unbilled sales actual of the entity's projects not yet
    journaled into a new draft journal, one line per actual; returns its id.

    Set-based, ``chunk`` actuals a transaction: each chunk reads its actuals with their
    master data in one query and inserts its lines in one statement, and commits whole,
    so a kill leaves whole chunks and a rerun journals the rest (into a new journal; an
    actual is journaled once, the unique ``actual_id`` of journal lines the backstop).
    ``progress(lines)`` runs inside each chunk's transaction, before its commit.
    Concurrent imports take turns (:func:`_queue_imports`), so a second one sees the
    first one's lines. Nothing to import is a :class:`Conflict` (409) and writes no
    empty journal.
    """
    journal_id: int | None = None
    after, lines = 0, 0
    while True:
        with uow:
            session = uow.session
            _queue_imports(session)
            entity = _entity(session, legal_entity_id)
            journal_id, rows = _import_chunk(session, entity, journal_id, after, chunk)
            if journal_id is None:
                raise Conflict(NOTHING_TO_IMPORT)
            if not rows:
                return journal_id
            lines += len(rows)
            if progress:
                progress(lines)
            uow.commit()
        after = rows[-1].id


def _editable_line(session: Session, line_id: str) -> IntegrationJournalLine:
    line = get(session, IntegrationJournalLine, line_id, "integration journal line")
    journal = get(session, IntegrationJournal, line.journal_id, "integration journal", lock=True)
    JOURNAL.next_state(journal.status, "edit")
    if line.exchange_rate is not None:  # a journal part posted when its posting stopped
        raise Conflict(f"integration journal line {line.id} is posted: it can no longer change")
    return line


def update_line(uow: UnitOfWork, line_id: str, fields: Mapping[str, Any]) -> None:
    """Change a draft line's billing tax groups (``None`` clears) and dimensions."""
    with uow:
        session = uow.session
        line = _editable_line(session, line_id)
        # The same checks as the groups and dimensions of master data.
        if "sales_tax_group" in fields:
            erp_fields.sales_tax_group(session, fields["sales_tax_group"])
            line.sales_tax_group = fields["sales_tax_group"]
        if "item_sales_tax_group" in fields:
            erp_fields.item_sales_tax_group(session, fields["item_sales_tax_group"])
            line.item_sales_tax_group = fields["item_sales_tax_group"]
        if "dimensions" in fields:
            line.dimensions = erp_fields.dimensions(session, fields["dimensions"]) or {}
        uow.commit()


def line_amount(line: IntegrationJournalLine) -> Decimal:
    """The amount a line posts: its cost amount, or its sales amount."""
    return line.cost_amount if line.kind == COST_LINE else line.sales_amount


def split(
    session: Session,
    amount: Decimal,
    code: str,
    shares: Sequence[Mapping[str, Any]],
    kept: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], tuple[DistributedPart, ...]]:
    """Checked shares ``[{percent, dimensions}]`` as stored, and the parts of ``amount``;
    each share keeps the dimensions of ``kept`` it does not name."""
    stored: list[dict[str, Any]] = []
    base = erp_defaults.dimensions_of(kept)
    for i, share in enumerate(shares):
        field = f"shares[{i}].dimensions"
        named = erp_fields.dimensions(session, share["dimensions"], field) or {}
        dims = dict(share_dimensions(base, erp_defaults.dimensions_of(named)))
        stored.append({"percent": str(share["percent"]), "dimensions": dims})
    return stored, parts_of(amount, code, stored)


def parts_of(
    amount: Decimal, code: str, shares: Sequence[Mapping[str, Any]]
) -> tuple[DistributedPart, ...]:
    """``amount`` split over stored shares (largest remainder: adds up to the cent)."""
    return distribute(
        amount,
        [
            (Decimal(share["percent"]), erp_defaults.dimensions_of(share["dimensions"]))
            for share in shares
        ],
        currency(code),
    )


def shares_of(
    distribution: list[dict[str, Any]] | None, dimensions: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """A line's stored shares: its distribution, or all of it on its dimensions."""
    return distribution or [{"percent": "100", "dimensions": dict(dimensions or {})}]


def line_parts(line: IntegrationJournalLine) -> tuple[DistributedPart, ...]:
    """A line's amount over its distribution, or all of it on its dimensions."""
    return parts_of(line_amount(line), line.currency, shares_of(line.distribution, line.dimensions))


def distribute_line(uow: UnitOfWork, line_id: str, shares: Sequence[Mapping[str, Any]]) -> None:
    """Distribute a draft line's amount over dimension sets by percent (Distribute
    amounts); percents must add up to 100 (422 otherwise). Each share keeps the line's
    dimensions it does not name."""
    with uow:
        session = uow.session
        line = _editable_line(session, line_id)
        stored, _ = split(session, line_amount(line), line.currency, shares, line.dimensions)
        line.distribution = stored
        uow.commit()


@dataclass(frozen=True)
class LineRate:
    """A line's rate to accounting currency: ``None`` with the reason when none is in force."""

    rate: Decimal | None
    reason: str | None = None


def line_rate(session: Session, line: IntegrationJournalLine, accounting: str) -> LineRate:
    """A line's rate (:func:`line_rate_at`), a draft line's looked up in the database."""
    return line_rate_at(
        line,
        lambda: erp_defaults.rate_in_force(
            session, line.contract_id, line.currency, accounting, line.date
        ),
    )


def line_rate_at(line: IntegrationJournalLine, rate: Callable[[], Decimal]) -> LineRate:
    """The stored rate of a posted line; a draft line's follows the rates and agreements
    in force on its date, ``rate()`` (seed 003: a new fixed-rate agreement changes
    pending lines), or says why there is none."""
    if line.exchange_rate is not None:
        return LineRate(line.exchange_rate)
    try:
        return LineRate(rate())
    except DomainError as exc:
        return LineRate(None, exc.detail)
