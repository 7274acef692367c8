"""Seed 003 through the integration journal, with its real numbers: Julia's 4 approved
hours become a cost line (480 USD at 100) and a sales line (1,000 GBP at 125 under the
fixed-rate agreement); posting writes 600300/540100/161300/420200 in both currencies.
Rates follow the transaction date or an agreement switched on while the line is pending;
"Distribute amounts" splits to the cent; "Adjust accounting" reverses and re-posts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenario.journal_world import (
    JournalWorld,
    seed_world,
    seen_lines,
    voucher_lines,
)

SEED_POSTING = [
    ("600300", "USD", "-480.00", "-480.00", "1", "payroll_allocation"),
    ("540100", "USD", "480.00", "480.00", "1", "project_cost"),
]
SEED_WIP = [
    ("161300", "GBP", "1000.00", "1250.00", "1.25", "wip_sales_value"),
    ("420200", "GBP", "-1000.00", "-1250.00", "1.25", "accrued_revenue"),
]


@pytest.fixture
def seed(make_api: Any, uow_factory: Any) -> JournalWorld:
    return seed_world(make_api, uow_factory)


def _trial_balance(seed: JournalWorld, date: str = "2026-12-31") -> dict[str, str]:
    report = seed.accountant.get("/ledger/trial-balance", date=date)
    assert report["total_balance"] == "0.00"
    return {row["account"]: row["balance"] for row in report["accounts"]}


def test_seed_003s_four_hours_become_a_cost_line_and_a_sales_line_at_the_agreed_rate(seed):
    seed.agreement("1.25")
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    assert journal["status"] == "draft"
    assert seen_lines(journal) == [
        ("cost", "4", "480.00", "0.00", "USD", "100"),
        ("sales", "4", "0.00", "1000.00", "GBP", "125"),
    ]
    resource = seed.world.resource["id"]
    assert {line["resource_id"] for line in journal["lines"]} == {resource}
    dims = {"BusinessUnit": "001", "Department": "022"}
    assert [line["dimensions"] for line in journal["lines"]] == [dims, dims]


def test_posting_seed_003s_journal_writes_cost_and_wip_in_both_currencies(seed):
    seed.agreement("1.25")
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    posted = seed.post(journal)
    assert posted["status"] == "posted"
    assert [line["price_exchange_rate"] for line in posted["lines"]] == ["100", "125"]
    # One voucher per journal and date: the cost pair and the WIP pair, each line
    # naming the transaction it records.
    [voucher] = seed.vouchers(source_type="integration_journal", source_id=journal["id"])
    assert voucher["date"] == "2026-08-27"
    assert voucher_lines(voucher) == SEED_POSTING + SEED_WIP
    assert _trial_balance(seed) == {
        "161300": "1250.00",
        "420200": "-1250.00",
        "540100": "480.00",
        "600300": "-480.00",
    }
    transactions = seed.accountant.get("/posted-transactions")["items"]
    assert [
        (t["kind"], t["amount"], t["currency"], t["exchange_rate"], t["accrued"], t["status"])
        for t in transactions
    ] == [
        ("cost", "480.00", "USD", "1", False, "posted"),
        ("sales", "1000.00", "GBP", "1.25", True, "posted"),
    ]
    assert [t["voucher_id"] for t in transactions] == [voucher["id"], voucher["id"]]
    links = [line["posted_transaction_id"] for line in voucher["lines"]]
    assert links == [transactions[0]["id"]] * 2 + [transactions[1]["id"]] * 2
    assert transactions[1]["parts"] == [
        {
            "percent": "100",
            "dimensions": {"BusinessUnit": "001", "Department": "022"},
            "amount": "1000.00",
        }
    ]
    # Posted: nothing is left to import, and the journal cannot be posted again.
    seed.import_journal(expect=409)
    seed.post(journal, expect=409)
    assert len(seed.vouchers()) == 1


def test_a_floating_rate_is_the_one_in_force_on_the_transaction_date(seed):
    seed.rate("1.20", "2026-08-01")
    seed.rate("1.40", "2026-08-28")
    seed.world.approved_time("4", "2026-08-27")
    seed.world.approved_time("4", "2026-08-28")
    journal = seed.import_journal()
    assert [r[5] for r in seen_lines(journal)] == ["100", "120", "100", "140"]
    seed.post(journal)
    wip = [
        line
        for v in seed.vouchers(source_type="integration_journal")
        for line in voucher_lines(v)
        if line[5] == "wip_sales_value"
    ]
    assert wip == [
        ("161300", "GBP", "1000.00", "1200.00", "1.2", "wip_sales_value"),
        ("161300", "GBP", "1000.00", "1400.00", "1.4", "wip_sales_value"),
    ]
    # A later rate never changes a posted line: it keeps the rate it was posted at.
    seed.rate("1.50", "2026-08-29")
    seed.agreement("1.10")
    again = seed.accountant.get(f"/integration-journals/{journal['id']}")
    assert [r[5] for r in seen_lines(again)] == ["100", "120", "100", "140"]


def test_a_fixed_rate_agreement_switched_on_while_a_line_is_pending_gives_it_the_new_rate(seed):
    seed.rate("1.30", "2026-08-01")
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.import_journal()
    assert [r[5] for r in seen_lines(journal)] == ["100", "130"]
    seed.agreement("1.25")
    pending = seed.accountant.get(f"/integration-journals/{journal['id']}")
    assert [r[5] for r in seen_lines(pending)] == ["100", "125"]
    seed.post(journal)
    [voucher] = seed.vouchers(source_type="integration_journal")
    assert voucher_lines(voucher)[2:] == SEED_WIP


def test_distributing_100_00_in_three_gives_33_34_33_33_33_33_and_posts_each_part(seed):
    seed.agreement("1.25")
    seed.world.approved_time("0.4", "2026-08-27")  # 0.4 h x 250 GBP = 100.00
    journal = seed.import_journal()
    sales = journal["lines"][1]
    assert sales["sales_amount"] == "100.00"
    shares = [
        {"percent": "33.333334", "dimensions": {"BusinessUnit": "001"}},
        {"percent": "33.333333", "dimensions": {"BusinessUnit": "002"}},
        {"percent": "33.333333", "dimensions": {"BusinessUnit": "003"}},
    ]
    line = seed.accountant.action(
        f"/integration-journal-lines/{sales['id']}/distribute", {"shares": shares}
    )
    assert [p["amount"] for p in line["distribution"]] == ["33.34", "33.33", "33.33"]
    seed.post(journal)
    [voucher] = seed.vouchers(source_type="integration_journal")
    assert [
        (row["account"], row["amount_transaction"], row["amount_accounting"], row["dimensions"])
        for row in voucher["lines"][2:]
    ] == [
        # Each share keeps the line's Department (the project's 022): it names only a
        # business unit.
        ("161300", "33.34", "41.68", {"BusinessUnit": "001", "Department": "022"}),
        ("420200", "-33.34", "-41.68", {"BusinessUnit": "001", "Department": "022"}),
        ("161300", "33.33", "41.66", {"BusinessUnit": "002", "Department": "022"}),
        ("420200", "-33.33", "-41.66", {"BusinessUnit": "002", "Department": "022"}),
        ("161300", "33.33", "41.66", {"BusinessUnit": "003", "Department": "022"}),
        ("420200", "-33.33", "-41.66", {"BusinessUnit": "003", "Department": "022"}),
    ]
    sale = seed.accountant.get("/posted-transactions", actual_id=sales["actual_id"])["items"]
    assert [p["amount"] for p in sale[0]["parts"]] == ["33.34", "33.33", "33.33"]
    assert _trial_balance(seed)["161300"] == "125.00"  # 41.68 + 41.66 + 41.66


def test_adjust_accounting_reverses_and_reposts_at_the_stored_rate_until_the_invoice(seed):
    seed.agreement("1.25")
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.post(seed.import_journal())
    sales_line = journal["lines"][1]
    [old] = seed.accountant.get("/posted-transactions", actual_id=sales_line["actual_id"])["items"]
    original = seed.accountant.get(f"/vouchers/{old['voucher_id']}")
    seed.agreement("1.50")  # the adjustment keeps the rate the transaction was posted at
    new = seed.accountant.post(
        f"/posted-transactions/{old['id']}/adjust-accounting",
        {"dimensions": {"BusinessUnit": "002", "Department": "023"}},
    )
    assert (new["replaces_id"], new["status"], new["exchange_rate"]) == (
        old["id"],
        "posted",
        "1.25",
    )
    assert new["parts"][0]["dimensions"] == {"BusinessUnit": "002", "Department": "023"}
    assert seed.accountant.get(f"/posted-transactions/{old['id']}")["status"] == "adjusted"
    assert seed.accountant.get(f"/vouchers/{old['voucher_id']}") == original
    reversal, repost = seed.vouchers(source_type="adjust_accounting", source_id=old["id"])
    assert voucher_lines(reversal) == [
        ("161300", "GBP", "-1000.00", "-1250.00", "1.25", "wip_sales_value"),
        ("420200", "GBP", "1000.00", "1250.00", "1.25", "accrued_revenue"),
    ]
    assert [line["dimensions"] for line in reversal["lines"]] == [
        {"BusinessUnit": "001", "Department": "022"}
    ] * 2
    assert voucher_lines(repost) == SEED_WIP
    assert [line["dimensions"] for line in repost["lines"]] == [
        {"BusinessUnit": "002", "Department": "023"}
    ] * 2
    assert new["voucher_id"] == repost["id"]
    assert _trial_balance(seed)["161300"] == "1250.00"
    # The old transaction is adjusted already: refused, nothing written.
    seed.accountant.post(
        f"/posted-transactions/{old['id']}/adjust-accounting",
        {"dimensions": {"BusinessUnit": "003"}},
        expect=409,
    )
    # Once a confirmed invoice consumed the actual, its accounting is fixed.
    seed.world.mark_all_ready()
    invoice = seed.world.invoice()
    seed.pm.action(f"/invoices/{invoice['id']}/confirm")
    seed.accountant.post(
        f"/posted-transactions/{new['id']}/adjust-accounting",
        {"dimensions": {"BusinessUnit": "003"}},
        expect=409,
    )
    assert len(seed.vouchers()) == 3
    assert seed.accountant.get(f"/posted-transactions/{new['id']}")["status"] == "posted"


def test_a_cost_transaction_can_be_redistributed_after_its_invoice(seed):
    seed.agreement("1.25")
    seed.world.approved_time("4", "2026-08-27")
    journal = seed.post(seed.import_journal())
    cost_line = journal["lines"][0]
    [cost] = seed.accountant.get("/posted-transactions", actual_id=cost_line["actual_id"])["items"]
    shares = [
        {"percent": "75", "dimensions": {"BusinessUnit": "001"}},
        {"percent": "25", "dimensions": {"BusinessUnit": "002"}},
    ]
    new = seed.accountant.post(
        f"/posted-transactions/{cost['id']}/adjust-accounting", {"shares": shares}
    )
    assert [p["amount"] for p in new["parts"]] == ["360.00", "120.00"]
    _, repost = seed.vouchers(source_type="adjust_accounting", source_id=cost["id"])
    assert [(line["account"], line["amount_accounting"]) for line in repost["lines"]] == [
        ("600300", "-360.00"),
        ("540100", "360.00"),
        ("600300", "-120.00"),
        ("540100", "120.00"),
    ]
    assert _trial_balance(seed)["540100"] == "480.00"


def test_a_share_keeps_the_lines_other_dimensions_unless_it_names_them(seed):
    seed.agreement("1.25")
    seed.world.approved_time("0.4", "2026-08-27")  # 100.00 GBP
    journal = seed.import_journal()
    sales = journal["lines"][1]
    assert sales["dimensions"] == {"BusinessUnit": "001", "Department": "022"}
    shares = [
        {"percent": "60", "dimensions": {"BusinessUnit": "002"}},
        {"percent": "40", "dimensions": {"BusinessUnit": "003", "Department": "023"}},
    ]
    line = seed.accountant.action(
        f"/integration-journal-lines/{sales['id']}/distribute", {"shares": shares}
    )
    assert [(p["amount"], p["dimensions"]) for p in line["distribution"]] == [
        ("60.00", {"BusinessUnit": "002", "Department": "022"}),
        ("40.00", {"BusinessUnit": "003", "Department": "023"}),
    ]
    seed.post(journal)
    # One voucher per journal and date (docs/decisions.md): the shares' WIP lines in it.
    (voucher,) = seed.vouchers(source_type="integration_journal")
    shares = {"60.00", "-60.00", "40.00", "-40.00"}
    wip = [row for row in voucher["lines"] if row["amount_transaction"] in shares]
    assert [(row["amount_transaction"], row["dimensions"]) for row in wip] == [
        ("60.00", {"BusinessUnit": "002", "Department": "022"}),
        ("-60.00", {"BusinessUnit": "002", "Department": "022"}),
        ("40.00", {"BusinessUnit": "003", "Department": "023"}),
        ("-40.00", {"BusinessUnit": "003", "Department": "023"}),
    ]
