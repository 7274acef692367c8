"""Regressions found reviewing the merged ERP side (journal, proposals, tax, print)."""

from __future__ import annotations

from tests.builders import make_world
from tests.scenario.proposal_world import build, post_journal
from tests.scenario.support import fields_of, problem
from tests.scenario.tax_world import parameters, set_up_tax, tax_master_data


def test_a_proposal_whose_only_time_went_complimentary_still_reverses_its_wip(make_api):
    pw = build(make_api)
    pw.world.approved_time("4", "2026-08-27")
    post_journal(pw)  # the 4 h accrue 1,000 GBP of WIP
    pw.world.mark_all_ready()
    invoice = pw.world.invoice()
    [line] = invoice["lines"]
    [detail] = line["details"]
    pw.api.patch(f"/invoice-line-details/{detail['id']}", {"billing_type": "complimentary"})
    pw.api.action(f"/invoices/{invoice['id']}/confirm")
    proposal = pw.proposal_of(invoice)
    ready = pw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    assert (ready["status"], ready["lines"]) == ("ready", [])

    posted = pw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    assert posted["status"] == "posted"
    assert pw.voucher_lines(posted) == [
        ("161300", "GBP", "-1000.00", "-1250.00"),
        ("420200", "GBP", "1000.00", "1250.00"),
    ]
    assert posted["accounting_totals"] == {"amount": "0.00", "tax": "0.00", "total": "0.00"}
    report = pw.accountant.get("/ledger/trial-balance", date="2026-12-31")
    balances = {row["account"]: row["balance"] for row in report["accounts"]}
    assert (balances["161300"], balances["420200"]) == ("0.00", "0.00")


def test_a_proposal_with_nothing_billed_and_no_wip_posts_without_a_voucher(make_api):
    pw = build(make_api)
    pw.world.approved_time("4", "2026-08-27")
    [sale] = [a for a in pw.api.get("/actuals")["items"] if a["transaction_type"] != "cost"]
    pw.api.patch(f"/actuals/{sale['id']}", {"billing_type": "non_chargeable"})
    post_journal(pw)  # not chargeable: no WIP
    pw.world.mark_all_ready()
    invoice = pw.api.action(f"/invoices/{pw.world.invoice()['id']}/confirm")
    proposal = pw.proposal_of(invoice)
    pw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    posted = pw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    assert (posted["status"], posted["voucher_id"]) == ("posted", None)
    assert posted["accounting_totals"] == {"amount": "0.00", "tax": "0.00", "total": "0.00"}
    vouchers = pw.accountant.get("/vouchers", source_type="invoice_proposal")["items"]
    assert vouchers == []


def test_a_milestone_whose_sales_tax_group_was_cleared_is_proposed_without_tax(make_api):
    accountant = make_api("accountant")
    set_up_tax(accountant)
    parameters(accountant, "contract", milestone="MILESTONE")
    world = make_world(make_api("project_manager"))
    tax_master_data(world)
    line = world.line(["time"], billing_method="fixed_price", amount="9000.00")
    body = {"name": "Design", "date": "2026-08-15", "amount": "3000.00"}
    milestone = world.api.post(f"/contract-lines/{line['id']}/milestones", body)
    cleared = accountant.patch(f"/milestones/{milestone['id']}", {"sales_tax_group": None})
    assert (cleared["sales_tax_group"], cleared["tax"]) == (None, "0.00")
    ready = {"milestone_ids": [milestone["id"]]}
    world.api.action("/billing-backlog/ready-to-invoice", ready, 204)
    invoice = world.api.action(f"/invoices/{world.invoice()['id']}/confirm")
    assert invoice["total_tax"] == "0.00"

    [proposal] = accountant.get("/invoice-proposals", invoice_id=invoice["id"])["items"]
    ready_proposal = accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")
    [proposed] = ready_proposal["lines"]
    # Seed 003: the proposal line uses the on-account transaction's values, a cleared
    # group included; it must not default the group back and tax the customer.
    assert (proposed["sales_tax_group"], proposed["tax"]) == (None, "0.00")
    assert ready_proposal["totals"]["tax"] == "0.00"


def test_a_credited_milestone_billed_again_reverses_the_wip_the_journal_accrued_for_it(make_api):
    pw = build(make_api)
    api, accountant = pw.api, pw.accountant
    line = pw.world.line(["fee"], billing_method="fixed_price", amount="3000.00")
    body = {"name": "Design", "date": "2026-08-15", "amount": "1000.00"}
    milestone = api.post(f"/contract-lines/{line['id']}/milestones", body)
    api.action("/billing-backlog/ready-to-invoice", {"milestone_ids": [milestone["id"]]}, 204)
    invoice = api.action(f"/invoices/{pw.world.invoice()['id']}/confirm")
    first = pw.proposal_of(invoice)
    accountant.action(f"/invoice-proposals/{first['id']}/import-from-staging")
    accountant.action(f"/invoice-proposals/{first['id']}/post", {"posting": True})
    # Credit the milestone in full: its amount returns to the backlog as an unbilled
    # sale, which the integration journal takes (and accrues as WIP).
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    [detail] = [d for ln in corrective["lines"] for d in ln["details"]]
    api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "0"})
    api.action(f"/invoices/{corrective['id']}/confirm")
    credit = pw.proposal_of(corrective)
    accountant.action(f"/invoice-proposals/{credit['id']}/import-from-staging")
    accountant.action(f"/invoice-proposals/{credit['id']}/post", {"posting": True})

    pw.world.mark_all_ready()
    again = api.action(f"/invoices/{pw.world.invoice('2026-09-30')['id']}/confirm")
    proposal = pw.proposal_of(again)
    path = f"/invoice-proposals/{proposal['id']}/import-from-staging"
    # Not posted through the journal yet: the proposal waits, or the WIP the journal
    # accrues afterwards would never be reversed.
    assert "waits for 1" in problem(accountant, "POST", path, 409)["detail"]
    post_journal(pw)
    accountant.action(path)
    accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    report = accountant.get("/ledger/trial-balance", date="2026-12-31")
    balances = {row["account"]: row["balance"] for row in report["accounts"]}
    assert (balances["161300"], balances["420200"]) == ("0.00", "0.00")
    assert report["total_balance"] == "0.00"


def test_a_project_or_contract_keeps_its_legal_entity_once_the_ledger_knows_it(make_api):
    pw = build(make_api)
    api, accountant = pw.api, pw.accountant
    other = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "USD"})
    invoice = pw.confirmed_invoice()
    post_journal(pw)  # the WIP is in the default entity's ledger
    project_path = f"/projects/{pw.world.project['id']}"
    contract_path = f"/contracts/{pw.world.contract['id']}"
    move = {"legal_entity_id": other["id"]}
    # Moving either would post the proposal's WIP reversal in another entity's ledger
    # than the one the journal accrued it in: refused, and nothing changes.
    for path in (project_path, contract_path):
        refused = problem(api, "PATCH", path, 409, move)
        assert fields_of(refused) == ["legal_entity_id"]
        assert api.get(path)["legal_entity_id"] != other["id"]
    proposal = pw.proposal_of(invoice)
    assert proposal["legal_entity_id"] != other["id"]
    # A project without ledger activity may still move.
    body = {"name": "Fresh", "customer_id": pw.world.customer["id"]}
    body["cost_price_list_id"] = pw.world.project["cost_price_list_id"]
    fresh = api.post("/projects", body)
    assert api.patch(f"/projects/{fresh['id']}", move)["legal_entity_id"] == other["id"]
