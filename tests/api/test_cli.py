"""The command line: db upgrade, users add, demo and serve, on a temporary SQLite file."""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner, Result

from billable.api.app import create_app
from billable.cli.main import app, exit_code
from billable.demo.dataset import summarize
from billable.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from billable.persistence.db import make_engine, session_factory
from billable.persistence.tables import User
from billable.persistence.uow import UnitOfWork
from tests.waiting import wait_until

runner = CliRunner()


def invoke(url: str, *args: str) -> Result:
    """Run ``billable ARGS`` with ``BILLABLE_DATABASE_URL`` set to ``url``."""
    return runner.invoke(app, list(args), env={"BILLABLE_DATABASE_URL": url})


def token_in(output: str) -> str:
    """The one token a command printed."""
    tokens = [line.strip() for line in output.splitlines() if line.strip().startswith("bl_")]
    assert len(tokens) == 1, output
    return tokens[0]


@contextmanager
def client(url: str, token: str | None) -> Iterator[Any]:
    """A TestClient on ``url`` that sends ``token``."""
    engine = make_engine(url)
    try:
        with TestClient(create_app(engine)) as test_client:
            if token:
                test_client.headers["Authorization"] = f"Bearer {token}"
            yield test_client
    finally:
        engine.dispose()


def get_all(test_client: Any, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a collection, following the cursors."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 500, **params, **({"cursor": cursor} if cursor else {})}
        response = test_client.get("/api/v1" + path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def user_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(User)) or 0
    finally:
        engine.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def migrated(url: str) -> str:
    assert invoke(url, "db", "upgrade").exit_code == 0
    return url


def test_db_upgrade_brings_a_database_from_nothing_to_the_current_schema(url: str) -> None:
    first = invoke(url, "db", "upgrade")
    assert first.exit_code == 0, first.output
    assert "upgraded from an empty schema" in first.stdout
    assert "applied 0001" in first.stdout
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"customers", "contracts", "invoices", "actuals", "users"} <= tables
    again = invoke(url, "db", "upgrade")
    assert again.exit_code == 0
    assert "is at the current schema" in again.stdout


def test_users_add_prints_a_token_that_authenticates(migrated: str) -> None:
    result = invoke(migrated, "users", "add", "ada", "--role", "accountant")
    assert result.exit_code == 0, result.output
    assert "ada" in result.stdout and "accountant" in result.stdout
    token = token_in(result.stdout)
    with client(migrated, token) as api:
        assert api.get("/api/v1/customers").status_code == 200
    with client(migrated, None) as anonymous:
        assert anonymous.get("/api/v1/customers").status_code == 401
    with client(migrated, token + "x") as wrong:
        assert wrong.get("/api/v1/customers").status_code == 401


def test_a_bad_role_exits_non_zero_with_a_clear_message_and_adds_nothing(migrated: str) -> None:
    result = invoke(migrated, "users", "add", "bob", "--role", "chef")
    assert result.exit_code == 2
    assert "role" in result.stderr and "must be one of admin" in result.stderr
    assert "bl_" not in result.stdout
    assert user_count(migrated) == 0


def test_a_duplicate_user_name_exits_with_the_conflict_code(migrated: str) -> None:
    assert invoke(migrated, "users", "add", "ada", "--role", "admin").exit_code == 0
    result = invoke(migrated, "users", "add", "ada", "--role", "team_member")
    assert result.exit_code == 3
    assert "exists already" in result.stderr
    assert user_count(migrated) == 1


def test_users_add_on_a_database_without_the_schema_says_to_upgrade(url: str) -> None:
    result = invoke(url, "users", "add", "ada", "--role", "admin")
    assert result.exit_code == 1
    assert "billable db upgrade" in result.stderr


