"""Who may do what: the four roles of api.md as a table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from billable.domain.errors import FieldError, Forbidden, Invalid


class Role(StrEnum):
    """A user's role."""

    ADMIN = "admin"
    PROJECT_MANAGER = "project_manager"
    ACCOUNTANT = "accountant"
    TEAM_MEMBER = "team_member"


class Permission(StrEnum):
    """An area of actions."""

    READ_MASTER_DATA = "read_master_data"
    #: What entering time needs: projects, tasks, roles, resources, categories, products.
    READ_BOOKING_DATA = "read_booking_data"
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
    # Customers (their addresses), contracts, price lists and the ERP setup: not a team
    # member's; they read what entering time needs (READ_BOOKING_DATA).
    Permission.READ_MASTER_DATA: frozenset({Role.ADMIN, Role.PROJECT_MANAGER, Role.ACCOUNTANT}),
    Permission.READ_BOOKING_DATA: _EVERYONE,
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


@dataclass(frozen=True)
class EntryScope:
    """Whose entries a caller acts on: everyone's, or one resource's (a team member's
    own). A team member linked to no resource has an empty scope: they see no entries
    and may enter none."""

    everyone: bool
    resource_id: int | None = None

    def sees(self, resource_id: int | None) -> bool:
        """Whether an entry of ``resource_id`` is in the scope (else it is as unknown as
        a missing id: 404, so ids do not leak)."""
        return self.everyone or (self.resource_id is not None and resource_id == self.resource_id)

    def resource_for_new(self, given: int | None) -> int | None:
        """The resource a new entry is written with: as given, for everyone's scope; the
        caller's own for a team member (given or not), and :class:`Forbidden` naming the
        field when they name another resource or are linked to none."""
        if self.everyone:
            return given
        if self.resource_id is None:
            raise Forbidden(
                "resource_id: this team member is linked to no resource, so they may enter "
                "no entries (an admin links one: billable users add NAME --resource ID)",
                (FieldError("resource_id", "the user is linked to no resource"),),
            )
        if given is not None and given != self.resource_id:
            reason = f"a team member enters only their own entries (resource {self.resource_id})"
            raise Forbidden(f"resource_id: {reason}", (FieldError("resource_id", reason),))
        return self.resource_id


#: The scope of everyone's entries: project managers, admins, accountants (who read).
EVERYONE = EntryScope(everyone=True)


def entry_scope(role: Role, resource_id: int | None) -> EntryScope:
    """Whose entries ``role`` acts on. Team members act on their own resource's entries
    only; project managers on every entry (projects name no managers in Billable, see
    docs/decisions.md "Ownership of entries"); admins and accountants on every entry
    their permissions allow."""
    if role is Role.TEAM_MEMBER:
        return EntryScope(everyone=False, resource_id=resource_id)
    return EVERYONE


def require_linkable(role: Role, field: str = "resource_id") -> None:
    """Refuse (422 on ``field``) linking a user of ``role`` to a resource unless they are
    a team member: the link decides whose entries a team member acts on, and every
    other role acts on every entry (:func:`entry_scope`), so a link would mean nothing
    while suggesting it restricts them."""
    if role is not Role.TEAM_MEMBER:
        raise Invalid.field(
            field, f"only a team member is linked to a resource; this user is {role.value}"
        )
