"""No query per row: every list reads a page of 500 in as many SQL statements as a page
of 5 (the customer documents' lists too), and the invoice view, a journal and the
backlog read as many for 500 lines as for a handful. Rows are multiplied by copying
one real row of each kind in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, func, insert, select

from billable.documents import delivery
from billable.persistence.tables import Base
from tests.conftest import Api
from tests.documents.world import build_documents
from tests.scenario import proposal_world
from tests.scenario.proposal_world import ProposalWorld

COPIES = 505  # a full page of 500, and more after it


#: A transaction's plumbing, not a query: a read's unit of work opens each of its
#: transactions read-only (``PRAGMA query_only`` on SQLite) and rolls it back.
PLUMBING = ("PRAGMA", "BEGIN", "ROLLBACK", "COMMIT", "SET TRANSACTION", "SAVEPOINT", "RELEASE")


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """The SQL queries run on ``engine`` inside the block (transaction plumbing left out)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(PLUMBING):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def clone(
    engine: Engine, table_name: str, source_id: Any, copies: int = COPIES, **overrides: Any
) -> list[int]:
    """Copy row ``source_id`` of a table ``copies`` times; an override is a value or a
    function of the copy's index. Returns the new ids, in order."""
    table = Base.metadata.tables[table_name]
    with engine.begin() as conn:
        row = dict(conn.execute(select(table).where(table.c.id == int(source_id))).mappings().one())
        row.pop("id")
        before = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        rows = [
            {**row, **{k: (v(i) if callable(v) else v) for k, v in overrides.items()}}
            for i in range(copies)
        ]
        conn.execute(insert(table), rows)
        return list(
            conn.execute(
                select(table.c.id).where(table.c.id > before).order_by(table.c.id)
            ).scalars()
        )


def _world(make_api: Any) -> tuple[ProposalWorld, dict[str, Any]]:
    """Seed 003's world with one row of every listed kind: a posted journal (vouchers,
    posted transactions), a confirmed invoice and its proposal, a draft journal, a
    fixed-price line with a ready milestone, and unbilled time in the backlog."""
    pw = proposal_world.build(make_api, fixed_rate=None)
    world, pm, accountant = pw.world, pw.api, pw.accountant
    pw.world.approved_time("4", "2026-08-03")
    proposal_world.post_journal(pw)
    invoice = pw.confirmed_invoice("2", "2026-08-10")
    world.approved_time("3", "2026-08-17")
    draft = accountant.post("/integration-journals/import-from-staging")
    fixed = world.line(["fee"], billing_method="fixed_price", amount="90000.00")
    milestone = pm.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Design", "date": "2026-08-15", "amount": "10.00", "kind": "fixed"},
    )
    pm.action(f"/milestones/{milestone['id']}/ready-to-invoice")
    world.approved_time("1", "2026-08-24")
    return pw, {"invoice": invoice, "draft": draft, "fixed": fixed, "milestone": milestone}


def _first(api: Api, path: str, **params: Any) -> dict[str, Any]:
    item: dict[str, Any] = api.get(path, limit=1, **params)["items"][0]
    return item


