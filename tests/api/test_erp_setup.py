"""ERP setup over HTTP (api.md "ERP side"): legal entities, ledger accounts, posting
profiles, exchange rates, fixed-rate agreements, sales tax, parameters and financial
dimensions, with seed 003's figures; every refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import make_world
from tests.conftest import Api

SEED_ACCOUNTS = [
    ("600300", "Payroll allocation", "liability"),
    ("540100", "Cost of Project - Labor", "expense"),
    ("161300", "WIP - Sales Value", "asset"),
    ("420200", "Accrued revenue", "revenue"),
]


@pytest.fixture
def accountant(make_api: Any) -> Api:
    return make_api("accountant")


def _accounts(api: Api) -> dict[str, dict[str, Any]]:
    return {
        number: api.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        for number, name, kind in SEED_ACCOUNTS
    }


def test_a_default_legal_entity_in_usd_exists_and_more_can_be_added(accountant):
    first = accountant.get("/legal-entities")["items"]
    assert [(e["name"], e["accounting_currency"]) for e in first] == [("Default company", "USD")]
    made = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "GBP"})
    assert accountant.get(f"/legal-entities/{made['id']}") == made
    renamed = accountant.patch(f"/legal-entities/{made['id']}", {"name": "Contoso Ltd"})
    assert renamed["name"] == "Contoso Ltd"
    assert len(accountant.get("/legal-entities")["items"]) == 2


def test_a_legal_entity_with_an_unknown_currency_is_refused(accountant):
    accountant.post("/legal-entities", {"name": "X", "accounting_currency": "XYZ"}, expect=422)
    assert len(accountant.get("/legal-entities")["items"]) == 1


def test_ledger_accounts_are_created_listed_and_renamed(accountant):
    made = _accounts(accountant)
    listed = accountant.get("/ledger-accounts")["items"]
    assert [(a["number"], a["kind"]) for a in listed] == [(n, k) for n, _, k in SEED_ACCOUNTS]
    changed = accountant.patch(f"/ledger-accounts/{made['420200']['id']}", {"name": "WIP revenue"})
    assert (changed["number"], changed["name"]) == ("420200", "WIP revenue")


def test_a_ledger_account_number_taken_twice_is_a_conflict(accountant):
    _accounts(accountant)
    body = {"number": "161300", "name": "Again", "kind": "asset"}
    accountant.post("/ledger-accounts", body, expect=409)
    bad_kind = {"number": "999", "name": "Odd", "kind": "income"}
    accountant.post("/ledger-accounts", bad_kind, expect=422)
    assert len(accountant.get("/ledger-accounts")["items"]) == 4


def test_a_ledger_account_number_cannot_be_changed(accountant):
    made = _accounts(accountant)
    accountant.patch(f"/ledger-accounts/{made['161300']['id']}", {"number": "1"}, expect=422)


def test_without_a_token_setup_is_unauthorized_and_team_members_may_not_write(make_api, app_client):
    anonymous = Api(app_client, None)
    anonymous.get("/ledger-accounts", expect=401)
    member = make_api("team_member")
    member.post("/ledger-accounts", {"number": "1", "name": "A", "kind": "asset"}, expect=403)
    member.request(
        "PUT",
        "/parameters",
        403,
        json={"sales_tax_group_method": "project", "material_item_tax_group_method": "item"},
    )
    # Team members read only what they book to (docs/decisions.md, "Ownership"): not the
    # chart of accounts.
    member.get("/ledger-accounts", expect=403)


def test_admins_may_write_erp_setup_too(make_api):
    admin = make_api("admin")
    admin.post("/tax-codes", {"code": "VAT20", "name": "VAT 20 %", "rate": "20"})


def test_a_posting_profile_is_replaced_as_a_whole(accountant):
    _accounts(accountant)
    entries = [
        {"posting_type": "payroll_allocation", "transaction_class": None, "account": "600300"},
        {"posting_type": "project_cost", "transaction_class": "time", "account": "540100"},
        {"posting_type": "wip_sales_value", "transaction_class": None, "account": "161300"},
    ]
    profile = accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    assert profile["entries"] == entries
    shorter = accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries[:1]})
    assert shorter["entries"] == entries[:1]
    assert accountant.get("/posting-profiles") == shorter


def test_a_posting_profile_with_a_bad_entry_is_refused_naming_its_index(accountant):
    _accounts(accountant)
    good = {"posting_type": "project_cost", "transaction_class": None, "account": "540100"}
    accountant.request("PUT", "/posting-profiles", 200, json={"entries": [good]})
    unknown_account = {"posting_type": "wip_sales_value", "account": "999999"}
    refused = accountant.request(
        "PUT", "/posting-profiles", 422, json={"entries": [good, unknown_account]}
    )
    assert refused["errors"][0]["field"] == "entries[1].account"
    unknown_type = {"posting_type": "bonus", "account": "540100"}
    refused = accountant.request("PUT", "/posting-profiles", 422, json={"entries": [unknown_type]})
    assert refused["errors"][0]["field"].startswith("entries[0]")
    twice = accountant.request("PUT", "/posting-profiles", 422, json={"entries": [good, good]})
    assert twice["errors"][0]["field"] == "entries[1]"
    accountant.request(
        "PUT", "/posting-profiles", 422, json={"legal_entity_id": "999", "entries": []}
    )
    accountant.get("/posting-profiles", expect=404, legal_entity_id="999")
    assert accountant.get("/posting-profiles")["entries"] == [good]


def test_exchange_rates_are_kept_per_one_unit_to_six_decimals(accountant):
    body = {
        "from_currency": "GBP",
        "to_currency": "USD",
        "rate": "1.25",
        "valid_from": "2026-08-01",
    }
    rate = accountant.post("/exchange-rates", body)
    assert (rate["rate"], rate["valid_from"]) == ("1.25", "2026-08-01")
    changed = accountant.patch(f"/exchange-rates/{rate['id']}", {"rate": "1.333333"})
    assert changed["rate"] == "1.333333"


@pytest.mark.parametrize(
    "change",
    [
        {"rate": "0"},
        {"rate": "-1.2"},
        {"rate": "1.2345678"},
        {"from_currency": "XXX"},
        {"to_currency": "GBP"},
        {"valid_from": "someday"},
    ],
)
def test_an_invalid_exchange_rate_is_refused(accountant, change):
    body = {
        "from_currency": "GBP",
        "to_currency": "USD",
        "rate": "1.25",
        "valid_from": "2026-08-01",
    }
    accountant.post("/exchange-rates", {**body, **change}, expect=422)
    assert accountant.get("/exchange-rates")["items"] == []


def test_a_second_rate_for_the_same_pair_and_day_is_a_conflict(accountant):
    body = {
        "from_currency": "GBP",
        "to_currency": "USD",
        "rate": "1.25",
        "valid_from": "2026-08-01",
    }
    accountant.post("/exchange-rates", body)
    accountant.post("/exchange-rates", {**body, "rate": "1.3"}, expect=409)
    accountant.post("/exchange-rates", {**body, "valid_from": "2026-09-01"})
    assert len(accountant.get("/exchange-rates")["items"]) == 2


def test_a_contract_takes_a_fixed_rate_agreement_and_loses_it(api, accountant):
    world = make_world(api)
    path = f"/contracts/{world.contract['id']}/fixed-rate-agreement"
    body = {"currency": "GBP", "rate": "1.25", "reference": "FRA-001"}
    agreement = accountant.request("PUT", path, 200, json=body)
    assert agreement == {"contract_id": world.contract["id"], **body}
    replaced = accountant.request("PUT", path, 200, json={"currency": "GBP", "rate": "1.3"})
    assert (replaced["rate"], replaced["reference"]) == ("1.3", None)
    assert accountant.get(path) == replaced
    accountant.delete(path)
    accountant.get(path, expect=404)
    accountant.delete(path, expect=404)


def test_a_fixed_rate_agreement_is_refused_for_bad_input_or_an_unknown_contract(api, accountant):
    world = make_world(api)
    path = f"/contracts/{world.contract['id']}/fixed-rate-agreement"
    accountant.request("PUT", path, 422, json={"currency": "GBP", "rate": "0"})
    accountant.request("PUT", path, 422, json={"currency": "ZZZ", "rate": "1.25"})
    accountant.request(
        "PUT", "/contracts/999/fixed-rate-agreement", 404, json={"currency": "GBP", "rate": "1.25"}
    )
    api.request("PUT", path, 403, json={"currency": "GBP", "rate": "1.25"})
    accountant.get(path, expect=404)


def test_tax_codes_and_groups_are_set_up_by_code(accountant):
    accountant.post("/tax-codes", {"code": "VAT20", "name": "VAT 20 %", "rate": "20"})
    accountant.post("/tax-codes", {"code": "VAT5", "name": "VAT 5 %", "rate": "5"})
    group = accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20", "VAT5"]})
    assert group["tax_codes"] == ["VAT20", "VAT5"]
    item = accountant.post("/item-sales-tax-groups", {"code": "FULL", "tax_codes": ["VAT20"]})
    changed = accountant.patch(f"/item-sales-tax-groups/{item['id']}", {"tax_codes": ["VAT5"]})
    assert changed == {"id": item["id"], "code": "FULL", "tax_codes": ["VAT5"]}
    assert accountant.get("/tax-codes")["items"][0]["rate"] == "20"


def test_tax_setup_refuses_unknown_codes_repeats_and_taken_codes(accountant):
    accountant.post("/tax-codes", {"code": "VAT20", "name": "VAT 20 %", "rate": "20"})
    accountant.post("/tax-codes", {"code": "VAT20", "name": "Again", "rate": "20"}, expect=409)
    accountant.post("/tax-codes", {"code": "NEG", "name": "Negative", "rate": "-1"}, expect=422)
    refused = accountant.post(
        "/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20", "GST"]}, expect=422
    )
    assert refused["errors"][0]["field"] == "tax_codes[1]"
    accountant.post("/item-sales-tax-groups", {"code": "X", "tax_codes": ["GST"]}, expect=422)
    accountant.post(
        "/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20", "VAT20"]}, expect=422
    )
    group = accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20"]})
    accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": []}, expect=409)
    accountant.patch(f"/sales-tax-groups/{group['id']}", {"tax_codes": ["GST"]}, expect=422)
    accountant.patch(f"/sales-tax-groups/{group['id']}", {"tax_codes": None}, expect=422)
    accountant.get("/sales-tax-groups/999", expect=404)
    assert accountant.get("/sales-tax-groups")["items"] == [group]
    assert accountant.get("/item-sales-tax-groups")["items"] == []
    assert len(accountant.get("/tax-codes")["items"]) == 1


def test_parameters_default_until_set_and_are_replaced(accountant):
    assert accountant.get("/parameters") == {
        "sales_tax_group_method": "search",
        "material_item_tax_group_method": "item",
        "milestone_item_sales_tax_group": None,
    }
    body = {
        "sales_tax_group_method": "contract",
        "material_item_tax_group_method": "category",
        "milestone_item_sales_tax_group": None,
    }
    assert accountant.request("PUT", "/parameters", 200, json=body) == body
    accountant.request(
        "PUT",
        "/parameters",
        422,
        json={"sales_tax_group_method": "vendor", "material_item_tax_group_method": "item"},
    )
    assert accountant.get("/parameters") == body


def test_financial_dimensions_list_their_values(accountant):
    made = accountant.post(
        "/financial-dimensions", {"name": "Department", "values": ["Consulting", "Sales"]}
    )
    assert made["values"] == ["Consulting", "Sales"]
    changed = accountant.patch(
        f"/financial-dimensions/{made['id']}", {"values": ["Consulting", "Sales", "Support"]}
    )
    assert changed["values"][-1] == "Support"
    accountant.post("/financial-dimensions", {"name": "Department", "values": []}, expect=409)
    accountant.post(
        "/financial-dimensions", {"name": "CostCenter", "values": ["A", "A"]}, expect=422
    )
    assert accountant.get("/financial-dimensions")["items"] == [changed]


def test_each_legal_entity_has_its_own_posting_profile(accountant):
    _accounts(accountant)
    [default] = accountant.get("/legal-entities")["items"]
    uk = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "GBP"})
    entry = {"posting_type": "sales_tax", "transaction_class": None, "account": "600300"}
    body = {"legal_entity_id": uk["id"], "entries": [entry]}
    profile = accountant.request("PUT", "/posting-profiles", 200, json=body)
    assert profile == {"legal_entity_id": uk["id"], "entries": [entry]}
    assert accountant.get("/posting-profiles", legal_entity_id=uk["id"]) == profile
    assert accountant.get("/posting-profiles") == {"legal_entity_id": default["id"], "entries": []}
