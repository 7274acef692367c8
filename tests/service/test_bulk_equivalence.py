"""The set-based paths give what the domain's rules say, however many rows they take.

Creation has one path (``create_invoices``, the one-contract use case is a set of
one): invoicing contract by contract and all contracts in one set give the same rows,
and those rows agree with the pure domain functions (totals are the domain's sums of
the chargeable details, each detail carries its actual's or milestone's figures).
Confirmation is compared one invoice at a time against the set-based path: the same
data is confirmed once per path inside a transaction that is rolled back, and the
resulting rows are compared field by field, with database ids replaced by what they
stand for.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.billing.bulk_confirm import confirm_invoices
from billable.billing.bulk_create import create_invoices
from billable.billing.confirming import confirm_details
from billable.domain.invoice import (
    BillingType,
    LineTotals,
    detail_figures,
    header_totals,
    line_totals,
)
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE
from billable.domain.vocabulary import ActualType, MilestoneState, ProductLineState
from billable.erp.proposals import open_proposal
from billable.erp.setup import ensure_default_legal_entity
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    Invoice,
    InvoiceLine,
    InvoiceLineDetail,
    InvoiceProposal,
    Milestone,
)
from tests.builders import World, make_world
from tests.scenario.tax_world import parameters, set_up_tax, tax_master_data

INVOICE_DATE = dt.date(2026, 8, 31)


def _second_contract(world: World, name: str) -> dict[str, Any]:
    api = world.api
    project = api.post(
        "/projects",
        {
            "name": f"{name} project",
            "customer_id": world.customer["id"],
            "cost_price_list_id": world.cost_list["id"],
        },
    )
    contract = api.post(
        "/contracts",
        {
            "name": name,
            "customer_id": world.customer["id"],
            "currency": "USD",
            "price_list_id": world.sales_list["id"],
        },
    )
    return {"project": project, "contract": contract}


def _build(world: World) -> None:
    """Three contracts: everything at once, only a progress milestone, nothing ready."""
    api = world.api
    world.line(["time", "expense", "fee"])
    fixed = world.line(["material"], billing_method="fixed_price", amount="9000.00")
    m1 = api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {"name": "Design", "date": "2026-08-15", "amount": "3000.00", "tax": "300.00"},
    )
    api.post(
        f"/contract-lines/{fixed['id']}/milestones",
        {
            "name": "Build",
            "date": "2026-09-15",
            "amount": "6000.00",
            "kind": "progress",
            "tax": "600.00",
        },
    )
    api.action("/billing-backlog/ready-to-invoice", {"milestone_ids": [m1["id"]]}, expect=204)
    api.post(
        f"/contracts/{world.contract['id']}/lines",
        {
            "name": "Sensors",
            "kind": "product",
            "product_id": world.product["id"],
            "quantity": "3",
            "ready_to_invoice": True,
        },
    )
    for hours, date in (
        ("8", "2026-08-03"),
        ("7.25", "2026-08-04"),
        ("1.3333", "2026-08-05"),
        ("4", "2026-09-02"),
    ):
        world.approved_time(hours, date)
    world.approved_expense("2", "33.33", "2026-08-06")
    fee = api.post(
        "/fee-entries",
        {
            "project_id": world.project["id"],
            "category_id": world.categories["fee"]["id"],
            "date": "2026-08-07",
            "quantity": "1",
            "unit_price": "0",
            "status": "submitted",
        },
    )
    api.action(f"/fee-entries/{fee['id']}/approve")
    world.mark_all_ready()
    backlog = api.get("/billing-backlog", contract_id=world.contract["id"])["actuals"]
    api.patch(f"/actuals/{backlog[1]['id']}", {"billing_type": "non_chargeable"})

    second = _second_contract(world, "Progress only")
    line = api.post(
        f"/contracts/{second['contract']['id']}/lines",
        {
            "name": "Phases",
            "kind": "project",
            "billing_method": "fixed_price",
            "project_id": second["project"]["id"],
            "transaction_classes": ["time"],
            "amount": "1000.00",
        },
    )
    progress = api.post(
        f"/contract-lines/{line['id']}/milestones",
        {
            "name": "Phase 1",
            "date": "2026-08-20",
            "amount": "1000.00",
            "kind": "progress",
            "tax": "100.00",
        },
    )
    api.action(f"/milestones/{progress['id']}/ready-to-invoice", {"amount": "333.33"})

    third = _second_contract(world, "Idle")
    api.post(
        f"/contracts/{third['contract']['id']}/lines",
        {
            "name": "Idle T&M",
            "kind": "project",
            "billing_method": "time_and_material",
            "project_id": third["project"]["id"],
            "transaction_classes": ["time"],
        },
    )


def _snapshot(session: Session) -> dict[str, Any]:
    """Every invoicing row, ids replaced by stable keys."""
    session.flush()
    session.expire_all()
    number = dict(session.execute(select(Invoice.id, Invoice.number)).all())
    line_key = {
        ln.id: (number[ln.invoice_id], ln.contract_line_id)
        for ln in session.scalars(select(InvoiceLine))
    }
    detail_key = {
        d.id: (
            line_key[d.invoice_line_id],
            d.source,
            d.actual_id,
            d.milestone_id,
            d.product_line_id,
            d.original_billed_actual_id,
        )
        for d in session.scalars(select(InvoiceLineDetail))
    }

    def row(obj: Any, skip: set[str]) -> tuple[Any, ...]:
        return tuple(
            (c.key, getattr(obj, c.key)) for c in obj.__mapper__.column_attrs if c.key not in skip
        )

    ids = {"id", "created_at", "confirmed_at", "version"}
    actual_rows = session.scalars(select(Actual).order_by(Actual.id)).all()
    snapshot = {
        "invoices": sorted(row(i, ids) for i in session.scalars(select(Invoice))),
        "lines": sorted(
            (line_key[ln.id], row(ln, ids | {"invoice_id"}))
            for ln in session.scalars(select(InvoiceLine))
        ),
        "details": sorted(
            (key, row(d, ids | {"invoice_id", "invoice_line_id"}))
            for d_id, key in detail_key.items()
            for d in [session.get(InvoiceLineDetail, d_id)]
        ),
        # Reversals always point at actuals that existed before either path ran, so
        # their ids are the same in both runs and can be compared as they are.
        "actuals": sorted(
            (
                (
                    detail_key.get(a.invoice_line_detail_id or -1),
                    a.reverses_actual_id,
                    row(a, ids | {"invoice_line_detail_id", "invoice_id"}),
                    number.get(a.invoice_id or -1),
                )
                for a in actual_rows
            ),
            key=repr,
        ),
        "milestones": sorted(row(m, {"id"}) for m in session.scalars(select(Milestone))),
        "products": sorted(
            (cl.id, cl.product_status) for cl in session.scalars(select(ContractLine))
        ),
        "proposals": sorted(
            (number[p.invoice_id], row(p, ids | {"invoice_id"}))
            for p in session.scalars(select(InvoiceProposal))
        ),
    }
    return snapshot


def _one_at_a_time(session: Session) -> None:
    """Contract by contract: each a set of one, as the one-contract use case does."""
    for contract_id in session.scalars(select(Contract.id).order_by(Contract.id)).all():
        create_invoices(session, {contract_id: None}, INVOICE_DATE, skip_empty=False)


def _set_based(session: Session) -> None:
    contract_ids = session.scalars(select(Contract.id)).all()
    create_invoices(session, dict.fromkeys(contract_ids), INVOICE_DATE, skip_empty=False)


def _creation_snapshots(uow_factory: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(contract by contract, all in one set) snapshots of creating invoices for every
    contract; the second transaction stays open, so its rows can be checked further."""
    with uow_factory() as uow:
        _one_at_a_time(uow.session)
        expected = _snapshot(uow.session)
        uow.session.rollback()
    with uow_factory() as uow:
        _set_based(uow.session)
        actual = _snapshot(uow.session)
        assert _against_the_domain(uow.session) == []
    return expected, actual