def _multiply(engine: Engine, pw: ProposalWorld, made: dict[str, Any]) -> None:
    """Every list gets more than a page of 500 rows."""
    pm, accountant = pw.api, pw.accountant
    waiting = pm.get("/billing-backlog", contract_id=pw.world.contract["id"])["actuals"][0]
    actuals = clone(engine, "actuals", waiting["id"], reverses_actual_id=None)
    invoices = clone(engine, "invoices", made["invoice"]["id"], number=lambda i: f"C{i:05}")
    clone(engine, "entries", _first(pm, "/time-entries")["id"])
    clone(engine, "contracts", pw.world.contract["id"])
    clone(engine, "contract_lines", made["fixed"]["id"])
    clone(engine, "milestones", made["milestone"]["id"])
    clone(engine, "price_lists", pw.world.sales_list["id"])
    clone(
        engine, "tasks", pm.post(f"/projects/{pw.world.project['id']}/tasks", {"name": "T"})["id"]
    )
    journal = _first(accountant, "/integration-journals")
    clone(engine, "integration_journals", journal["id"])
    draft_line = made["draft"]["lines"][0]
    clone(engine, "integration_journal_lines", draft_line["id"], actual_id=lambda i: actuals[i])
    voucher = _first(accountant, "/vouchers")
    clone(engine, "vouchers", voucher["id"], number=lambda i: 900000 + i)
    posted = _first(accountant, "/posted-transactions")
    clone(engine, "posted_transactions", posted["id"], actual_id=lambda i: actuals[i])
    proposal = _first(accountant, "/invoice-proposals")
    clone(
        engine,
        "invoice_proposals",
        proposal["id"],
        invoice_id=lambda i: invoices[i],
        number=lambda i: f"C{i:05}",
    )
    invoice = made["invoice"]
    line = invoice["lines"][0]
    clone(engine, "invoice_lines", line["id"])
    clone(
        engine,
        "invoice_line_details",
        line["details"][0]["id"],
        actual_id=None,
        original_billed_actual_id=None,
    )


def _lists(pw: ProposalWorld, made: dict[str, Any]) -> dict[str, tuple[Api, str, dict[str, Any]]]:
    pm, accountant = pw.api, pw.accountant
    contract, project = pw.world.contract["id"], pw.world.project["id"]
    return {
        "invoices": (pm, "/invoices", {}),
        "actuals": (pm, "/actuals", {}),
        "backlog across contracts": (pm, "/billing-backlog", {"project_id": project}),
        "time entries": (pm, "/time-entries", {}),
        "contracts": (pm, "/contracts", {}),
        "contract lines": (pm, f"/contracts/{contract}/lines", {}),
        "milestones": (pm, f"/contract-lines/{made['fixed']['id']}/milestones", {}),
        "price lists": (pm, "/price-lists", {}),
        "tasks": (pm, f"/projects/{project}/tasks", {}),
        "journals": (accountant, "/integration-journals", {}),
        "vouchers": (accountant, "/vouchers", {}),
        "posted transactions": (accountant, "/posted-transactions", {}),
        "invoice proposals": (accountant, "/invoice-proposals", {}),
        "invoice line details": (
            pm,
            f"/invoice-lines/{made['invoice']['lines'][0]['id']}/details",
            {},
        ),
    }


def _statements(engine: Engine, api: Api, path: str, **params: Any) -> int:
    """How many statements one GET of ``path`` runs."""
    with counting(engine) as seen:
        api.get(path, **params)
    return len(seen)


def _counts(
    engine: Engine, lists: dict[str, tuple[Api, str, dict[str, Any]]]
) -> dict[str, tuple[int, int]]:
    """List name -> statements for a page of 5 and of 500, each list holding over 500."""
    counts = {}
    for name, (api, path, params) in lists.items():
        page = api.get(path, limit=500, **params)
        assert len(page["items"]) == 500 and page["next_cursor"], name
        small = _statements(engine, api, path, limit=5, **params)
        large = _statements(engine, api, path, limit=500, **params)
        counts[name] = (small, large)
    return counts


def test_every_list_reads_500_rows_in_as_many_statements_as_5(
    engine: Engine, make_api: Any
) -> None:
    pw, made = _world(make_api)
    _multiply(engine, pw, made)
    counts = _counts(engine, _lists(pw, made))
    per_row = {name: c for name, c in counts.items() if c[0] != c[1]}
    assert not per_row, f"statements for 5 vs 500 rows: {per_row}"
    too_many = {name: c for name, c in counts.items() if c[1] > 12}
    assert not too_many, f"more than a dozen statements for a page: {too_many}"


