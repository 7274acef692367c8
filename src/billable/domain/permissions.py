"""Who may do what: the four roles of api.md as a table."""

from __future__ import annotations

from enum import StrEnum

from billable.domain.errors import Forbidden


class Role(StrEnum):
    """A user's role."""

    ADMIN = "admin"
    PROJECT_MANAGER = "project_manager"
    ACCOUNTANT = "accountant"
    TEAM_MEMBER = "team_member"


class Permission(StrEnum):
    """An area of actions."""

    READ_MASTER_DATA = "read_master_data"
    WRITE_MASTER_DATA = "write_master_data"
    READ_ENTRIES = "read_entries"
    WRITE_ENTRIES = "write_entries"
    APPROVE_ENTRIES = "approve_entries"
    READ_BILLING = "read_billing"
    WRITE_BILLING = "write_billing"
    MANAGE_USERS = "manage_users"
    WRITE_ERP_SETUP = "write_erp_setup"
    READ_LEDGER = "read_ledger"
    POST_LEDGER = "post_ledger"
    READ_AUDIT = "read_audit"


_EVERYONE = frozenset(Role)
_ALLOWED: dict[Permission, frozenset[Role]] = {
    Permission.READ_MASTER_DATA: _EVERYONE,
    Permission.WRITE_MASTER_DATA: frozenset({Role.ADMIN, Role.PROJECT_MANAGER}),
    Permission.READ_ENTRIES: _EVERYONE,
    Permission.WRITE_ENTRIES: frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.TEAM_MEMBER}),
    Permission.APPROVE_ENTRIES: frozenset({Role.ADMIN, Role.PROJECT_MANAGER}),
    Permission.READ_BILLING: frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.ACCOUNTANT}),
    Permission.WRITE_BILLING: frozenset({Role.ADMIN, Role.PROJECT_MANAGER}),
    Permission.MANAGE_USERS: frozenset({Role.ADMIN}),
    Permission.WRITE_ERP_SETUP: frozenset({Role.ADMIN, Role.ACCOUNTANT}),
    Permission.READ_LEDGER: frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.ACCOUNTANT}),
    # Importing and posting journals and proposals, adjusting accounting: the accountant's.
    Permission.POST_LEDGER: frozenset({Role.ADMIN, Role.ACCOUNTANT}),
    # Who did what: the admin's and the auditing accountant's, not the actors'.
    Permission.READ_AUDIT: frozenset({Role.ADMIN, Role.ACCOUNTANT}),
}


def allowed(role: Role, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``."""
    return role in _ALLOWED[permission]


def require(role: Role, permission: Permission) -> None:
    """Raise :class:`Forbidden` unless ``role`` holds ``permission``."""
    if not allowed(role, permission):
        raise Forbidden(f"the role {role.value} may not {permission.value.replace('_', ' ')}")
