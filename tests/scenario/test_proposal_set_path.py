"""Invoice proposals through the set path and the single path give the same rows: the
periodic import and posting (chunks of many proposals) against the one-proposal calls
(a set of one) on the same data, every proposal line, voucher line and issued document
figure; and an interrupted periodic posting leaves whole chunks, which a rerun
completes with every voucher and every number once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from billable.documents import issuing
from billable.erp import ledger, proposal_import, proposal_ledger, proposal_posting
from billable.persistence.tables import (
    CustomerInvoice,
    InvoiceProposal,
    InvoiceProposalLine,
    Sequence,
    Voucher,
    VoucherLine,
)
from tests.scenario.proposal_world import ProposalWorld, build, post_journal

#: (hours, day worked, taxed): each made twice, one proposal for each path; a day of
#: its own per case, as a resource's day holds at most 24 hours.
CASES = [
    ("4", "2026-08-24", True),
    ("3", "2026-08-25", False),
    ("2.5", "2026-08-26", True),
    ("7", "2026-08-27", True),
]


def _confirmed_pair(pw: ProposalWorld, hours: str, date: str) -> list[int]:
    """Two invoices of the same hours on the same day, confirmed: their proposal ids."""
    ids = []
    for _ in range(2):
        invoice = pw.confirmed_invoice(hours, date)
        ids.append(int(pw.proposal_of(invoice)["id"]))
    return ids


def _world_with_pairs(
    make_api: Any, fixed_rate: str | None
) -> tuple[ProposalWorld, list[int], list[int]]:
    """Pairs of identical proposals, their time posted through the journal (taxed by
    UK / SERV or untaxed): (the world, the singles, the set)."""
    pw = build(make_api, fixed_rate=fixed_rate)
    singles, many = [], []
    for hours, date, taxed in CASES:
        one, other = _confirmed_pair(pw, hours, date)
        singles.append(one)
        many.append(other)
        if taxed:
            post_journal(pw, sales_tax_group="UK", item_sales_tax_group="SERV")
        else:
            post_journal(pw)
    return pw, singles, many


def _figures(engine: Engine, proposal_id: int) -> dict[str, Any]:
    """Everything posting a proposal wrote, without ids and numbers."""
    with Session(engine) as s:
        proposal = s.get(InvoiceProposal, proposal_id)
        assert proposal is not None
        lines = [
            (
                ln.transaction_class,
                ln.amount,
                ln.tax,
                ln.taxes,
                ln.sales_tax_group,
                ln.item_sales_tax_group,
                ln.dimensions,
                ln.quantity,
                ln.price,
                ln.description,
            )
            for ln in s.scalars(
                select(InvoiceProposalLine)
                .where(InvoiceProposalLine.proposal_id == proposal_id)
                .order_by(InvoiceProposalLine.id)
            )
        ]
        vouchers = s.scalars(
            select(Voucher).where(
                Voucher.source_type == proposal_ledger.SOURCE_TYPE,
                Voucher.source_id == str(proposal_id),
            )
        ).all()
        [voucher] = vouchers
        voucher_lines = [
            (
                v.account,
                v.posting_type,
                v.currency,
                v.amount_transaction,
                v.amount_accounting,
                v.exchange_rate,
                v.dimensions,
                v.tax_code,
            )
            for v in s.scalars(
                select(VoucherLine)
                .where(VoucherLine.voucher_id == voucher.id)
                .order_by(VoucherLine.id)
            )
        ]
        [issued] = s.scalars(
            select(CustomerInvoice).where(CustomerInvoice.proposal_id == proposal_id)
        ).all()
        document = (
            issued.kind,
            issued.currency,
            issued.total_net,
            issued.total_tax,
            issued.total_amount,
            issued.lines,
            issued.tax_breakdown,
            issued.issue_date,
            issued.due_date,
            issued.period_start,
            issued.period_end,
            issued.seller,
            issued.buyer,
        )
        return {
            "proposal": (
                proposal.status,
                proposal.exchange_rate,
                proposal.total_amount_accounting,
                proposal.total_tax_accounting,
                voucher.date,
            ),
            "lines": lines,
            "voucher": voucher_lines,
            "document": document,
        }


@pytest.mark.parametrize("fixed_rate", ["1.25", None], ids=["fixed rate", "day's rate"])
def test_the_set_path_writes_every_line_voucher_and_document_the_single_calls_write(
    make_api: Any, uow_factory: Any, engine: Engine, fixed_rate: str | None
) -> None:
    pw, singles, many = _world_with_pairs(make_api, fixed_rate)
    for ident in singles:  # the one-proposal calls, through the API
        pw.accountant.action(f"/invoice-proposals/{ident}/import-from-staging")
        pw.accountant.action(f"/invoice-proposals/{ident}/post", {"posting": True})
    imported = proposal_import.import_all(uow_factory(), chunk=3)  # chunks of 3 and 1
    assert sorted(imported.imported) == sorted(many) and imported.waiting == []
    posted = proposal_posting.post_ready(uow_factory, chunk=3)
    assert len(posted.posted) == len(many) and posted.failed == {}
    for one, other in zip(singles, many, strict=True):
        single, in_set = _figures(engine, one), _figures(engine, other)
        assert single == in_set
    taxed = _figures(engine, many[0])
    assert any(line[3] for line in taxed["lines"]), "the taxed case carries tax"
    assert any(v[7] == "VAT20" for v in taxed["voucher"]), "a sales tax line per code"


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, failing_call: int) -> None:
    """Make the issuing of the ``failing_call``-th chunk raise, after its vouchers were
    written in its transaction: as if the process died there."""
    real = issuing.issue_many
    calls = {"n": 0}

    def dying(session: Any, proposals: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise RuntimeError("killed in the middle of a chunk")
        return real(session, proposals)

    monkeypatch.setattr(proposal_ledger.issuing, "issue_many", dying)


def test_an_interrupted_posting_leaves_whole_chunks_and_a_rerun_posts_each_once(
    make_api: Any, uow_factory: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pw = build(make_api)
    ids = [int(pw.proposal_of(pw.confirmed_invoice(h))["id"]) for h in ("1", "2", "3", "4", "5")]
    post_journal(pw, sales_tax_group="UK", item_sales_tax_group="SERV")
    assert len(proposal_import.import_all(uow_factory()).imported) == len(ids)

    _fail_on_call(monkeypatch, failing_call=2)
    with pytest.raises(RuntimeError):
        proposal_posting.post_ready(uow_factory, chunk=2)
    with Session(engine) as s:
        posted = s.scalars(
            select(InvoiceProposal.id).where(InvoiceProposal.posted_at.is_not(None))
        ).all()
        assert sorted(posted) == ids[:2], "the first chunk whole, the second not at all"
        sources = s.scalars(
            select(Voucher.source_id).where(Voucher.source_type == proposal_ledger.SOURCE_TYPE)
        ).all()
        assert sorted(sources) == sorted(str(i) for i in ids[:2])

    monkeypatch.undo()
    rerun = proposal_posting.post_ready(uow_factory, chunk=2)
    assert len(rerun.posted) == 3 and rerun.failed == {}
    with Session(engine) as s:
        sources = s.scalars(
            select(Voucher.source_id).where(Voucher.source_type == proposal_ledger.SOURCE_TYPE)
        ).all()
        assert sorted(sources) == sorted(str(i) for i in ids), "every voucher once"
        numbers = sorted(s.scalars(select(Voucher.number)))
        assert numbers == list(range(1, len(numbers) + 1)), "voucher numbers without gaps"
        issued = s.scalars(select(CustomerInvoice).order_by(CustomerInvoice.sequence)).all()
        assert [row.proposal_id for row in issued] == ids, "issued in the proposals' order"
        assert [row.sequence for row in issued] == list(range(1, len(ids) + 1)), "no gaps"
        [entity_id] = {row.legal_entity_id for row in issued}
        counter = s.scalar(
            select(Sequence.next_value).where(Sequence.name == issuing.sequence_name(entity_id))
        )
        assert counter == len(ids)
        trial = ledger.trial_balance(s, dt.date(2026, 12, 31))
        assert trial.total_balance == 0 and trial.total_debit == trial.total_credit
