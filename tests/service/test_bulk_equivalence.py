"""The set-based paths give what the domain's rules say, however many rows they take.

Creation has one path (``create_invoices``, the one-contract use case is a set of
one): invoicing contract by contract and all contracts in one set give the same rows,
and those rows agree with the pure domain functions (totals are the domain's sums of
the chargeable details, each detail carries its actual's or milestone's figures).
Confirmation has one path too: the actuals it writes are compared with those the pure
rules of :mod:`billable.domain.confirmation` state for the same details.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.billing import bulk_confirm, invoicing
from billable.billing.bulk_confirm import confirm_invoices
from billable.billing.bulk_create import create_invoices
from billable.domain.confirmation import Bill, Effect, Reverse, Unbill
from billable.domain.errors import Conflict
from billable.domain.invoice import (
    BillingType,
    LineTotals,
    detail_figures,
    header_totals,
    line_totals,
)
from billable.domain.lifecycle import MILESTONE, PRODUCT_LINE
from billable.domain.vocabulary import ActualType, MilestoneState, ProductLineState
from billable.erp.setup import ensure_default_legal_entity
from billable.persistence import rows
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
    world.product_line("3")
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


# --- Confirmation: the one write path against the domain's rules --------------------


def _drafts_of_every_contract(uow_factory: Any) -> list[int]:
    """A draft invoice per contract, made by the use case (the idle contract's is empty)."""
    with uow_factory() as uow:
        contracts = list(uow.session.scalars(select(Contract.id).order_by(Contract.id)))
    return [invoicing.create_invoice(uow_factory(), str(c), INVOICE_DATE) for c in contracts]


def _expected_actuals(session: Session, ids: list[int]) -> Counter[Any]:
    """The actuals :mod:`billable.domain.confirmation` says confirming ``ids`` writes, in
    the form :func:`_snapshot` gives the written ones."""
    number = dict(session.execute(select(Invoice.id, Invoice.number)).all())
    key = _detail_keys(session)
    skip = {"id", "invoice_line_detail_id", "invoice_id"}
    names = [c.key for c in Actual.__mapper__.column_attrs if c.key not in skip]
    expected: Counter[Any] = Counter()
    details = session.scalars(
        select(InvoiceLineDetail)
        .where(InvoiceLineDetail.invoice_id.in_(ids))
        .order_by(InvoiceLineDetail.id)
    )
    for detail in details:
        link = detail.original_billed_actual_id or detail.actual_id
        linked = session.get(Actual, link) if link else None
        for effect in rows.confirmation_effects(detail, linked):
            values = _expected_row(session, effect, detail, linked)
            on = values.pop("invoice_line_detail_id"), values.pop("invoice_id")
            expected[
                (
                    key.get(on[0] or -1),
                    values["reverses_actual_id"],
                    tuple((name, values[name]) for name in names),
                    number.get(on[1] or -1),
                )
            ] += 1
    return expected


def _expected_row(
    session: Session, effect: Effect, detail: InvoiceLineDetail, linked: Actual | None
) -> dict[str, Any]:
    """Every column of the actual one effect stands for."""
    if isinstance(effect, Reverse):
        assert linked is not None and linked.id == effect.actual_id
        values = {c.key: getattr(linked, c.key) for c in Actual.__mapper__.column_attrs}
        values.update(
            quantity=-linked.quantity,
            amount=-linked.amount,
            tax=-linked.tax,
            ready_to_invoice=False,
            reverses_actual_id=linked.id,
            invoice_id=detail.invoice_id,
            invoice_line_detail_id=detail.id,
        )
        return values
    invoice = session.get(Invoice, detail.invoice_id)
    line = session.get(InvoiceLine, detail.invoice_line_id)
    assert invoice is not None and line is not None
    billed = isinstance(effect, Bill)
    return {
        **{name: getattr(detail, name) for name in rows.ACTUAL_FROM_DETAIL.copied},
        "transaction_type": "billed_sales" if billed else "unbilled_sales",
        "source_kind": linked.source_kind if linked else "invoice_detail",
        "source_id": linked.source_id if linked else detail.id,
        "contract_id": invoice.contract_id,
        "contract_line_id": line.contract_line_id,
        "quantity": effect.quantity,
        "amount": effect.amount,
        "tax": effect.tax,
        "billing_type": str(effect.billing_type) if isinstance(effect, Bill) else "chargeable",
        "ready_to_invoice": isinstance(effect, Unbill) and effect.ready_to_invoice,
        "reverses_actual_id": None,
        "invoice_id": detail.invoice_id if billed else None,
        "invoice_line_detail_id": detail.id if billed else None,
    }


def _detail_keys(session: Session) -> dict[int, Any]:
    """Each detail's stable key, as :func:`_snapshot` makes it."""
    number = dict(session.execute(select(Invoice.id, Invoice.number)).all())
    line_key = {
        ln.id: (number[ln.invoice_id], ln.contract_line_id)
        for ln in session.scalars(select(InvoiceLine))
    }
    return {
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


def _written(before: dict[str, Any], after: dict[str, Any]) -> Counter[Any]:
    """The actuals in ``after`` that ``before`` did not have."""
    return Counter(after["actuals"]) - Counter(before["actuals"])


def test_set_based_confirmation_writes_the_actuals_the_domain_states(api, uow_factory):
    world = make_world(api)
    _build(world)
    drafts = _drafts_of_every_contract(uow_factory)
    invoice = api.get(f"/invoices/{drafts[0]}")
    time_details = [
        d for ln in invoice["lines"] for d in ln["details"] if d["transaction_class"] == "time"
    ]
    api.patch(f"/invoice-line-details/{time_details[0]['id']}", {"quantity": "6"})
    api.patch(f"/invoice-line-details/{time_details[1]['id']}", {"quantity": "9.5"})
    ensure_default_legal_entity(uow_factory())
    with uow_factory() as uow:
        empty = bulk_confirm.empty_invoices(uow.session, drafts)
    assert len(empty) == 1  # the idle contract's: nothing empty goes out
    ids = [i for i in drafts if i not in empty]
    with uow_factory() as uow:
        before = _snapshot(uow.session)
        expected = _expected_actuals(uow.session, ids)
        confirm_invoices(uow.session, ids)
        after = _snapshot(uow.session)
        milestones = {
            m.id: (m.status, m.invoiced_amount) for m in uow.session.scalars(select(Milestone))
        }
    assert sum(n for k, n in expected.items() if ("transaction_type", "billed_sales") in k[2]) >= 8
    assert _written(before, after) == expected
    assert [part for part in ("details", "lines") if before[part] != after[part]] == []
    # The milestone billed is posted with its amount invoiced; the product line too.
    billed_milestones = {
        dict(fields)["milestone_id"]: dict(fields)["amount"]
        for key, fields in before["details"]
        if key[1] == "milestone"
    }
    for milestone_id, amount in billed_milestones.items():
        assert milestones[milestone_id] == ("customer_invoice_posted", amount)
    assert [status for _, status in after["products"] if status] == ["customer_invoice_posted"]
    # One waiting proposal per confirmed invoice, same number; none for the empty one.
    numbers = {dict(i)["number"] for i in after["invoices"]} - set(empty.values())
    assert {key for key, _ in after["proposals"]} == numbers
    assert len(after["proposals"]) == 2


def test_set_based_confirmation_refuses_an_empty_invoice_and_writes_nothing(api, uow_factory):
    _build(make_world(api))
    drafts = _drafts_of_every_contract(uow_factory)
    with uow_factory() as uow:
        (number,) = bulk_confirm.empty_invoices(uow.session, drafts).values()
        before = _snapshot(uow.session)
        with pytest.raises(Conflict, match=f"invoice {number} has no details.*delete it instead"):
            confirm_invoices(uow.session, drafts)
        assert _snapshot(uow.session) == before


def test_set_based_confirmation_of_a_correction_writes_what_the_domain_states(api, uow_factory):
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
        before = _snapshot(uow.session)
        expected = _expected_actuals(uow.session, [int(corrective["id"])])
        confirm_invoices(uow.session, [int(corrective["id"])])
        after = _snapshot(uow.session)
    assert _written(before, after) == expected
    assert [key for key, _ in after["proposals"]] == [invoice["number"], corrective["number"]]
    new_billed = [
        a
        for a in expected
        if ("transaction_type", "billed_sales") in a[2] and a[3] == corrective["number"]
    ]
    quantities = sorted(dict(a[2])["quantity"] for a in new_billed)
    assert quantities == [Decimal("-8"), Decimal("-3"), Decimal("4"), Decimal("6")]
