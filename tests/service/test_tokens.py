"""Tokens with a lifecycle: users linked to a resource, tokens that expire, are revoked
and are rotated, and no two users of one name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update

from billable.domain.errors import Conflict, Invalid, NotFound, Unauthorized
from billable.domain.permissions import Role
from billable.identity.users import (
    add_user,
    authenticate,
    link_resource,
    now_utc,
    parse_duration,
    revoke,
    rotate_token,
)
from billable.masterdata import records
from billable.persistence.tables import User
from billable.views.users import users


def _count(uow_factory: Any) -> int:
    with uow_factory() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(User)))


def _resource(uow_factory: Any, name: str) -> int:
    role = records.create(uow_factory(), "role", {"name": f"Role of {name}"})
    return records.create(uow_factory(), "resource", {"name": name, "default_role_id": role})


def test_a_user_is_linked_to_a_resource_by_id_or_by_name(uow_factory: Any) -> None:
    julia = _resource(uow_factory, "Julia")
    by_id, token = add_user(uow_factory(), "ada", "team_member", resource=str(julia))
    by_name, _ = add_user(uow_factory(), "bea", "team_member", resource="Julia")
    assert by_id.resource_id == by_name.resource_id == julia
    assert authenticate(uow_factory(), token).resource_id == julia
    with uow_factory() as uow:
        shown = {u.name: (u.role, u.resource_id, u.resource_name) for u in users(uow.session)}
    assert shown == {
        "ada": ("team_member", julia, "Julia"),
        "bea": ("team_member", julia, "Julia"),
    }


def test_an_unknown_resource_is_refused_on_that_field_and_adds_no_user(uow_factory: Any) -> None:
    with pytest.raises(Invalid) as refused:
        add_user(uow_factory(), "ada", "team_member", resource="Nobody")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("resource", "no resource with id or name 'Nobody'")
    ]
    assert _count(uow_factory) == 0


def test_a_second_user_of_one_name_is_a_conflict_and_adds_nothing(uow_factory: Any) -> None:
    add_user(uow_factory(), "ada", "admin")
    with pytest.raises(Conflict) as refused:
        add_user(uow_factory(), "ada", "accountant")
    assert refused.value.detail == "a user named 'ada' exists already"
    assert _count(uow_factory) == 1


def test_a_rotated_token_replaces_the_old_one_at_once(uow_factory: Any) -> None:
    _, old = add_user(uow_factory(), "ada", "accountant")
    new = rotate_token(uow_factory(), "ada")
    assert new != old
    assert authenticate(uow_factory(), new).role is Role.ACCOUNTANT
    with pytest.raises(Unauthorized) as refused:
        authenticate(uow_factory(), old)
    assert refused.value.detail == "the bearer token is not valid"


def test_a_revoked_token_is_refused_with_the_reason_until_it_is_rotated(uow_factory: Any) -> None:
    _, token = add_user(uow_factory(), "ada", "admin")
    at = revoke(uow_factory(), "ada")
    assert revoke(uow_factory(), "ada") == at  # revoking twice keeps the first time
    with pytest.raises(Unauthorized) as refused:
        authenticate(uow_factory(), token)
    assert refused.value.detail.startswith("the bearer token was revoked at ")
    fresh = rotate_token(uow_factory(), "ada")
    assert authenticate(uow_factory(), fresh).name == "ada"
    with uow_factory() as uow:
        assert [u.revoked_at for u in users(uow.session)] == [None]


def test_a_token_past_its_expiry_is_refused_with_the_reason(uow_factory: Any) -> None:
    _, token = add_user(uow_factory(), "ada", "admin", expires_in=dt.timedelta(days=30))
    assert authenticate(uow_factory(), token).name == "ada"
    with uow_factory() as uow:
        (user,) = users(uow.session)
        assert user.expires_at is not None
        assert dt.timedelta(days=29) < user.expires_at - now_utc() <= dt.timedelta(days=30)
        # Thirty days on: the expiry is moved into the past rather than waiting.
        uow.session.execute(update(User).values(expires_at=now_utc() - dt.timedelta(seconds=1)))
        uow.commit()
    with pytest.raises(Unauthorized) as refused:
        authenticate(uow_factory(), token)
    assert refused.value.detail.startswith("the bearer token expired at ")
    with uow_factory() as uow:
        assert [u.state(now_utc()) for u in users(uow.session)] == ["expired"]


def test_rotating_sets_the_new_token_s_expiry_or_none(uow_factory: Any) -> None:
    add_user(uow_factory(), "ada", "admin", expires_in=dt.timedelta(hours=1))
    rotate_token(uow_factory(), "ada", expires_in=dt.timedelta(days=2))
    with uow_factory() as uow:
        (user,) = users(uow.session)
    assert user.expires_at is not None and user.expires_at - now_utc() > dt.timedelta(days=1)
    rotate_token(uow_factory(), "ada")
    with uow_factory() as uow:
        assert [u.expires_at for u in users(uow.session)] == [None]


def test_revoking_or_rotating_an_unknown_user_is_not_found(uow_factory: Any) -> None:
    with pytest.raises(NotFound):
        revoke(uow_factory(), "nobody")
    with pytest.raises(NotFound):
        rotate_token(uow_factory(), "nobody")


def test_an_admin_links_and_unlinks_a_user_s_resource(uow_factory: Any) -> None:
    julia = _resource(uow_factory, "Julia")
    principal, token = add_user(uow_factory(), "ada", "team_member")
    link_resource(uow_factory(), str(principal.user_id), "Julia")
    assert authenticate(uow_factory(), token).resource_id == julia
    link_resource(uow_factory(), str(principal.user_id), None)
    assert authenticate(uow_factory(), token).resource_id is None


def test_only_a_team_member_is_linked_to_a_resource_and_a_refusal_adds_nothing(
    uow_factory: Any,
) -> None:
    _resource(uow_factory, "Julia")
    with pytest.raises(Invalid) as refused:
        add_user(uow_factory(), "pm", "project_manager", resource="Julia")
    assert refused.value.errors[0].field == "resource"
    principal, token = add_user(uow_factory(), "acc", "accountant")
    with pytest.raises(Invalid) as refused:
        link_resource(uow_factory(), str(principal.user_id), "Julia", field="resource_id")
    assert refused.value.errors[0].field == "resource_id"
    assert authenticate(uow_factory(), token).resource_id is None
    with uow_factory() as uow:
        assert [u.name for u in users(uow.session)] == ["acc"]


@pytest.mark.parametrize(
    ("text", "length"),
    [("30d", dt.timedelta(days=30)), ("12h", dt.timedelta(hours=12)),
     ("90m", dt.timedelta(minutes=90))],
)  # fmt: skip
def test_a_duration_is_days_hours_or_minutes(text: str, length: dt.timedelta) -> None:
    assert parse_duration(text) == length


@pytest.mark.parametrize("text", ["30", "0d", "1w", "-1d", "1.5d", "d", "٣d"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_duration(text, "--expires-in")
    assert refused.value.errors[0].field == "--expires-in"
