"""The page routers, in the order they are mounted."""

from __future__ import annotations

from fastapi import APIRouter

from billable.web.routers import (
    approvals,
    auth,
    backlog,
    contracts,
    fixed_rates,
    home,
    invoice_changes,
    invoices,
    item_groups,
    journal,
    ledger,
    print_management,
    proposals,
    runs,
    setup,
    time,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    home.router,
    approvals.router,
    contracts.router,
    backlog.router,
    invoices.router,
    invoice_changes.router,
    runs.router,
    journal.router,
    proposals.router,
    time.router,
    ledger.router,
    print_management.router,
    fixed_rates.router,  # before setup's /setup/{slug}
    item_groups.router,
    setup.router,
)
