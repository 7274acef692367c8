"""Invoice proposals, seed 003: made on confirmation with the invoice's number, lines
imported from staging once the time is posted through the journal, posted as the
customer invoice (WIP reversed, revenue, tax, customer balance) in both currencies."""

from __future__ import annotations

from typing import Any

from tests.scenario.proposal_world import ProposalWorld, build, post_journal
from tests.scenario.support import problem


def _ready_proposal(pw: ProposalWorld, uow_factory: Any, **groups: str) -> dict[str, Any]:
    invoice = pw.confirmed_invoice()
    post_journal(pw, **groups)
    proposal = pw.proposal_of(invoice)
    return pw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")


def test_confirming_an_invoice_opens_a_waiting_proposal_with_the_same_number(make_api):
    pw = build(make_api)
    invoice = pw.confirmed_invoice()
    proposal = pw.proposal_of(invoice)
    assert (proposal["number"], proposal["invoice_id"]) == (invoice["number"], invoice["id"])
    assert (proposal["status"], proposal["currency"], proposal["lines"]) == ("waiting", "GBP", [])
    assert proposal["contract_id"] == pw.world.contract["id"]
    assert proposal["customer_id"] == pw.world.customer["id"]
    assert proposal["invoice_date"] == invoice["invoice_date"]
    entity = pw.accountant.get("/legal-entities")["items"][0]
    assert proposal["legal_entity_id"] == entity["id"]
    assert pw.accountant.get(f"/invoice-proposals/{proposal['id']}") == proposal
    assert pw.accountant.get("/invoice-proposals", status="ready")["items"] == []
    refused = problem(pw.accountant, "GET", "/invoice-proposals?status=lost", 422)
    assert refused["errors"][0]["field"] == "status"


def test_a_proposal_waits_until_its_time_is_posted_then_imports_selectively(make_api, uow_factory):
    pw = build(make_api)
    invoice = pw.confirmed_invoice()
    proposal = pw.proposal_of(invoice)
    path = f"/invoice-proposals/{proposal['id']}/import-from-staging"
    refused = problem(pw.accountant, "POST", path, 409)
    assert "waits for 1 unbilled sales transactions" in refused["detail"]
    assert "(time, 2026-08-27)" in refused["detail"]
    assert pw.proposal_of(invoice)["status"] == "waiting"

    post_journal(pw)
    ready = pw.accountant.action(path)
    assert ready["status"] == "ready"
    [line] = ready["lines"]
    assert (line["transaction_class"], line["quantity"], line["price"], line["amount"]) == (
        "time",
        "4",
        "250.00",
        "1000.00",
    )
    assert problem(pw.accountant, "POST", path, 409)["detail"].startswith(
        "cannot import an invoice proposal that is ready"
    )


def test_the_periodic_import_brings_in_only_proposals_whose_time_is_posted(make_api, uow_factory):
    pw = build(make_api)
    first = pw.confirmed_invoice("4", "2026-08-27")
    post_journal(pw)
    second = pw.confirmed_invoice("2", "2026-08-28")
    counts = pw.accountant.action("/invoice-proposals/import-from-staging")
    assert (counts["imported"], counts["waiting"]) == (1, 1)
    assert pw.proposal_of(first)["status"] == "ready"
    assert pw.proposal_of(second)["status"] == "waiting"
    post_journal(pw)
    counts = pw.accountant.action("/invoice-proposals/import-from-staging")
    assert (counts["imported"], counts["waiting"]) == (1, 0)
    assert pw.proposal_of(second)["totals"]["amount"] == "500.00"


def test_seed_003_posting_the_proposal_reverses_wip_and_bills_the_customer_at_1_25(
    make_api, uow_factory
):
    pw = build(make_api)
    proposal = _ready_proposal(pw, uow_factory)
    assert proposal["totals"] == {"amount": "1000.00", "tax": "0.00", "total": "1000.00"}
    assert proposal["accounting_totals"] == {
        "amount": "1250.00",
        "tax": "0.00",
        "total": "1250.00",
    }
    assert (proposal["accounting_currency"], proposal["exchange_rate"]) == ("USD", "1.25")

    posted = pw.accountant.action(
        f"/invoice-proposals/{proposal['id']}/post", {"posting": True, "print": False}
    )
    assert (posted["status"], posted["pro_forma"]) == ("posted", False)
    assert posted["voucher_id"] is not None and posted["posted_at"] is not None
    assert pw.voucher_lines(posted) == [
        ("161300", "GBP", "-1000.00", "-1250.00"),
        ("420200", "GBP", "1000.00", "1250.00"),
        ("411100", "GBP", "-1000.00", "-1250.00"),
        ("130100", "GBP", "1000.00", "1250.00"),
    ]
    report = pw.accountant.get("/ledger/trial-balance", date="2026-12-31")
    balances = {row["account"]: row["balance"] for row in report["accounts"]}
    assert (balances["161300"], balances["420200"]) == ("0.00", "0.00")
    assert (balances["411100"], balances["130100"]) == ("-1250.00", "1250.00")
    assert report["total_balance"] == "0.00"


