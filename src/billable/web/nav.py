"""The navigation: each page's link, and the permission a role needs to see it.

A page added to the UI adds its entry here; the base template shows the entries the
signed-in role holds (and the page's route checks the same permission)."""

from __future__ import annotations

from dataclasses import dataclass

from billable.domain.permissions import Permission, Role, allowed


@dataclass(frozen=True)
class NavItem:
    """A link in the navigation; ``permission`` None: every signed-in user sees it."""

    label: str
    href: str
    permission: Permission | None = None


NAV: tuple[NavItem, ...] = (
    NavItem("Dashboard", "/"),
    NavItem("Approvals", "/approvals", Permission.APPROVE_ENTRIES),
    NavItem("Project contracts", "/contracts", Permission.WRITE_BILLING),
    NavItem("Billing backlog", "/backlog", Permission.WRITE_BILLING),
    NavItem("Invoices", "/invoices", Permission.READ_BILLING),
    NavItem("Invoice runs", "/invoice-runs", Permission.READ_BILLING),
    NavItem("My week", "/time", Permission.WRITE_ENTRIES),
    NavItem("Integration journal", "/journals", Permission.POST_LEDGER),
    NavItem("Posted transactions", "/posted-transactions", Permission.POST_LEDGER),
    NavItem("Invoice proposals", "/proposals", Permission.POST_LEDGER),
    NavItem("Print management", "/print-management", Permission.POST_LEDGER),
    NavItem("Vouchers", "/vouchers", Permission.POST_LEDGER),
    NavItem("Trial balance", "/trial-balance", Permission.POST_LEDGER),
    NavItem("On-account milestones", "/on-account", Permission.POST_LEDGER),
    NavItem("ERP setup", "/setup", Permission.WRITE_ERP_SETUP),
    NavItem("Notifications", "/notifications"),
)


def items_for(role: Role) -> list[NavItem]:
    """The entries ``role`` may follow, in order."""
    return [i for i in NAV if i.permission is None or allowed(role, i.permission)]
