"""Import from staging into the integration journal (seed 003): every cost and unbilled
sales actual not yet journaled becomes a draft journal line, a chunk of actuals in one
``INSERT ... SELECT`` that commits whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from billable.domain.errors import Conflict
from billable.domain.money import ZERO
from billable.domain.vocabulary import ActualType, JournalState
from billable.erp import defaults as erp_defaults
from billable.erp import journal_scratch as scratch
from billable.erp.setup import default_legal_entity
from billable.persistence.lookups import ref
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
from billable.persistence.types import Amount
from billable.persistence.uow import UnitOfWork

#: The actuals the journal takes: cost and unbilled sales (reversals never).
JOURNALED_TYPES = (ActualType.COST, ActualType.UNBILLED_SALES)
#: The two kinds of journal line (and of the posted transaction each leaves): a cost
#: line journals a cost actual, so it takes the actual type's word; a sales line
#: journals unbilled sales.
COST_LINE, SALES_LINE = ActualType.COST, "sales"
#: The advisory lock key imports from staging queue on (PostgreSQL).
IMPORT_LOCK = 4_003_001
SALES, ITEMS = scratch.SALES_GROUPS, scratch.ITEM_GROUPS
NOTHING_TO_IMPORT = "nothing to import: every cost and unbilled sales actual is journaled"


def _entity(session: Session, legal_entity_id: str | None) -> LegalEntity:
    if legal_entity_id is None:
        return default_legal_entity(session)
    return ref(session, LegalEntity, legal_entity_id, "legal_entity_id", "legal entity")


#: Actuals a transaction of import from staging journals (each commits whole).
IMPORT_CHUNK = 5_000


def _in_staging(session: Session, entity: LegalEntity, after: int) -> list[Any]:
    """Conditions on an actual (joined with its master data, :func:`_joined`) that it is
    a cost or unbilled sales actual of the entity's projects, above ``after``, on no
    journal line."""
    default = default_legal_entity(session)
    in_entity = Project.legal_entity_id == entity.id
    if entity.id == default.id:
        in_entity = or_(in_entity, Project.legal_entity_id.is_(None))
    journaled = exists().where(IntegrationJournalLine.actual_id == Actual.id)
    return [
        Actual.transaction_type.in_(JOURNALED_TYPES),
        Actual.reverses_actual_id.is_(None),
        in_entity,
        Actual.id > after,
        ~journaled,
    ]


def _joined(stmt: Any) -> Any:
    """``stmt`` over actuals with the master data their tax groups and dimensions
    default from."""
    # The billed customer: the contract's, else the project's (as the defaults say).
    billed = case((Contract.id.is_not(None), Contract.customer_id), else_=Project.customer_id)
    return (
        stmt.select_from(Actual)
        .join(Project, Project.id == Actual.project_id)
        .outerjoin(Contract, Contract.id == Actual.contract_id)
        .outerjoin(Customer, Customer.id == billed)
        .outerjoin(TransactionCategory, TransactionCategory.id == Actual.category_id)
        .outerjoin(Product, Product.id == Actual.product_id)
    )


def _with_groups(stmt: Any) -> Any:
    """``stmt`` (:func:`_joined`) with the groups the defaults chose (:func:`_fill_groups`)."""
    sales_key = and_(
        SALES.c.project_group == _key(Project.sales_tax_group),
        SALES.c.contract_group == _key(Contract.sales_tax_group),
        SALES.c.customer_group == _key(Customer.sales_tax_group),
    )
    item_key = and_(
        ITEMS.c.transaction_class == Actual.transaction_class,
        ITEMS.c.category_group == _key(TransactionCategory.item_sales_tax_group),
        ITEMS.c.product_group == _key(Product.item_sales_tax_group),
    )
    return stmt.outerjoin(SALES, sales_key).outerjoin(ITEMS, item_key)


def _key(group: Any) -> Any:
    """A group as a key column: none (NULL or empty, alike to the defaults) is ""."""
    return func.coalesce(group, scratch.NONE_KEY)


def _fill_groups(session: Session, where: list[Any]) -> None:
    """The billing tax groups the defaults choose, once per distinct set of groups the
    chunk's sales actuals carry (:class:`erp_defaults.Defaults`, the one rule)."""
    defaults = erp_defaults.Defaults.read(session)
    sales = [*where, Actual.transaction_type != ActualType.COST]
    on_records = (Project.sales_tax_group, Contract.sales_tax_group, Customer.sales_tax_group)
    found = session.execute(_joined(select(*map(_key, on_records))).where(*sales).distinct())
    rows = [
        {
            "project_group": p,
            "contract_group": c,
            "customer_group": u,
            "chosen": defaults.sales_group(p or None, c or None, u or None),
        }
        for p, c, u in found
    ]
    scratch.fill(session, SALES, rows)
    of_items = (TransactionCategory.item_sales_tax_group, Product.item_sales_tax_group)
    found = session.execute(
        _joined(select(Actual.transaction_class, *map(_key, of_items))).where(*sales).distinct()
    )
    rows = [
        {
            "transaction_class": cls,
            "category_group": g,
            "product_group": p,
            "chosen": defaults.item_group(cls, g or None, p or None),
        }
        for cls, g, p in found
    ]
    scratch.fill(session, ITEMS, rows)