def test_tax_posts_per_code_and_the_customer_owes_it_in_both_currencies(make_api, uow_factory):
    pw = build(make_api)
    proposal = _ready_proposal(pw, uow_factory, sales_tax_group="UK", item_sales_tax_group="SERV")
    [line] = proposal["lines"]
    assert line["taxes"] == [{"code": "VAT20", "rate": "20", "amount": "200.00"}]
    assert (line["sales_tax_group"], line["item_sales_tax_group"]) == ("UK", "SERV")
    assert proposal["totals"] == {"amount": "1000.00", "tax": "200.00", "total": "1200.00"}
    posted = pw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    assert pw.voucher_lines(posted) == [
        ("161300", "GBP", "-1000.00", "-1250.00"),
        ("420200", "GBP", "1000.00", "1250.00"),
        ("411100", "GBP", "-1000.00", "-1250.00"),
        ("222200", "GBP", "-200.00", "-250.00"),
        ("130100", "GBP", "1200.00", "1500.00"),
    ]
    assert posted["accounting_totals"] == {"amount": "1250.00", "tax": "250.00", "total": "1500.00"}


def test_a_pro_forma_writes_nothing_and_a_proposal_posts_once(make_api, uow_factory):
    pw = build(make_api)
    invoice = pw.confirmed_invoice()
    waiting = pw.proposal_of(invoice)
    path = f"/invoice-proposals/{waiting['id']}/post"
    assert (
        "that is waiting" in problem(pw.accountant, "POST", path, 409, {"posting": True})["detail"]
    )
    post_journal(pw)
    pw.accountant.action(f"/invoice-proposals/{waiting['id']}/import-from-staging")
    vouchers_before = pw.accountant.get("/vouchers")["items"]

    sample = pw.accountant.action(path, {"posting": False, "print": True}, writes=False)
    assert (sample["pro_forma"], sample["printed"], sample["status"]) == (True, True, "ready")
    assert sample["voucher_id"] is None
    assert "PRO FORMA" in sample["printout"] and invoice["number"] in sample["printout"]
    assert pw.accountant.get("/vouchers")["items"] == vouchers_before

    posted = pw.accountant.action(path, {"posting": True, "print": True})
    assert posted["printed"] and "PRO FORMA" not in posted["printout"]
    again = problem(pw.accountant, "POST", path, 409, {"posting": True})
    assert "that is posted" in again["detail"]
    assert len(pw.accountant.get("/vouchers", source_type="invoice_proposal")["items"]) == 1
    problem(pw.api, "POST", path, 403, {"posting": True})
    problem(pw.accountant, "POST", path, 422, {"posting": True, "colour": "red"})


def test_a_fixed_rate_agreement_switched_on_applies_to_a_pending_proposal(make_api, uow_factory):
    pw = build(make_api, fixed_rate=None)
    pw.accountant.post(
        "/exchange-rates",
        {"from_currency": "GBP", "to_currency": "USD", "rate": "1.3", "valid_from": "2026-08-01"},
    )
    proposal = _ready_proposal(pw, uow_factory)
    assert proposal["accounting_totals"]["amount"] == "1300.00"
    pw.accountant.request(
        "PUT",
        f"/contracts/{pw.world.contract['id']}/fixed-rate-agreement",
        200,
        json={"currency": "GBP", "rate": "1.25"},
    )
    pending = pw.accountant.get(f"/invoice-proposals/{proposal['id']}")
    assert (pending["exchange_rate"], pending["accounting_totals"]["amount"]) == (
        "1.25",
        "1250.00",
    )
    posted = pw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})
    # WIP was accrued at 1.30 and is reversed at 1.30; the invoice is billed at 1.25.
    assert pw.voucher_lines(posted) == [
        ("161300", "GBP", "-1000.00", "-1300.00"),
        ("420200", "GBP", "1000.00", "1300.00"),
        ("411100", "GBP", "-1000.00", "-1250.00"),
        ("130100", "GBP", "1000.00", "1250.00"),
    ]
    pw.accountant.request(
        "DELETE", f"/contracts/{pw.world.contract['id']}/fixed-rate-agreement", 204
    )
    after = pw.accountant.get(f"/invoice-proposals/{proposal['id']}")
    assert (after["exchange_rate"], after["accounting_totals"]["amount"]) == ("1.25", "1250.00")
