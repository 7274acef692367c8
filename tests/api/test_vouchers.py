"""The general ledger: seed 003's integration journal posting as one voucher through
the service, read back from /vouchers and the trial balance (HTTP and CLI); unbalanced
vouchers are refused and vouchers never change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from billable.cli.main import app
from billable.currencies import currency
from billable.domain.errors import Invalid
from billable.domain.postings import (
    PostingType,
    Voucher,
    VoucherLine,
    cost_posting,
    wip_posting,
)
from billable.domain.pricing import TransactionClass
from billable.erp.ledger import post_voucher
from billable.erp.setup import default_legal_entity, posting_profile
from billable.persistence.tables import Voucher as VoucherRow
from billable.persistence.tables import VoucherLine as VoucherLineRow
from tests.conftest import Api

USD, GBP = currency("USD"), currency("GBP")
DATE = dt.date(2026, 8, 27)
ACCOUNTS = [
    ("600300", "Payroll allocation", "liability", "payroll_allocation"),
    ("540100", "Cost of Project - Labor", "expense", "project_cost"),
    ("161300", "WIP - Sales Value", "asset", "wip_sales_value"),
    ("420200", "Accrued revenue", "revenue", "accrued_revenue"),
]


@pytest.fixture
def accountant(make_api: Any) -> Api:
    """An accountant with seed 003's accounts and posting profile set up."""
    accountant = make_api("accountant")
    entries = []
    for number, name, kind, posting_type in ACCOUNTS:
        accountant.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        entries.append({"posting_type": posting_type, "account": number})
    accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    return accountant


def _seed_voucher(uow: Any) -> Voucher:
    with uow:
        profile = posting_profile(uow.session, default_legal_entity(uow.session))
    time = TransactionClass.TIME
    cost = cost_posting(profile, time, Decimal("480.00"), USD, USD)
    wip = wip_posting(profile, time, Decimal("1000.00"), GBP, USD, Decimal("1.25"))
    return Voucher(cost.lines + wip.lines)


def _post(uow: Any, voucher: Voucher, source_id: str = "7") -> None:
    with uow:
        post_voucher(uow.session, voucher, DATE, "integration_journal", source_id)
        uow.commit()


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def test_seed_003s_journal_posting_shows_both_currencies_in_the_vouchers(accountant, uow_factory):
    _post(uow_factory(), _seed_voucher(uow_factory()))
    vouchers = accountant.get("/vouchers", source_type="integration_journal", source_id="7")
    [voucher] = vouchers["items"]
    assert (voucher["number"], voucher["date"]) == ("1", "2026-08-27")
    lines = [
        (
            line["account"],
            line["posting_type"],
            line["currency"],
            line["amount_transaction"],
            line["amount_accounting"],
            line["exchange_rate"],
        )
        for line in voucher["lines"]
    ]
    assert lines == [
        ("600300", "payroll_allocation", "USD", "-480.00", "-480.00", "1"),
        ("540100", "project_cost", "USD", "480.00", "480.00", "1"),
        ("161300", "wip_sales_value", "GBP", "1000.00", "1250.00", "1.25"),
        ("420200", "accrued_revenue", "GBP", "-1000.00", "-1250.00", "1.25"),
    ]
    assert accountant.get(f"/vouchers/{voucher['id']}") == voucher
    assert accountant.get("/vouchers", account="161300")["items"] == [voucher]
    assert accountant.get("/vouchers", account="130100")["items"] == []
    assert accountant.get("/vouchers", source_type="invoice_proposal")["items"] == []


def test_seed_003s_posting_appears_in_the_trial_balance_which_sums_to_zero(accountant, uow_factory):
    _post(uow_factory(), _seed_voucher(uow_factory()))
    report = accountant.get("/ledger/trial-balance", date="2026-08-27")
    balances = {row["account"]: row["balance"] for row in report["accounts"]}
    assert balances == {
        "161300": "1250.00",
        "420200": "-1250.00",
        "540100": "480.00",
        "600300": "-480.00",
    }
    wip = next(row for row in report["accounts"] if row["account"] == "161300")
    assert (wip["debit"], wip["credit"]) == ("1250.00", "0.00")
    assert report["currency"] == "USD"
    assert (report["total_debit"], report["total_credit"]) == ("1730.00", "1730.00")
    assert report["total_balance"] == "0.00"
    assert accountant.get("/ledger/trial-balance", date="2026-08-26")["accounts"] == []