def _against_the_domain(session: Session) -> list[Any]:
    """What the created rows say that the domain functions do not: stored totals against
    ``line_totals``/``header_totals`` of the details, each detail against what backs it."""
    out: list[Any] = []
    for invoice in session.scalars(select(Invoice).order_by(Invoice.id)):
        sums: list[LineTotals] = []
        for line in invoice.lines:
            want = line_totals(
                figures
                for d in line.details
                for figures in detail_figures(d.amount, d.tax, BillingType(d.billing_type), None)
            )
            sums.append(want)
            got = (line.amount, line.tax, line.extended_amount)
            if got != (want.amount, want.tax, want.extended_amount):
                out.append(("line", line.id, got, want))
        head = header_totals(sums)
        want_head = (
            head.detail_amount,
            head.discount_amount,
            head.pre_freight_amount,
            head.freight_amount,
            head.total_tax,
            head.total_amount,
        )
        got_head = (
            invoice.detail_amount,
            invoice.discount_amount,
            invoice.pre_freight_amount,
            invoice.freight_amount,
            invoice.total_tax,
            invoice.total_amount,
        )
        if got_head != want_head:
            out.append(("invoice", invoice.number, got_head, want_head))
    return out + _details_against_their_backing(session)


def _details_against_their_backing(session: Session) -> list[Any]:
    """Each detail carries its actual's figures, its milestone's ready figures or its
    product line's amount; exactly the invoiceable actuals are on invoices; what was
    billed moved by the lifecycle's ``invoice`` action."""
    out: list[Any] = []
    details = session.scalars(select(InvoiceLineDetail)).all()
    for d in details:
        own = (d.amount, d.tax, d.extended_amount, d.billing_type)
        if d.actual_id is not None:
            a = session.get(Actual, d.actual_id)
            assert a is not None
            want = (a.amount, a.tax, a.amount + a.tax, a.billing_type)
            backing = (d.quantity, d.backing_quantity, d.backing_tax_share, d.price, d.date)
            if backing != (a.quantity, a.quantity, a.tax, a.price, a.date):
                out.append(("backing", d.id, backing))
        elif d.milestone_id is not None:
            m = session.get(Milestone, d.milestone_id)
            assert m is not None
            want = (m.ready_amount, m.ready_tax, m.ready_amount + m.ready_tax, "chargeable")
            if m.status != MILESTONE.target_of("invoice", MilestoneState.READY_TO_INVOICE):
                out.append(("milestone status", m.id, m.status))
        else:
            cl = session.get(ContractLine, d.product_line_id)
            assert cl is not None and cl.amount is not None
            want = (cl.amount, d.tax, cl.amount + d.tax, "chargeable")
            claimed = PRODUCT_LINE.target_of("invoice", ProductLineState.READY_TO_INVOICE)
            if cl.product_status != claimed:
                out.append(("product status", cl.id, cl.product_status))
        if own != want:
            out.append(("detail", d.id, own, want))
    invoiceable = {
        a.id
        for a in session.scalars(select(Actual))
        if a.transaction_type == ActualType.UNBILLED_SALES
        and a.ready_to_invoice
        and a.date <= INVOICE_DATE
    }
    on_invoices = [d.actual_id for d in details if d.actual_id is not None]
    if sorted(on_invoices) != sorted(invoiceable):
        out.append(("invoiceable", sorted(on_invoices), sorted(invoiceable)))
    return out


