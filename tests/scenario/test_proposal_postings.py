"""Posting proposals beyond the seed's example: a corrective invoice credits, a draft
edit reverses the WIP actually accrued, the periodic job (HTTP and CLI) posts every
ready proposal and reports the ones it could not, and the ledger stays balanced."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from billable.cli.main import app
from billable.erp import proposal_posting
from tests.scenario.proposal_world import ACCOUNTS, ProposalWorld, build, post_journal
from tests.scenario.support import problem
from tests.scenario.test_invoice_runs import _wait_job


def _post(pw: ProposalWorld, proposal: dict[str, Any]) -> dict[str, Any]:
    return pw.accountant.action(f"/invoice-proposals/{proposal['id']}/post", {"posting": True})


def _import(pw: ProposalWorld, proposal: dict[str, Any]) -> dict[str, Any]:
    return pw.accountant.action(f"/invoice-proposals/{proposal['id']}/import-from-staging")


def _zero_trial_balance(pw: ProposalWorld) -> dict[str, str]:
    report = pw.accountant.get("/ledger/trial-balance", date="2026-12-31")
    assert report["total_balance"] == "0.00"
    assert report["total_debit"] == report["total_credit"]
    return {row["account"]: row["balance"] for row in report["accounts"]}


def test_a_corrective_invoice_posts_as_a_credit_and_re_accrues_no_wip(make_api, uow_factory):
    pw = build(make_api)
    invoice = pw.confirmed_invoice("4")
    post_journal(pw)
    _post(pw, _import(pw, pw.proposal_of(invoice)))

    corrective = pw.api.post(f"/invoices/{invoice['id']}/correct")
    [detail] = corrective["lines"][0]["details"]
    pw.api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1"})
    pw.api.action(f"/invoices/{corrective['id']}/confirm")
    credit = pw.proposal_of(corrective)
    assert credit["number"] == corrective["number"]
    ready = _import(pw, credit)  # nothing to wait for: it consumed no unbilled actual
    assert [(ln["quantity"], ln["amount"]) for ln in ready["lines"]] == [
        ("-4", "-1000.00"),
        ("1", "250.00"),
    ]
    assert ready["totals"]["total"] == "-750.00"
    posted = _post(pw, ready)
    assert pw.voucher_lines(posted) == [
        ("411100", "GBP", "1000.00", "1250.00"),
        ("411100", "GBP", "-250.00", "-312.50"),
        ("130100", "GBP", "-750.00", "-937.50"),
    ]
    assert posted["accounting_totals"]["total"] == "-937.50"
    # The 3 h credited return to the backlog and go through the journal again.
    [again] = post_journal(pw)
    assert again is not None
    balances = _zero_trial_balance(pw)
    assert balances["161300"] == "937.50"  # 3 h x 250 GBP x 1.25, accrued once more
    assert balances["411100"] == "-312.50"
    assert balances["130100"] == "312.50"


def test_a_credit_mirrors_the_tax_it_corrects_even_after_the_rate_changed(make_api):
    pw = build(make_api)
    invoice = pw.confirmed_invoice("4")
    post_journal(pw, sales_tax_group="UK", item_sales_tax_group="SERV")
    charged = _post(pw, _import(pw, pw.proposal_of(invoice)))
    assert charged["lines"][0]["tax"] == "200.00"  # 1,000.00 GBP at 20 %
    [code] = pw.accountant.get("/tax-codes")["items"]
    pw.accountant.patch(f"/tax-codes/{code['id']}", {"rate": "25"})

    corrective = pw.api.post(f"/invoices/{invoice['id']}/correct")
    [detail] = corrective["lines"][0]["details"]
    pw.api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "1"})
    pw.api.action(f"/invoices/{corrective['id']}/confirm")
    credit = _import(pw, pw.proposal_of(corrective))
    reversal, rebilled = credit["lines"]
    assert (reversal["amount"], reversal["tax"]) == ("-1000.00", "-200.00")  # as charged
    assert [t["rate"] for t in reversal["taxes"]] == ["20"]
    assert (rebilled["amount"], rebilled["tax"]) == ("250.00", "62.50")  # today's 25 %


def test_a_draft_edit_reverses_the_wip_accrued_not_the_amount_billed(make_api, uow_factory):
    pw = build(make_api)
    pw.world.approved_time("8")
    post_journal(pw)  # 8 h = 2,000 GBP of WIP
    pw.world.mark_all_ready()
    invoice = pw.world.invoice()
    [detail] = invoice["lines"][0]["details"]
    pw.api.patch(f"/invoice-line-details/{detail['id']}", {"quantity": "6"})
    pw.api.action(f"/invoices/{invoice['id']}/confirm")
    posted = _post(pw, _import(pw, pw.proposal_of(invoice)))
    assert pw.voucher_lines(posted) == [
        ("161300", "GBP", "-2000.00", "-2500.00"),
        ("420200", "GBP", "2000.00", "2500.00"),
        ("411100", "GBP", "-1500.00", "-1875.00"),
        ("130100", "GBP", "1500.00", "1875.00"),
    ]
    post_journal(pw)  # the 2 h remainder accrues again
    balances = _zero_trial_balance(pw)
    assert (balances["161300"], balances["420200"]) == ("625.00", "-625.00")


def test_the_periodic_job_posts_every_ready_proposal_and_reports_refusals(
    make_api, uow_factory, app_client, engine
):
    pw = build(make_api)
    pw.world.line(["expense"])
    first = pw.confirmed_invoice("4", "2026-08-27")
    second = pw.confirmed_invoice("2", "2026-08-28")
    pw.world.approved_expense("2", "33.33", "2026-08-28")
    pw.world.mark_all_ready()
    third = pw.api.action(f"/invoices/{pw.world.invoice()['id']}/confirm")
    waiting = pw.confirmed_invoice("1", "2026-08-29")
    post_journal(pw)
    for invoice in (first, second, third):  # ``waiting`` is left for a later import
        _import(pw, pw.proposal_of(invoice))
    # Invoiced revenue only for time: the expense proposal cannot be posted.
    entries = [
        {"posting_type": p, "account": n, "transaction_class": "time"}
        if p == "invoiced_revenue"
        else {"posting_type": p, "account": n}
        for n, _, _, p in ACCOUNTS
    ]
    pw.accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})

    job_id = pw.accountant.action("/invoice-proposals/post-ready", expect=202)["job_id"]
    job = _wait_job(pw.accountant, app_client, engine, job_id)
    assert job["status"] == "succeeded"
    assert job["result"]["posted"] == [first["number"], second["number"]]
    [(number, reason)] = job["result"]["failed"].items()
    assert number == third["number"]
    assert "no ledger account for posting type invoiced_revenue for expense" in reason
    assert job["progress"] == {"done": 3, "total": 3}
    statuses = [pw.proposal_of(i)["status"] for i in (first, second, third, waiting)]
    assert statuses == ["posted", "posted", "ready", "waiting"]
    [note] = [n for n in pw.accountant.get("/notifications")["items"] if n["job_id"] == job_id]
    assert note["message"].startswith("2 invoice proposals posted, 1 failed")
    assert note["level"] == "error"  # it reports a failure
    _zero_trial_balance(pw)


def test_a_proposal_posted_by_hand_during_the_periodic_run_is_not_reported_as_failed(
    make_api, uow_factory, monkeypatch
):
    pw = build(make_api)
    first = pw.confirmed_invoice("4", "2026-08-27")
    post_journal(pw)
    proposal = _import(pw, pw.proposal_of(first))
    listed = proposal_posting.ready_proposals(uow_factory())
    _post(pw, proposal)  # the accountant posts it after the job listed it
    monkeypatch.setattr(proposal_posting, "ready_proposals", lambda uow: listed)
    result = proposal_posting.post_ready(uow_factory)
    assert result.as_dict() == {"posted": [], "failed": {}, "posted_meanwhile": [first["number"]]}
    assert len(pw.accountant.get("/vouchers", source_type="invoice_proposal")["items"]) == 1


def test_the_command_line_imports_and_posts_proposals(make_api, uow_factory, engine):
    pw = build(make_api)
    invoice = pw.confirmed_invoice()
    post_journal(pw)
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    env = {"BILLABLE_DATABASE_URL": url}
    imported = runner.invoke(app, ["proposals", "import"], env=env)
    assert imported.exit_code == 0, imported.output
    assert "1 invoice proposals imported, 0 still waiting" in imported.output
    posted = runner.invoke(app, ["proposals", "post"], env=env)
    assert posted.exit_code == 0, posted.output
    assert "1 invoice proposals posted." in posted.output
    assert pw.proposal_of(invoice)["status"] == "posted"
    assert runner.invoke(app, ["proposals", "post"], env=env).exit_code == 0
    assert len(pw.accountant.get("/vouchers", source_type="invoice_proposal")["items"]) == 1


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