#: The journal line columns an import writes, in the order :func:`_lines_of` selects them.
_LINE_COLUMNS = (
    "journal_id", "actual_id", "kind", "transaction_class", "project_id", "contract_id",
    "resource_id", "date", "quantity", "cost_amount", "sales_amount", "currency",
    "sales_tax_group", "item_sales_tax_group", "dimensions", "distribution",
)  # fmt: skip


def _lines_of(journal_id: int) -> Any:
    """The journal line of each staged actual: a cost line takes its amount as cost, a
    sales line as sales amount with the defaults' tax groups; the project's dimensions."""
    cost = Actual.transaction_type == ActualType.COST
    zero = literal(ZERO, Amount())
    no_dimensions = or_(Project.dimensions.is_(None), cast(Project.dimensions, Text) == "null")
    return _with_groups(
        _joined(
            select(
                literal(journal_id),
                Actual.id,
                case((cost, literal(COST_LINE)), else_=literal(SALES_LINE)),
                Actual.transaction_class,
                Actual.project_id,
                Actual.contract_id,
                Actual.resource_id,
                Actual.date,
                Actual.quantity,
                case((cost, Actual.amount), else_=zero),
                case((cost, zero), else_=Actual.amount),
                Actual.currency,
                case((cost, null()), else_=SALES.c.chosen),
                case((cost, null()), else_=ITEMS.c.chosen),
                case((no_dimensions, literal({}, JSON)), else_=Project.dimensions),
                null(),
            )
        )
    ).order_by(Actual.id)


def _queue_imports(session: Session) -> None:
    """Make concurrent imports take turns until commit. PostgreSQL: a transaction-level
    advisory lock (the legal entity itself may not exist yet: the default one is made on
    first use); SQLite: every transaction begins IMMEDIATE, writers queue already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def _import_chunk(
    session: Session, entity: LegalEntity, journal_id: int | None, after: int, chunk: int
) -> tuple[int | None, int, int]:
    """Journal the next ``chunk`` staged actuals above ``after`` in one ``INSERT ...
    SELECT``: (the journal, made on the first chunk; the lines written, none when no
    actual was left; the last actual journaled)."""
    where = _in_staging(session, entity, after)
    ids = _joined(select(Actual.id)).where(*where).order_by(Actual.id)
    last = session.scalar(ids.offset(chunk - 1).limit(1))
    if last is None:  # the last chunk: whatever is left
        last = session.scalar(_joined(select(func.max(Actual.id))).where(*where))
    if last is None:
        return journal_id, 0, after
    if journal_id is None:
        journal = IntegrationJournal(legal_entity_id=entity.id, status=JournalState.DRAFT)
        session.add(journal)
        session.flush()
        journal_id = journal.id
    where.append(Actual.id <= last)
    scratch.ready(session, SALES, ITEMS)
    _fill_groups(session, where)
    rows = _lines_of(journal_id).where(*where)
    # Counted, not the statement's row count: psycopg reports none for it here. Counted
    # above the highest line id before it (imports take turns, and only they write
    # lines), a range of the primary key: a count by journal went through its
    # journal_id index, reading the whole journal chunk after chunk.
    L = IntegrationJournalLine
    before = session.scalar(select(func.max(L.id))) or 0
    session.execute(insert(L).from_select(_LINE_COLUMNS, rows))
    written = session.scalar(select(func.count()).select_from(L).where(L.id > before))
    return journal_id, int(written or 0), last


def import_from_staging(
    uow: UnitOfWork,
    legal_entity_id: str | None = None,
    chunk: int = IMPORT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Gather every cost and unbilled sales actual of the entity's projects not yet
    journaled into a new draft journal, one line per actual; returns its id.

    Set-based, ``chunk`` actuals a transaction: each chunk writes its lines in one
    ``INSERT ... SELECT`` (the tax groups joined from the few distinct ones the defaults
    chose, :func:`_fill_groups`), and commits whole,
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
            journal_id, written, after = _import_chunk(session, entity, journal_id, after, chunk)
            if journal_id is None:
                raise Conflict(NOTHING_TO_IMPORT)
            if not written:
                return journal_id
            lines += written
            if progress:
                progress(lines)
            uow.commit()