def test_creating_invoices_gives_the_domains_totals_and_backing_figures_in_any_set_size(
    api, uow_factory
):
    _build(make_world(api))
    expected, actual = _creation_snapshots(uow_factory)
    assert len(expected["invoices"]) == 3
    assert (
        len(expected["details"]) == 8
    )  # 3 time (one is after the date), expense, fee, 2 milestones, product
    billing_types = sorted(dict(fields)["billing_type"] for _, fields in expected["details"])
    assert billing_types.count("non_chargeable") == 1  # shown, and left out of the sums
    for part in expected:
        assert _differences(actual[part], expected[part]) == [], part


def test_creating_invoices_gives_the_domains_sales_tax_in_any_set_size(api, make_api, uow_factory):
    accountant = make_api("accountant")
    set_up_tax(accountant)
    parameters(accountant, "search", milestone="MILESTONE")
    world = make_world(api)
    tax_master_data(world)
    _build(world)
    expected, actual = _creation_snapshots(uow_factory)
    taxes = {
        (key[1], dict(fields)["transaction_class"]): dict(fields)["tax"]
        for key, fields in expected["details"]
    }
    # Search finds the project's PRJ (10 %) for actuals, the contract's CON (5 %) for the
    # product line (it has no project); milestones keep the tax typed on them.
    assert taxes[("actual", "expense")] == Decimal("7.33")
    assert taxes[("actual", "fee")] == Decimal("7.50")
    assert taxes[("product", "product")] == Decimal("6.75")
    assert sorted(dict(i)["total_tax"] for i in expected["invoices"]) == [
        Decimal("0"),
        Decimal("33.33"),
        Decimal("321.58"),
    ]
    for part in expected:
        assert _differences(actual[part], expected[part]) == [], part