def test_voucher_numbers_follow_one_another_without_gaps(accountant, uow_factory):
    voucher = _seed_voucher(uow_factory())
    _post(uow_factory(), voucher, "7")
    _post(uow_factory(), voucher.mirrored(), "8")
    numbers = [v["number"] for v in accountant.get("/vouchers")["items"]]
    assert numbers == ["1", "2"]
    report = accountant.get("/ledger/trial-balance", date="2026-12-31")
    assert {row["balance"] for row in report["accounts"]} == {"0.00"}


def test_an_unbalanced_voucher_is_refused_and_writes_nothing(accountant, uow_factory, engine):
    voucher = _seed_voucher(uow_factory())
    unbalanced = Voucher(voucher.lines[:3])
    with pytest.raises(Invalid, match="does not balance"):
        _post(uow_factory(), unbalanced)
    assert (_count(engine, VoucherRow), _count(engine, VoucherLineRow)) == (0, 0)
    _post(uow_factory(), voucher)
    assert [v["number"] for v in accountant.get("/vouchers")["items"]] == ["1"]


def test_a_voucher_on_an_unknown_account_or_without_lines_is_refused(
    accountant, uow_factory, engine
):
    stray = VoucherLine("999999", PostingType.PROJECT_COST, USD, Decimal(5), Decimal(5), Decimal(1))
    other = VoucherLine(
        "540100", PostingType.PROJECT_COST, USD, Decimal(-5), Decimal(-5), Decimal(1)
    )
    with pytest.raises(Invalid, match="no ledger account 999999"):
        _post(uow_factory(), Voucher((stray, other)))
    with pytest.raises(Invalid, match="at least one line"):
        _post(uow_factory(), Voucher(()))
    assert _count(engine, VoucherRow) == 0


def test_vouchers_cannot_be_changed_or_deleted(accountant, uow_factory):
    _post(uow_factory(), _seed_voucher(uow_factory()))
    [voucher] = accountant.get("/vouchers")["items"]
    admin_path = f"/vouchers/{voucher['id']}"
    accountant.request("PATCH", admin_path, 405, json={"date": "2026-09-01"})
    accountant.request("DELETE", admin_path, 405)
    accountant.request("POST", "/vouchers", 405, json={})
    assert accountant.get(admin_path) == voucher


def test_the_accounting_currency_of_a_legal_entity_with_vouchers_is_fixed(accountant, uow_factory):
    _post(uow_factory(), _seed_voucher(uow_factory()))
    [entity] = accountant.get("/legal-entities")["items"]
    path = f"/legal-entities/{entity['id']}"
    accountant.patch(path, {"accounting_currency": "EUR"}, expect=409)
    assert accountant.get(path) == entity


def test_team_members_may_not_read_the_ledger(make_api, app_client):
    make_api("team_member").get("/vouchers", expect=403)
    make_api("team_member").get("/ledger/trial-balance", expect=403)
    Api(app_client, None).get("/vouchers", expect=401)


def test_an_unknown_voucher_is_not_found_and_a_bad_date_is_invalid(accountant):
    accountant.get("/vouchers/999", expect=404)
    accountant.get("/ledger/trial-balance", expect=422, date="yesterday")


def test_the_cli_prints_the_trial_balance_as_a_table(accountant, uow_factory, engine):
    _post(uow_factory(), _seed_voucher(uow_factory()))
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        app, ["ledger", "trial-balance", "--date", "2026-08-27"], env={"BILLABLE_DATABASE_URL": url}
    )
    assert result.exit_code == 0, result.output
    assert "Trial balance on 2026-08-27 (USD)" in result.output
    for account, balance in (("161300", "1250.00"), ("420200", "-1250.00"), ("600300", "-480.00")):
        row = next(line for line in result.output.splitlines() if account in line)
        assert balance in row
    bad = CliRunner().invoke(
        app, ["ledger", "trial-balance", "--date", "soon"], env={"BILLABLE_DATABASE_URL": url}
    )
    assert bad.exit_code == 2
