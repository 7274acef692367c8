"""Regressions found reviewing the merged ERP side (journal, proposals, tax, print)."""

from __future__ import annotations

from tests.scenario.proposal_world import build, post_journal


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
