"""The integration journal over HTTP and the CLI: editing a draft line's tax groups and
dimensions, distributing with checked percents, listing journals and posted
transactions, permissions, and refusals that change nothing (409 posted, 422 invalid)."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from billable.cli.main import app
from tests.scenario.journal_world import JournalWorld, seed_world, voucher_lines
from tests.scenario.support import problem


@pytest.fixture
def seed(make_api: Any, uow_factory: Any) -> JournalWorld:
    world = seed_world(make_api, uow_factory)
    world.agreement("1.25")
    return world


def _groups(seed: JournalWorld) -> None:
    seed.accountant.post("/tax-codes", {"code": "VAT20", "name": "VAT", "rate": "20"})
    seed.accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20"]})
    seed.accountant.post("/item-sales-tax-groups", {"code": "SERV", "tax_codes": ["VAT20"]})


def test_a_draft_lines_tax_groups_and_dimensions_can_be_changed_until_it_is_posted(seed):
    _groups(seed)
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    sales = journal["lines"][1]
    path = f"/integration-journal-lines/{sales['id']}"
    changed = seed.accountant.patch(
        path,
        {
            "sales_tax_group": "UK",
            "item_sales_tax_group": "SERV",
            "dimensions": {"BusinessUnit": "002"},
        },
    )
    assert (changed["sales_tax_group"], changed["item_sales_tax_group"]) == ("UK", "SERV")
    assert changed["dimensions"] == {"BusinessUnit": "002"}
    assert changed["price_exchange_rate"] == "125"
    cleared = seed.accountant.patch(path, {"item_sales_tax_group": None})
    assert (cleared["sales_tax_group"], cleared["item_sales_tax_group"]) == ("UK", None)
    seed.post(journal)
    [sale] = seed.accountant.get("/posted-transactions", actual_id=sales["actual_id"])["items"]
    assert (sale["sales_tax_group"], sale["item_sales_tax_group"]) == ("UK", None)
    assert sale["parts"][0]["dimensions"] == {"BusinessUnit": "002"}
    body = problem(seed.accountant, "PATCH", path, 409, {"sales_tax_group": "UK"})
    assert "posted" in body["detail"]
    problem(
        seed.accountant,
        "POST",
        f"{path}/distribute",
        409,
        {"shares": [{"percent": "100", "dimensions": {}}]},
    )


def test_unknown_groups_dimensions_and_bad_percents_are_refused_and_change_nothing(seed):
    _groups(seed)
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    line = journal["lines"][1]
    path = f"/integration-journal-lines/{line['id']}"
    body = problem(seed.accountant, "PATCH", path, 422, {"sales_tax_group": "NOPE"})
    assert body["errors"][0]["field"] == "sales_tax_group"
    body = problem(seed.accountant, "PATCH", path, 422, {"dimensions": {"Region": "EU"}})
    assert body["errors"][0]["field"] == "dimensions.Region"
    body = problem(seed.accountant, "PATCH", path, 422, {"dimensions": {"BusinessUnit": "999"}})
    assert "999 is not a value of BusinessUnit" in body["detail"]
    shares = [
        {"percent": "50", "dimensions": {"BusinessUnit": "001"}},
        {"percent": "49.99", "dimensions": {"BusinessUnit": "002"}},
    ]
    body = problem(seed.accountant, "POST", f"{path}/distribute", 422, {"shares": shares})
    assert "add up to 100" in body["detail"]
    shares[1] = {"percent": "50", "dimensions": {"Nope": "x"}}
    problem(seed.accountant, "POST", f"{path}/distribute", 422, {"shares": shares})
    problem(seed.accountant, "PATCH", "/integration-journal-lines/999", 404, {"dimensions": {}})
    assert seed.accountant.get(f"/integration-journals/{journal['id']}") == journal


def test_posting_without_a_rate_is_refused_naming_the_line_and_writes_nothing(seed):
    contract = seed.world.contract["id"]
    seed.accountant.request("DELETE", f"/contracts/{contract}/fixed-rate-agreement", 204)
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    sales = journal["lines"][1]
    assert sales["price_exchange_rate"] is None
    assert "no exchange rate from GBP to USD" in sales["exchange_rate_problem"]
    path = f"/integration-journals/{journal['id']}/post"
    body = problem(seed.accountant, "POST", path, 422)
    assert f"line {sales['id']}" in body["detail"]
    assert body["errors"][0]["field"] == "lines[1].exchange_rate"
    assert seed.accountant.get(f"/integration-journals/{journal['id']}") == journal
    assert seed.vouchers() == []
    assert seed.accountant.get("/posted-transactions")["items"] == []
    seed.rate("1.30", "2026-08-01")
    posted = seed.post(journal)
    assert [line["price_exchange_rate"] for line in posted["lines"]] == ["100", "130"]
    assert [v["number"] for v in seed.vouchers()] == ["1"]  # no number was lost


def test_posting_without_a_posting_profile_account_is_refused_and_writes_nothing(seed):
    entries = [{"posting_type": "payroll_allocation", "account": "600300"}]
    seed.accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    body = problem(seed.accountant, "POST", f"/integration-journals/{journal['id']}/post", 422)
    assert "no ledger account for posting type project_cost" in body["detail"]
    assert seed.vouchers() == []
    assert seed.accountant.get(f"/integration-journals/{journal['id']}")["status"] == "draft"


def test_nothing_to_import_is_a_conflict_and_other_legal_entities_import_their_own(seed):
    body = problem(seed.accountant, "POST", "/integration-journals/import-from-staging", 409, {})
    assert body["detail"].startswith("nothing to import")
    seed.world.approved_time("4", "2026-08-27")
    other = seed.accountant.post("/legal-entities", {"name": "UK", "accounting_currency": "GBP"})
    problem(
        seed.accountant,
        "POST",
        "/integration-journals/import-from-staging",
        409,
        {"legal_entity_id": other["id"]},
    )
    problem(
        seed.accountant,
        "POST",
        "/integration-journals/import-from-staging",
        422,
        {"legal_entity_id": "999"},
    )
    assert seed.accountant.get("/integration-journals")["items"] == []
    journal = seed.accountant.post("/integration-journals/import-from-staging")  # no body
    assert len(journal["lines"]) == 2


def test_journals_are_listed_by_page_and_read_by_the_project_manager_not_imported(seed):
    seed.world.approved_time("4", "2026-08-27")
    first = seed.import_journal()
    seed.world.approved_time("2", "2026-08-28")
    second = seed.import_journal()
    page = seed.pm.get("/integration-journals", limit=1)
    assert [(j["id"], j["line_count"]) for j in page["items"]] == [(first["id"], 2)]
    rest = seed.pm.get("/integration-journals", limit=1, cursor=page["next_cursor"])
    assert [j["id"] for j in rest["items"]] == [second["id"]]
    assert rest["next_cursor"] is None
    problem(seed.pm, "POST", "/integration-journals/import-from-staging", 403, {})
    problem(seed.pm, "POST", f"/integration-journals/{first['id']}/post", 403)
    problem(seed.accountant, "GET", "/integration-journals/999", 404)


def test_the_cli_imports_and_posts_and_says_when_nothing_is_left(seed, engine):
    seed.world.approved_time("4", "2026-08-27")
    env = {"BILLABLE_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    result = CliRunner().invoke(app, ["staging", "import", "--post"], env=env)
    assert result.exit_code == 0, result.output
    assert "Imported integration journal 1: 2 line(s)" in result.output
    assert "Posted journal 1: 1 voucher(s): 1." in result.output
    [voucher] = seed.vouchers(source_type="integration_journal", source_id="1")
    assert voucher_lines(voucher)[2] == (
        "161300",
        "GBP",
        "1000.00",
        "1250.00",
        "1.25",
        "wip_sales_value",
    )
    again = CliRunner().invoke(app, ["staging", "import"], env=env)
    assert again.exit_code == 0, again.output
    assert "Nothing to import" in again.output
    bad = CliRunner().invoke(app, ["staging", "import", "--legal-entity", "42"], env=env)
    assert bad.exit_code == 2


def test_an_adjustment_with_bad_input_is_refused_and_writes_nothing(seed):
    seed.world.approved_time("4", "2026-08-27")
    seed.post(seed.import_journal())
    [cost, _] = seed.accountant.get("/posted-transactions", status="posted")["items"]
    path = f"/posted-transactions/{cost['id']}/adjust-accounting"
    shares = [{"percent": "100", "dimensions": {"BusinessUnit": "002"}}]
    both = {"dimensions": {"BusinessUnit": "002"}, "shares": shares}
    problem(seed.accountant, "POST", path, 422, both)
    problem(seed.accountant, "POST", path, 422, {"dimensions": {"BusinessUnit": "999"}})
    problem(seed.accountant, "POST", path, 422, {"shares": [{**shares[0], "percent": "90"}]})
    problem(seed.pm, "POST", path, 403, {"dimensions": {}})
    problem(
        seed.accountant,
        "POST",
        "/posted-transactions/999/adjust-accounting",
        404,
        {"dimensions": {}},
    )
    assert len(seed.vouchers()) == 1
    assert seed.accountant.get(f"/posted-transactions/{cost['id']}") == cost
