"""The demo data set (``billable demo``): six months of 2026 in five customers' projects,
loaded through the use cases and ending with invoices in every state.

Deterministic: the same seed gives the same entries, amounts and invoices every time.
Master data and contracts: :mod:`billable.demo.catalogue`; entries and invoices:
:mod:`billable.demo.activity`.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import astuple, dataclass, fields
from typing import Any

from sqlalchemy import func, select

from billable.demo import activity as demo_activity
from billable.demo import documents as demo_documents
from billable.demo import erp as demo_erp
from billable.demo.catalogue import UowFactory, build_catalogue
from billable.domain.errors import Conflict
from billable.domain.permissions import Role as UserRole
from billable.domain.vocabulary import (
    EntryState,
    InvoiceState,
    PaymentState,
    ProposalState,
    TransactionClass,
)
from billable.identity.users import add_user, rotate_token
from billable.persistence.tables import (
    Actual,
    Contract,
    Customer,
    Entry,
    IntegrationJournalLine,
    Invoice,
    InvoiceProposal,
    PriceList,
    Project,
    Resource,
    Role,
    User,
    Voucher,
)
from billable.persistence.uow import UnitOfWork

SEED = 2026
#: The tables whose rows mean the database "has data" (users do not count).
BUSINESS_TABLES = (Customer, Role, Resource, PriceList, Project, Contract, Entry, Invoice)


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds, counted after loading (or finding) the demo data."""

    customers: int
    contracts: int
    currencies: tuple[str, ...]
    projects: int
    resources: int
    approved_time_entries: int
    expense_entries: int
    material_usages: int
    fee_entries: int
    actuals: int
    invoices: int
    draft_invoices: int
    in_review_invoices: int
    confirmed_invoices: int
    paid_invoices: int
    corrective_invoices: int
    posted_journal_lines: int
    vouchers: int
    posted_proposals: int
    ready_proposals: int
    waiting_proposals: int

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for display."""
        return [
            (f.name.replace("_", " "), ", ".join(v) if isinstance(v, tuple) else str(v))
            for f, v in zip(fields(self), astuple(self), strict=True)
        ]


def has_data(uow: UnitOfWork) -> bool:
    """Whether the database holds any master data, entries or invoices."""
    with uow:
        return any(
            uow.session.scalar(select(model.id).limit(1)) is not None for model in BUSINESS_TABLES
        )


def summarize(uow: UnitOfWork) -> DemoSummary:
    """Count what the database holds."""
    with uow:
        session = uow.session

        def count(model: Any, *where: Any) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        currencies = session.scalars(
            select(Contract.currency).distinct().order_by(Contract.currency)
        )
        entry = Entry.kind
        return DemoSummary(
            customers=count(Customer),
            contracts=count(Contract),
            currencies=tuple(currencies),
            projects=count(Project),
            resources=count(Resource),
            approved_time_entries=count(
                Entry, entry == TransactionClass.TIME, Entry.status == EntryState.APPROVED
            ),
            expense_entries=count(Entry, entry == TransactionClass.EXPENSE),
            material_usages=count(Entry, entry == TransactionClass.MATERIAL),
            fee_entries=count(Entry, entry == TransactionClass.FEE),
            actuals=count(Actual),
            invoices=count(Invoice),
            draft_invoices=count(Invoice, Invoice.project_invoice_status == InvoiceState.DRAFT),
            in_review_invoices=count(
                Invoice, Invoice.project_invoice_status == InvoiceState.IN_REVIEW
            ),
            confirmed_invoices=count(
                Invoice, Invoice.project_invoice_status == InvoiceState.CONFIRMED
            ),
            paid_invoices=count(Invoice, Invoice.status == PaymentState.PAID),
            corrective_invoices=count(Invoice, Invoice.corrects_invoice_id.is_not(None)),
            posted_journal_lines=count(
                IntegrationJournalLine,
                IntegrationJournalLine.exchange_rate.is_not(None),
            ),
            vouchers=count(Voucher),
            posted_proposals=count(InvoiceProposal, InvoiceProposal.status == ProposalState.POSTED),
            ready_proposals=count(InvoiceProposal, InvoiceProposal.status == ProposalState.READY),
            waiting_proposals=count(
                InvoiceProposal, InvoiceProposal.status == ProposalState.WAITING
            ),
        )


def load_demo(uow_factory: UowFactory) -> DemoSummary:
    """Load the demo data set through the use cases; returns what the database then holds.

    Callers check :func:`has_data` first: loading twice would duplicate everything.
    """
    rng = random.Random(SEED)
    demo_erp.set_up_ledger(uow_factory)  # first: approvals then carry sales tax
    demo_documents.set_up_documents(uow_factory)
    catalogue = build_catalogue(uow_factory)
    demo_erp.tag_catalogue(uow_factory, catalogue)
    demo_documents.tag_customers(uow_factory, catalogue)
    demo_activity.record_entries(uow_factory, catalogue, rng)
    for project in catalogue.projects.values():
        demo_activity.set_ready(uow_factory, project, demo_activity.READY_UNTIL, True)
    demo_activity.issue_invoices(uow_factory, catalogue)
    demo_erp.run_periodic_processes(uow_factory)
    return summarize(uow_factory())


#: The demo's users, one per role: name, role. The team member is linked to the first
#: resource, so their token enters that resource's time.
DEMO_USERS = (
    ("demo-admin", UserRole.ADMIN),
    ("demo-project-manager", UserRole.PROJECT_MANAGER),
    ("demo-accountant", UserRole.ACCOUNTANT),
    ("demo-team-member", UserRole.TEAM_MEMBER),
)


@dataclass(frozen=True)
class DemoUser:
    """A demo user and the fresh token printed for it."""

    name: str
    role: str
    resource_id: int | None
    token: str
    created: bool


def demo_users(uow_factory: UowFactory) -> list[DemoUser]:
    """One user per role and a token for each. Idempotent: a demo user that exists is
    reused and its token rotated (the token printed before stops working), since only a
    token's hash is stored and an old token cannot be shown again; no users are added."""
    with uow_factory() as uow:
        first_resource = uow.session.scalars(select(func.min(Resource.id))).one()
        existing = set(
            uow.session.scalars(
                select(User.name).where(User.name.in_([name for name, _ in DEMO_USERS]))
            )
        )
    made = []
    for name, role in DEMO_USERS:
        resource = first_resource if role is UserRole.TEAM_MEMBER else None
        if name in existing:
            token = rotate_token(uow_factory(), name)
            made.append(DemoUser(name, role, resource, token, created=False))
            continue
        try:
            principal, token = add_user(uow_factory(), name, role, resource=resource)
        except Conflict:  # another demo process added it meanwhile
            token = rotate_token(uow_factory(), name)
            made.append(DemoUser(name, role, resource, token, created=False))
            continue
        made.append(DemoUser(name, role, principal.resource_id, token, created=True))
    return made


def demo_sign_ins(uow_factory: UowFactory) -> list[tuple[str, str, str]]:
    """A web sign-in for each demo user (:data:`DEMO_USERS`, made by :func:`demo_users`
    first), with a fresh random password each time the demo starts: (name, role,
    password). The same users hold the tokens, so the web and the API act as one
    person per role, and the team member books to the same resource in both."""
    from billable.identity.passwords import set_password

    shown = []
    for name, role in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        set_password(uow_factory(), name, password)
        shown.append((name, str(role), password))
    return shown
