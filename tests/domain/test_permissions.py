"""Who may do what: the four roles of api.md, and the refusal that names the role."""

from __future__ import annotations

import pytest

from billable.domain.errors import Forbidden
from billable.domain.permissions import Permission, Role, allowed, require

#: api.md's table, written out: what each role may do beyond reading master data and entries.
MAY = {
    Role.ADMIN: set(Permission),
    Role.PROJECT_MANAGER: {
        Permission.READ_MASTER_DATA,
        Permission.WRITE_MASTER_DATA,
        Permission.READ_ENTRIES,
        Permission.WRITE_ENTRIES,
        Permission.APPROVE_ENTRIES,
        Permission.READ_BILLING,
        Permission.WRITE_BILLING,
        Permission.READ_LEDGER,
    },
    Role.ACCOUNTANT: {
        Permission.READ_MASTER_DATA,
        Permission.READ_ENTRIES,
        Permission.READ_BILLING,
        Permission.WRITE_ERP_SETUP,
        Permission.READ_LEDGER,
        Permission.POST_LEDGER,
        Permission.READ_AUDIT,
    },
    Role.TEAM_MEMBER: {
        Permission.READ_MASTER_DATA,
        Permission.READ_ENTRIES,
        Permission.WRITE_ENTRIES,
    },
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_the_permissions_of_the_table(role: Role) -> None:
    assert {p for p in Permission if allowed(role, p)} == MAY[role]


def test_a_role_with_the_permission_passes() -> None:
    require(Role.ACCOUNTANT, Permission.POST_LEDGER)


def test_a_role_without_the_permission_is_forbidden_with_both_named_in_words() -> None:
    with pytest.raises(Forbidden) as refused:
        require(Role.TEAM_MEMBER, Permission.APPROVE_ENTRIES)
    assert refused.value.detail == "the role team_member may not approve entries"
