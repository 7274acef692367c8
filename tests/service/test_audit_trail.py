"""The audit event is written in the transaction of the write it records: a rolled-back
write leaves none, a committed one always has it; commands, jobs and the scheduler are
attributed too."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from billable.cli.main import app
from billable.domain.audit import SYSTEM, Actor
from billable.domain.errors import Conflict
from billable.identity.users import add_user
from billable.persistence import auditing
from billable.persistence.tables import AuditEvent, AuditEventObject, Customer


def _events(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.user_name, AuditEvent.action))]


def _customer(name: str) -> Customer:
    return Customer(name=name, currency="EUR", bill_to_name=name)


def test_a_committed_write_under_an_action_has_its_event_and_objects(uow_factory, engine):
    with auditing.acting(Actor("alice", 1), "test write"), uow_factory() as uow:
        uow.session.add(_customer("Acme"))
        uow.commit()
    assert _events(engine) == [("alice", "test write")]
    with engine.connect() as conn:
        assert conn.execute(select(AuditEventObject.object_kind)).scalars().all() == ["customer"]


def test_a_write_left_without_commit_records_nothing(uow_factory, engine):
    acting = auditing.acting(Actor("alice", 1), "test write")
    with acting, pytest.raises(RuntimeError), uow_factory() as uow:
        uow.session.add(_customer("Acme"))
        uow.session.flush()
        raise RuntimeError("the use case fails after writing")
    assert _events(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(Customer.id)).first() is None


def test_a_refused_use_case_records_nothing(uow_factory, engine):
    with auditing.acting(Actor("alice", 1), "billable users add"):
        add_user(uow_factory(), "bob", "admin")
        with pytest.raises(Conflict):
            add_user(uow_factory(), "bob", "admin")
    assert _events(engine) == [("alice", "billable users add")]


def test_a_job_run_inline_by_a_command_stays_the_commands(uow_factory, engine):
    command = auditing.acting(Actor("root"), "billable proposals post")
    with command, auditing.acting_unless_attributed(SYSTEM, "job post_proposals"):
        assert auditing.actor_name() == "root"
    with auditing.acting_unless_attributed(SYSTEM, "job post_proposals"):
        assert auditing.actor_name() == "system"


def test_a_command_is_attributed_to_the_os_user_and_names_its_subcommand(
    engine: Any, tmp_path: Any
):
    if engine.dialect.name != "sqlite":
        pytest.skip("the command runs on its own SQLite file")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    env = {"BILLABLE_DATABASE_URL": url}
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    assert runner.invoke(app, ["users", "add", "carol", "--role", "admin"], env=env).exit_code == 0
    shown = runner.invoke(app, ["audit", "--object-kind", "user"], env=env, terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "billable users add" in shown.output and "user 1" in shown.output
    refused = runner.invoke(app, ["audit", "--since", "yesterday"], env=env)
    assert refused.exit_code == 2 and "--since" in refused.output
