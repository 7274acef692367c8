"""Who may do what: the four roles of api.md, and the refusal that names the role."""

from __future__ import annotations

import pytest

from billable.domain.errors import FieldError, Forbidden, Invalid
from billable.domain.permissions import (
    EVERYONE,
    Permission,
    Role,
    allowed,
    entry_scope,
    require,
    require_linkable,
)

#: api.md's table, written out: what each role may do (a team member reads what entering
#: time needs, not customers, contracts or price lists).
MAY = {
    Role.ADMIN: set(Permission),
    Role.PROJECT_MANAGER: {
        Permission.READ_MASTER_DATA,
        Permission.READ_BOOKING_DATA,
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
        Permission.READ_BOOKING_DATA,
        Permission.READ_ENTRIES,
        Permission.READ_BILLING,
        Permission.WRITE_ERP_SETUP,
        Permission.READ_LEDGER,
        Permission.POST_LEDGER,
        Permission.READ_AUDIT,
    },
    Role.TEAM_MEMBER: {
        Permission.READ_BOOKING_DATA,
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


def test_a_team_member_acts_on_their_own_resource_s_entries_only() -> None:
    scope = entry_scope(Role.TEAM_MEMBER, 7)
    assert scope.sees(7)
    assert not scope.sees(8)
    assert not scope.sees(None)
    assert scope.resource_for_new(None) == 7
    assert scope.resource_for_new(7) == 7


def test_a_team_member_naming_another_resource_is_forbidden_on_that_field() -> None:
    with pytest.raises(Forbidden) as refused:
        entry_scope(Role.TEAM_MEMBER, 7).resource_for_new(8)
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("resource_id", "a team member enters only their own entries (resource 7)")
    ]


def test_a_team_member_linked_to_no_resource_sees_no_entry_and_enters_none() -> None:
    scope = entry_scope(Role.TEAM_MEMBER, None)
    assert not scope.sees(None)
    assert not scope.sees(1)
    with pytest.raises(Forbidden) as refused:
        scope.resource_for_new(None)
    assert refused.value.errors[0].field == "resource_id"
    assert "linked to no resource" in refused.value.errors[0].message


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROJECT_MANAGER, Role.ACCOUNTANT])
def test_the_other_roles_act_on_every_entry_whatever_resource_they_are_linked_to(
    role: Role,
) -> None:
    scope = entry_scope(role, 3)
    assert scope is EVERYONE
    assert scope.sees(None) and scope.sees(4)
    assert scope.resource_for_new(4) == 4
    assert scope.resource_for_new(None) is None


def test_only_a_team_member_is_linked_to_a_resource() -> None:
    require_linkable(Role.TEAM_MEMBER)
    for role in set(Role) - {Role.TEAM_MEMBER}:
        with pytest.raises(Invalid) as refused:
            require_linkable(role, "resource")
        reason = f"only a team member is linked to a resource; this user is {role.value}"
        assert refused.value.errors == (FieldError("resource", reason),)
    with pytest.raises(Invalid) as refused:
        require_linkable(Role.ADMIN)
    assert refused.value.errors[0].field == "resource_id"


def test_a_team_members_scope_is_theirs_alone_and_the_refusals_say_why() -> None:
    scope = entry_scope(Role.TEAM_MEMBER, 7)
    assert scope.everyone is False and scope.resource_id == 7
    with pytest.raises(Forbidden) as other:
        scope.resource_for_new(8)
    reason = "a team member enters only their own entries (resource 7)"
    assert other.value.detail == f"resource_id: {reason}"
    assert other.value.errors == (FieldError("resource_id", reason),)
    with pytest.raises(Forbidden) as unlinked:
        entry_scope(Role.TEAM_MEMBER, None).resource_for_new(None)
    assert unlinked.value.detail == (
        "resource_id: this team member is linked to no resource, so they may enter no "
        "entries (an admin links one: billable users add NAME --resource ID)"
    )
    assert unlinked.value.errors == (
        FieldError("resource_id", "the user is linked to no resource"),
    )