def test_an_invoice_a_journal_and_the_backlog_read_500_lines_in_as_few_statements_as_one(
    engine: Engine, make_api: Any
) -> None:
    pw, made = _world(make_api)
    pm, accountant = pw.api, pw.accountant
    views = {
        "invoice": (pm, f"/invoices/{made['invoice']['id']}", {}),
        "draft journal": (accountant, f"/integration-journals/{made['draft']['id']}", {}),
        "backlog": (pm, "/billing-backlog", {"contract_id": pw.world.contract["id"]}),
    }
    before = {
        name: _statements(engine, api, path, **params)
        for name, (api, path, params) in views.items()
    }
    _multiply(engine, pw, made)
    body = pm.get(f"/invoices/{made['invoice']['id']}")
    first = body["lines"][0]
    assert len(body["lines"]) > 500 and first["detail_count"] > 500
    assert len(first["details"]) == 50 and first["details_next_cursor"]  # the rest by page
    assert len(accountant.get(f"/integration-journals/{made['draft']['id']}")["lines"]) > 500
    assert len(pm.get("/billing-backlog", contract_id=pw.world.contract["id"])["actuals"]) > 500
    after = {
        name: _statements(engine, api, path, **params)
        for name, (api, path, params) in views.items()
    }
    assert after == before


def _issued_copies(engine: Engine, dw: Any, issued: dict[str, Any]) -> None:
    """Copy the issued invoice (each copy on its own proposal and invoice, so numbers
    and proposals stay unique), its stored documents onto every copy, and its outbox row."""
    proposal = dw.pw.proposal_of({"id": issued["invoice_id"]})
    invoices = clone(engine, "invoices", issued["invoice_id"], number=lambda i: f"C{i:05}")
    proposals = clone(
        engine,
        "invoice_proposals",
        proposal["id"],
        invoice_id=lambda i: invoices[i],
        number=lambda i: f"C{i:05}",
    )
    copies = clone(
        engine,
        "customer_invoices",
        issued["id"],
        proposal_id=lambda i: proposals[i],
        invoice_id=lambda i: invoices[i],
        sequence=lambda i: 1000 + i,
        number=lambda i: f"CI{i:05}",
    )
    for document in dw.accountant.get(f"/customer-invoices/{issued['id']}")["documents"]:
        stored = _stored_document_id(engine, issued["id"], document["format"])
        clone(engine, "customer_invoice_documents", stored, customer_invoice_id=lambda i: copies[i])
    [message] = dw.accountant.get("/outbox")["items"]
    clone(engine, "outbox", message["id"], idempotency_key=lambda i: f"copy-{i}")


def _stored_document_id(engine: Engine, customer_invoice_id: str, fmt: str) -> int:
    table = Base.metadata.tables["customer_invoice_documents"]
    with engine.begin() as conn:
        found: int = conn.execute(
            select(table.c.id).where(
                table.c.customer_invoice_id == int(customer_invoice_id), table.c.format == fmt
            )
        ).scalar_one()
        return found


def test_the_customer_invoice_list_and_the_outbox_read_500_rows_in_as_many_statements_as_5(
    engine: Engine, make_api: Any, uow_factory: Any
) -> None:
    dw = build_documents(make_api)
    issued = dw.issue()
    # Stored: every copy has documents to list. The PDF too, before the copies are
    # made: the app's delivery sweep may take the queued email below at any moment and
    # store the PDF it attaches, which the copies would then lack.
    dw.document(issued, "ubl")
    dw.document(issued, "pdf")
    delivery.request_send(uow_factory(), issued["id"], "ap@coho.example")
    _issued_copies(engine, dw, issued)
    lists = {
        "customer invoices": (dw.accountant, "/customer-invoices", {}),
        "outbox": (dw.accountant, "/outbox", {}),
    }
    counts = _counts(engine, lists)
    page = dw.accountant.get("/customer-invoices", limit=500)["items"]
    stored = dw.accountant.get(f"/customer-invoices/{issued['id']}")["documents"]
    assert stored and all(item["documents"] == stored for item in page)
    per_row = {name: c for name, c in counts.items() if c[0] != c[1]}
    assert not per_row, f"statements for 5 vs 500 rows: {per_row}"
    too_many = {name: c for name, c in counts.items() if c[1] > 12}
    assert not too_many, f"more than a dozen statements for a page: {too_many}"
