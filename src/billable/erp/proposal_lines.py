"""The lines of invoice proposals, set-based: what import from staging writes for a set
of proposals (a set of one for the selective import), read in a fixed number of queries
per chunk however many proposals and lines it holds.

One line per chargeable billed sales actual of the proposal's invoice, its tax groups
and dimensions taken from where the ERP keeps them: the posted transaction (time and
material), the milestone's on-account transaction, the corrected proposal line
(corrections), else the defaults (:mod:`billable.erp.defaults`). Tax is rounded per
code in Python (SQL never rounds), once per distinct amount, currency and pair of groups.
This module reads and decides (:class:`Chunk`); :mod:`billable.erp.proposal_writes`
writes the lines in one ``INSERT ... SELECT``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.tax import TaxCode, tax_lines
from billable.domain.vocabulary import (
    ActualType,
    BillingType,
    DetailSource,
)
from billable.erp import defaults as erp_defaults
from billable.erp.proposal_reads import PlainRow, posted_sales_of
from billable.persistence.lookups import in_chunks
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    Customer,
    InvoiceLineDetail,
    InvoiceProposal,
    InvoiceProposalLine,
    Milestone,
    Product,
    Project,
    TransactionCategory,
)

#: What import reads of a billed sales actual: the columns its line is decided from (what
#: the line only copies is copied in SQL, by :mod:`billable.erp.proposal_writes`).
BILLED_COLUMNS = (
    Actual.id,
    Actual.invoice_id,
    Actual.invoice_line_detail_id,
    Actual.milestone_id,
    Actual.contract_line_id,
    Actual.project_id,
    Actual.contract_id,
    Actual.category_id,
    Actual.product_id,
    Actual.transaction_class,
    Actual.reverses_actual_id,
    Actual.amount,
    Actual.currency,
)
#: ... and of its detail, joined in the same query: where its groups come from.
DETAIL_COLUMNS = (
    InvoiceLineDetail.id.label("detail_id"),
    InvoiceLineDetail.source.label("detail_source"),
    InvoiceLineDetail.actual_id.label("detail_actual_id"),
    InvoiceLineDetail.original_billed_actual_id.label("detail_original_id"),
)


@dataclass(frozen=True)
class _Detail:
    source: str
    actual_id: int | None
    original_billed_actual_id: int | None


@dataclass(frozen=True)
class _Attributes:
    sales_tax_group: str | None
    item_sales_tax_group: str | None
    dimensions: dict[str, Any]


class Chunk:
    """What the lines of a chunk of proposals are decided from, read once: the billed
    actuals, their details, the posted transactions, milestones and corrected lines, and
    the master data the defaults consult (loaded so the defaults find it in the session
    instead of querying per row)."""

    def __init__(self, session: Session, proposals: Sequence[InvoiceProposal]) -> None:
        self.session = session
        invoice_ids = [p.invoice_id for p in proposals]
        self.posted = posted_sales_of(session, invoice_ids)
        self.billed: dict[int, list[PlainRow]] = {ident: [] for ident in invoice_ids}
        self.details: dict[int, _Detail] = {}
        for chunk in in_chunks(invoice_ids):
            for billed in session.execute(
                select(*BILLED_COLUMNS, *DETAIL_COLUMNS)
                .outerjoin(InvoiceLineDetail, InvoiceLineDetail.id == Actual.invoice_line_detail_id)
                .where(
                    Actual.invoice_id.in_(chunk),
                    Actual.transaction_type == ActualType.BILLED_SALES,
                    Actual.billing_type == BillingType.CHARGEABLE,
                )
                .order_by(Actual.id)
            ):
                self.billed[billed.invoice_id].append(billed)
                if billed.detail_id is not None:
                    self.details[billed.detail_id] = _Detail(
                        billed.detail_source, billed.detail_actual_id, billed.detail_original_id
                    )
        every = [a for rows in self.billed.values() for a in rows]
        self.milestones = _by_id(session, Milestone, [a.milestone_id for a in every])
        self.before = self._corrected_lines(every)
        self._codes: dict[tuple[str | None, str | None], tuple[TaxCode, ...]] = {}
        self.master = self._master([a for a in every if self._may_default(a)])

    def _may_default(self, billed: PlainRow) -> bool:
        """Whether :meth:`attributes` may consult the defaults for ``billed`` (neither a
        posted transaction's line nor a correction of a line found): only those lines'
        master data is read."""
        detail = self.details.get(billed.invoice_line_detail_id or 0)
        if detail is not None and detail.source == DetailSource.CORRECTION:
            return self.corrected(billed) is None
        return detail is None or detail.actual_id not in self.posted

    def _master(self, every: list[PlainRow]) -> dict[type[Any], dict[int, Any]]:
        """The master data the defaults consult for ``every``, by model and id."""
        session = self.session
        # Kept referenced: the session's identity map holds rows weakly, and the
        # defaults find these there by primary key instead of querying per row.
        master: dict[type[Any], dict[int, Any]] = {
            model: _by_id(session, model, [getattr(a, column) for a in every])
            for model, column in (
                (ContractLine, "contract_line_id"),
                (Project, "project_id"),
                (Contract, "contract_id"),
                (TransactionCategory, "category_id"),
                (Product, "product_id"),
            )
        }
        customers = [c.customer_id for c in master[Contract].values()]
        customers += [p.customer_id for p in master[Project].values()]
        master[Customer] = _by_id(session, Customer, customers)
        return master

    def _corrected_lines(self, every: list[PlainRow]) -> dict[int, InvoiceProposalLine]:
        """On corrections: the proposal line of each billed actual corrected, if any."""
        wanted = set()
        for billed in every:
            detail = self.details.get(billed.invoice_line_detail_id or 0)
            if detail is not None and detail.source == DetailSource.CORRECTION:
                wanted.add(billed.reverses_actual_id or detail.original_billed_actual_id)
        out: dict[int, InvoiceProposalLine] = {}
        for chunk in in_chunks(sorted(w for w in wanted if w is not None)):
            stmt = select(InvoiceProposalLine).where(
                InvoiceProposalLine.billed_actual_id.in_(chunk)
            )
            for line in self.session.scalars(stmt.order_by(InvoiceProposalLine.id)):
                out.setdefault(line.billed_actual_id, line)  # type: ignore[arg-type]
        return out

    def corrected(self, billed: PlainRow) -> InvoiceProposalLine | None:
        """On a correction: the proposal line of the billed actual it corrects."""
        detail = self.details.get(billed.invoice_line_detail_id or 0)
        if detail is None or detail.source != DetailSource.CORRECTION:
            return None
        corrected = billed.reverses_actual_id or detail.original_billed_actual_id
        return self.before.get(corrected) if corrected is not None else None

    def defaults(self, billed: PlainRow) -> _Attributes:
        """The defaulted groups and dimensions of a billed actual."""
        session = self.session
        line = self.master[ContractLine].get(billed.contract_line_id or 0)
        dimensions = dict(line.dimensions or {}) if line is not None and line.dimensions else {}
        return _Attributes(
            erp_defaults.billing_sales_tax_group(session, billed.project_id, billed.contract_id),
            erp_defaults.billing_item_tax_group(
                session, billed.transaction_class, billed.category_id, billed.product_id
            ),
            dimensions or erp_defaults.project_dimensions(session, billed.project_id),
        )

    def attributes(self, billed: PlainRow, before: InvoiceProposalLine | None) -> _Attributes:
        """Where the line's tax groups and dimensions come from (module docstring)."""
        detail = self.details.get(billed.invoice_line_detail_id or 0)
        if detail is not None and detail.source == DetailSource.CORRECTION:
            if before is not None:
                return _Attributes(
                    before.sales_tax_group, before.item_sales_tax_group, dict(before.dimensions)
                )
        elif detail is not None and detail.actual_id in self.posted:
            row = self.posted[detail.actual_id]
            parts = row.parts or []
            # One line, one dimension set: the first part's (the journal's split stays on
            # the WIP it reverses; see docs/decisions.md).
            dimensions = dict(parts[0].get("dimensions") or {}) if parts else {}
            return _Attributes(row.sales_tax_group, row.item_sales_tax_group, dimensions)
        elif billed.milestone_id is not None:
            milestone = self.milestones.get(billed.milestone_id)
            if milestone is not None:
                # The on-account transaction's groups as they are: defaulted when it was
                # made, so None means the accountant cleared them (no tax), not "default
                # again".
                return _Attributes(
                    milestone.sales_tax_group,
                    milestone.item_sales_tax_group,
                    dict(milestone.dimensions or {}) or self.defaults(billed).dimensions,
                )
        return self.defaults(billed)

    def taxes(self, billed: PlainRow, attributes: _Attributes) -> list[dict[str, str]]:
        """The tax lines of a billed actual by its groups, rounded per code (the codes
        of a pair of groups looked up once per chunk)."""
        key = (attributes.sales_tax_group, attributes.item_sales_tax_group)
        if key not in self._codes:
            self._codes[key] = erp_defaults.tax_codes(self.session, *key)
        found = tax_lines(billed.amount, self._codes[key], currency(billed.currency))
        return erp_defaults.tax_json(found)


def _by_id(session: Session, model: type[Any], ids: Sequence[int | None]) -> dict[int, Any]:
    """Rows of ``model`` by id, for the ids given (None and repeats skipped)."""
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, Any] = {}
    for chunk in in_chunks(wanted):
        rows = session.scalars(select(model).where(model.id.in_(chunk)))
        out.update({row.id: row for row in rows})
    return out