def test_domain_errors_map_to_one_exit_code_each() -> None:
    assert exit_code(Invalid("bad")) == 2
    assert exit_code(Conflict("state")) == 3
    assert exit_code(NotFound("gone")) == 4
    assert exit_code(Unauthorized("who")) == exit_code(Forbidden("no")) == 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Result]:
    """One database loaded by ``billable demo --no-serve``, shared by the demo tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    result = invoke(url, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    return url, result


def demo_tokens(output: str) -> dict[str, str]:
    """The demo's users and the token printed under each."""
    lines = [line.strip() for line in output.splitlines()]
    return {
        before.split(" ")[0]: line
        for before, line in itertools.pairwise(lines)
        if line.startswith("bl_")
    }


#: The demo's users, one per role, and a request only that role (or an admin) may make.
DEMO_USERS = {
    "demo-admin": "admin",
    "demo-project-manager": "project_manager",
    "demo-accountant": "accountant",
    "demo-team-member": "team_member",
}


def test_demo_prints_the_docs_address_and_a_token_per_role_that_authenticates(
    demo: tuple[str, Result],
) -> None:
    url, result = demo
    assert "http://127.0.0.1:8000/docs" in result.stdout
    assert "Authorize" in result.stdout
    tokens = demo_tokens(result.stdout)
    assert set(tokens) == set(DEMO_USERS)
    for name, role in DEMO_USERS.items():
        assert f"{name} ({role}" in result.stdout
    with client(url, tokens["demo-admin"]) as api:
        assert api.get("/api/v1/invoices").status_code == 200
    with client(url, tokens["demo-accountant"]) as api:
        assert api.get("/api/v1/vouchers").status_code == 200
        assert api.post("/api/v1/roles", json={"name": "X"}).status_code == 403
    with client(url, tokens["demo-team-member"]) as api:
        # Linked to a resource: its own time entries, and no invoices.
        entries = api.get("/api/v1/time-entries").json()["items"]
        assert entries and {e["resource_id"] for e in entries} == {entries[0]["resource_id"]}
        assert api.get("/api/v1/invoices").status_code == 403


def test_demo_loads_customers_currencies_entries_and_invoices_in_every_state(
    demo: tuple[str, Result],
) -> None:
    url, result = demo
    with client(url, demo_tokens(result.stdout)["demo-admin"]) as api:
        assert len(get_all(api, "/customers")) >= 4
        assert len({c["currency"] for c in get_all(api, "/contracts")}) >= 2
        approved = get_all(api, "/time-entries", status="approved")
        assert len({e["id"] for e in approved if e["status"] == "approved"}) >= 200
        for path in ("/expense-entries", "/material-usages", "/fee-entries"):
            assert get_all(api, path), path
        invoices = get_all(api, "/invoices")
        states = {i["project_invoice_status"] for i in invoices}
        assert {"draft", "in_review", "confirmed"} <= states
        assert any(i["status"] == "paid" for i in invoices)
        corrective = [i for i in invoices if i["corrects_invoice_id"]]
        assert {i["project_invoice_status"] for i in corrective} == {"draft", "confirmed"}
        credit = next(i for i in corrective if i["project_invoice_status"] == "confirmed")
        assert Decimal(credit["total_amount"]) < 0
        backlog_ready = [
            a
            for a in get_all(api, "/actuals", transaction_type="unbilled_sales")
            if a["ready_to_invoice"]
        ]
        assert backlog_ready


def test_every_demo_invoice_adds_up(demo: tuple[str, Result]) -> None:
    url, result = demo
    with client(url, demo_tokens(result.stdout)["demo-admin"]) as api:
        for summary in get_all(api, "/invoices"):
            invoice = api.get(f"/api/v1/invoices/{summary['id']}").json()
            lines = invoice["lines"]
            assert Decimal(invoice["total_amount"]) == sum(
                (Decimal(line["extended_amount"]) for line in lines), Decimal(0)
            ), invoice["number"]
            assert Decimal(invoice["detail_amount"]) == sum(
                (Decimal(line["amount"]) for line in lines), Decimal(0)
            )
            for line in lines:
                # The invoice shows a line's first details; the line's list pages them all.
                details = get_all(api, f"/invoice-lines/{line['id']}/details")
                assert len(details) == line["detail_count"]
                chargeable = [d for d in details if d["billing_type"] == "chargeable"]
                assert Decimal(line["extended_amount"]) == sum(
                    (Decimal(d["extended_amount"]) for d in chargeable), Decimal(0)
                ), (invoice["number"], line["name"])