def _differences(actual: list[Any], expected: list[Any]) -> list[Any]:
    """Field-level differences between two snapshots of one kind of row."""
    out = []
    for got, want in zip(actual, expected, strict=False):
        if got != want:
            fields_got = dict(got[-1]) if isinstance(got[-1], tuple) else {}
            fields_want = dict(want[-1]) if isinstance(want[-1], tuple) else {}
            out.append(
                (
                    want[0],
                    {
                        k: (fields_got.get(k), v)
                        for k, v in fields_want.items()
                        if fields_got.get(k) != v
                    }
                    or (got, want),
                )
            )
    if len(actual) != len(expected):
        out.append(("count", len(actual), len(expected)))
    return out


def test_set_based_confirmation_writes_the_same_actuals_as_one_at_a_time(api, uow_factory):
    world = make_world(api)
    _build(world)
    with uow_factory() as uow:
        _one_at_a_time(uow.session)
        uow.commit()
    invoice_id = api.get("/invoices", contract_id=world.contract["id"])["items"][0]["id"]
    invoice = api.get(f"/invoices/{invoice_id}")
    time_details = [
        d for ln in invoice["lines"] for d in ln["details"] if d["transaction_class"] == "time"
    ]
    api.patch(f"/invoice-line-details/{time_details[0]['id']}", {"quantity": "6"})
    api.patch(f"/invoice-line-details/{time_details[1]['id']}", {"quantity": "9.5"})
    ensure_default_legal_entity(uow_factory())  # made once, not once per path
    with uow_factory() as uow:
        ids = list(uow.session.scalars(select(Invoice.id).order_by(Invoice.id)))
        for invoice_row in uow.session.scalars(select(Invoice).order_by(Invoice.id)):
            invoice_row.project_invoice_status = "confirmed"
            confirm_details(uow.session, invoice_row)
            open_proposal(uow.session, invoice_row)  # as confirming.confirm_invoice does
        expected = _snapshot(uow.session)
        uow.session.rollback()
    with uow_factory() as uow:
        confirm_invoices(uow.session, ids)
        actual = _snapshot(uow.session)
    billed = [a for a in expected["actuals"] if ("transaction_type", "billed_sales") in a[2]]
    assert len(billed) >= 8
    assert len(expected["proposals"]) == 3
    assert {key for key, _ in expected["proposals"]} == {
        dict(i)["number"] for i in expected["invoices"]
    }
    for part in ("actuals", "milestones", "products", "details", "lines", "proposals"):
        assert _differences(actual[part], expected[part]) == [], part


def test_set_based_confirmation_of_a_correction_matches_one_at_a_time(api, uow_factory):
    world = make_world(api)
    world.line(["time"])
    world.approved_time("8")
    world.approved_time("3", "2026-08-28")
    world.mark_all_ready()
    invoice = world.invoice()
    api.action(f"/invoices/{invoice['id']}/confirm")
    corrective = api.post(f"/invoices/{invoice['id']}/correct")
    first, second = corrective["lines"][0]["details"]
    api.patch(f"/invoice-line-details/{first['id']}", {"quantity": "6"})
    api.patch(f"/invoice-line-details/{second['id']}", {"quantity": "4", "tax": "1.00"})
    with uow_factory() as uow:
        row = uow.session.get(Invoice, int(corrective["id"]))
        assert row is not None
        row.project_invoice_status = "confirmed"
        confirm_details(uow.session, row)
        open_proposal(uow.session, row)
        expected = _snapshot(uow.session)
        uow.session.rollback()
    with uow_factory() as uow:
        confirm_invoices(uow.session, [int(corrective["id"])])
        actual = _snapshot(uow.session)
    assert actual["actuals"] == expected["actuals"]
    assert actual["proposals"] == expected["proposals"]
    assert [key for key, _ in actual["proposals"]] == [invoice["number"], corrective["number"]]
    new_billed = [
        a
        for a in expected["actuals"]
        if ("transaction_type", "billed_sales") in a[2] and a[3] == corrective["number"]
    ]
    quantities = sorted(dict(a[2])["quantity"] for a in new_billed)
    assert quantities == [Decimal("-8"), Decimal("-3"), Decimal("4"), Decimal("6")]