def test_the_demo_runs_the_erp_side_taxed_posted_and_balanced(demo: tuple[str, Result]) -> None:
    url, result = demo
    with client(url, demo_tokens(result.stdout)["demo-admin"]) as api:
        proposals = get_all(api, "/invoice-proposals")
        invoices = {i["id"]: i for i in get_all(api, "/invoices")}
        assert {p["status"] for p in proposals} == {"posted", "ready"}
        for proposal in proposals:
            assert proposal["number"] == invoices[proposal["invoice_id"]]["number"]
        taxed = [a for a in get_all(api, "/actuals") if Decimal(a["tax"]) != 0]
        assert taxed, "EU and UK customers' work carries VAT"
        vouchers = get_all(api, "/vouchers")
        assert {v["source_type"] for v in vouchers} >= {"integration_journal", "invoice_proposal"}
        for voucher in vouchers:
            total = sum(
                (Decimal(line["amount_accounting"]) for line in voucher["lines"]), Decimal(0)
            )
            assert total == 0, voucher["number"]
        balance = api.get("/api/v1/ledger/trial-balance", params={"date": "2026-12-31"}).json()
        assert Decimal(balance["total_balance"]) == 0


def test_a_second_demo_run_loads_nothing_again_adds_no_user_and_prints_fresh_tokens(
    demo: tuple[str, Result], tmp_path: Path
) -> None:
    url, first = demo
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        before = summarize(UnitOfWork(factory))
        users_before = user_count(url)
        unused = f"sqlite:///{tmp_path / 'untouched.db'}"
        again = invoke(unused, "demo", "--no-serve", "--database-url", url)
        assert again.exit_code == 0, again.output
        assert "already has data" in again.stdout
        assert summarize(UnitOfWork(factory)) == before
    finally:
        engine.dispose()
    assert not (tmp_path / "untouched.db").exists()
    assert user_count(url) == users_before == len(DEMO_USERS)
    old, new = demo_tokens(first.stdout), demo_tokens(again.stdout)
    assert set(new) == set(DEMO_USERS)
    assert not set(old.values()) & set(new.values())
    with client(url, new["demo-admin"]) as api:
        assert api.get("/api/v1/customers").status_code == 200
    with client(url, old["demo-admin"]) as api:  # rotated: the first run's token is gone
        assert api.get("/api/v1/customers").status_code == 401


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_migrates_an_empty_database_and_answers_health(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "BILLABLE_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}"}
    command = [sys.executable, "-m", "billable.cli.main", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def health() -> object | None:
        try:
            return httpx2.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
        except httpx2.HTTPError:
            return None  # not listening yet

    try:
        status = wait_until(
            health, "the served API to answer /health", alive=lambda: server.poll() is None
        )
        assert status == {"status": "ok"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_demo_prints_a_web_sign_in_per_role_that_works(
    demo: tuple[str, Result], tmp_path: Path
) -> None:
    from tests.api.test_web_sign_in import _signs_in

    url, _ = demo
    # Each start prints new passwords (other tests start the shared demo again): the
    # passwords that work are those of the latest start, this one.
    unused = f"sqlite:///{tmp_path / 'untouched.db'}"
    result = invoke(unused, "demo", "--no-serve", "--database-url", url)
    assert result.exit_code == 0, result.output
    assert "Web UI: http://127.0.0.1:8000/" in result.stdout
    sign_ins = result.stdout[result.stdout.index("Web sign-in") :]
    for name, role in DEMO_USERS.items():
        found = re.search(rf"(?<![\w-]){name}\s*│\s*{role}\s*│\s*(\S+)", sign_ins)
        assert found, sign_ins
        assert _signs_in(url, name, found.group(1)), name
