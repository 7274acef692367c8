"""Format invoice proposal (seed 003): sections group a proposal's lines, print in their
order in detail or summary (overriding the proposal's invoice format), move up and down
with gap-free positions, give their lines back when removed, and freeze once posted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from billable.erp.printout import render_printout
from billable.persistence.tables import InvoiceProposal
from tests.conftest import Api
from tests.scenario.printout_html import blocks, cell
from tests.scenario.proposal_rows import LineSpec, Proposal, make_proposal, set_status


@pytest.fixture
def accountant(make_api: Any) -> Api:
    return make_api("accountant")


@pytest.fixture
def proposal(uow_factory: Any) -> Proposal:
    return make_proposal(uow_factory)


def _base(p: Proposal) -> str:
    return f"/invoice-proposals/{p.id}"


def _order(api: Api, p: Proposal) -> list[tuple[int, str]]:
    return [(s["position"], s["name"]) for s in api.get(f"{_base(p)}/sections")["items"]]


def _printout(api: Api, p: Proposal, expect: int = 200, **params: Any) -> Any:
    response = api.client.get(
        f"/api/v1{_base(p)}/printout", params=params or None, headers=api.headers
    )
    assert response.status_code == expect, response.text
    return response


def test_sections_print_in_the_order_made_and_take_their_lines_out_of_the_available_ones(
    accountant: Api, proposal: Proposal
) -> None:
    time1, time2, expense, fee = proposal.line_ids
    base = _base(proposal)
    consulting = accountant.post(
        f"{base}/sections", {"name": "Consulting", "mode": "summary", "line_ids": [time1, time2]}
    )
    assert consulting["position"] == 1
    assert consulting["line_ids"] == [time1, time2]
    assert (consulting["quantity"], consulting["amount"], consulting["tax"]) == (
        "7",
        "1750.00",
        "350.00",
    )
    travel = accountant.post(
        f"{base}/sections", {"name": "Travel", "mode": "detail", "line_ids": [expense]}
    )
    assert travel["position"] == 2
    assert _order(accountant, proposal) == [(1, "Consulting"), (2, "Travel")]
    available = accountant.get(f"{base}/available-lines")["items"]
    assert [line["id"] for line in available] == [fee]
    assert available[0]["amount"] == "151.00" and available[0]["price"] == "75.5"


def test_moving_sections_up_and_down_keeps_positions_one_to_n(
    accountant: Api, proposal: Proposal
) -> None:
    base = _base(proposal)
    ids = {
        name: accountant.post(f"{base}/sections", {"name": name, "mode": "detail"})["id"]
        for name in ("A", "B", "C")
    }
    moved = accountant.patch(f"{base}/sections/{ids['C']}", {"move": "up"})
    assert moved["position"] == 2
    assert _order(accountant, proposal) == [(1, "A"), (2, "C"), (3, "B")]
    accountant.patch(f"{base}/sections/{ids['A']}", {"move": "down"})
    assert _order(accountant, proposal) == [(1, "C"), (2, "A"), (3, "B")]
    refused = accountant.patch(f"{base}/sections/{ids['C']}", {"move": "up"}, expect=409)
    assert refused["errors"] == [
        {"field": "move", "message": "the section is already first; it cannot move up"}
    ]
    accountant.patch(f"{base}/sections/{ids['B']}", {"move": "down", "name": "B2"}, expect=409)
    assert _order(accountant, proposal) == [(1, "C"), (2, "A"), (3, "B")]


def test_deleting_a_section_gives_its_lines_back_and_closes_the_gap(
    accountant: Api, proposal: Proposal
) -> None:
    base = _base(proposal)
    time1, time2, expense, fee = proposal.line_ids
    first = accountant.post(f"{base}/sections", {"name": "One", "mode": "detail"})
    middle = accountant.post(
        f"{base}/sections", {"name": "Two", "mode": "summary", "line_ids": [time2, expense]}
    )
    accountant.post(f"{base}/sections", {"name": "Three", "mode": "detail", "line_ids": [fee]})
    accountant.delete(f"{base}/sections/{middle['id']}")
    assert _order(accountant, proposal) == [(1, "One"), (2, "Three")]
    assert [line["id"] for line in accountant.get(f"{base}/available-lines")["items"]] == [
        time1,
        time2,
        expense,
    ]
    accountant.get(f"{base}/sections/{middle['id']}", expect=404)
    accountant.delete(f"{base}/sections/{middle['id']}", expect=404)
    accountant.delete(f"{base}/sections/{first['id']}")
    assert _order(accountant, proposal) == [(1, "Three")]


def test_a_line_in_one_section_is_refused_for_another_and_nothing_changes(
    accountant: Api, proposal: Proposal, uow_factory: Any
) -> None:
    base = _base(proposal)
    time1, time2, expense, fee = proposal.line_ids
    other = make_proposal(uow_factory)
    held = accountant.post(
        f"{base}/sections", {"name": "Held", "mode": "detail", "line_ids": [time1]}
    )
    refusals = [
        ([expense, time1], "line_ids[1]", f"line {time1} is already in the section 'Held'"),
        ([fee, fee], "line_ids[1]", f"line {fee} is given twice"),
        (
            [other.line_ids[0]],
            "line_ids[0]",
            f"no line with id {other.line_ids[0]} on invoice proposal {proposal.number}",
        ),
        (["x"], "line_ids[0]", None),
    ]
    for line_ids, field, message in refusals:
        body = {"name": "Second", "mode": "summary", "line_ids": line_ids}
        problem = accountant.post(f"{base}/sections", body, expect=422)
        assert problem["errors"][0]["field"] == field
        if message:
            assert problem["errors"][0]["message"] == message
    second = accountant.post(
        f"{base}/sections", {"name": "Second", "mode": "detail", "line_ids": [time2]}
    )
    problem = accountant.patch(
        f"{base}/sections/{second['id']}", {"line_ids": [time2, time1], "name": "X"}, expect=422
    )
    assert problem["errors"][0]["field"] == "line_ids[1]"
    sections = accountant.get(f"{base}/sections")["items"]
    assert [(s["name"], s["line_ids"]) for s in sections] == [
        ("Held", [time1]),
        ("Second", [time2]),
    ]
    assert held["line_ids"] == [time1]
    assert [line["id"] for line in accountant.get(f"{base}/available-lines")["items"]] == [
        expense,
        fee,
    ]


def test_changing_a_sections_lines_replaces_them_and_frees_the_rest(
    accountant: Api, proposal: Proposal
) -> None:
    base = _base(proposal)
    time1, time2, expense, fee = proposal.line_ids
    section = accountant.post(
        f"{base}/sections", {"name": "Work", "mode": "detail", "line_ids": [time1, time2]}
    )
    changed = accountant.patch(
        f"{base}/sections/{section['id']}",
        {"line_ids": [time2, expense], "mode": "summary", "name": "Work and travel"},
    )
    assert (changed["name"], changed["mode"], changed["line_ids"]) == (
        "Work and travel",
        "summary",
        [time2, expense],
    )
    assert [line["id"] for line in accountant.get(f"{base}/available-lines")["items"]] == [
        time1,
        fee,
    ]


def test_a_posted_proposal_can_no_longer_be_formatted(
    accountant: Api, proposal: Proposal, uow_factory: Any
) -> None:
    base = _base(proposal)
    time1, time2, *_ = proposal.line_ids
    section = accountant.post(
        f"{base}/sections", {"name": "Work", "mode": "detail", "line_ids": [time1]}
    )
    set_status(uow_factory, proposal.id, "posted")
    body = {"name": "Late", "mode": "detail", "line_ids": [time2]}
    problem = accountant.post(f"{base}/sections", body, expect=409)
    assert "posted" in problem["detail"]
    accountant.patch(f"{base}/sections/{section['id']}", {"name": "Renamed"}, expect=409)
    accountant.delete(f"{base}/sections/{section['id']}", expect=409)
    accountant.patch(f"{base}/format", {"invoice_format": "summary"}, expect=409)
    assert [(s["name"], s["line_ids"]) for s in accountant.get(f"{base}/sections")["items"]] == [
        ("Work", [time1])
    ]
    assert accountant.get(f"{base}/format")["invoice_format"] == "detail"


def test_a_summary_section_prints_one_total_a_detail_section_every_line_and_the_rest_follows_the_invoice_format(  # noqa: E501
    accountant: Api, proposal: Proposal
) -> None:
    base = _base(proposal)
    time1, time2, expense, _fee = proposal.line_ids
    accountant.post(
        f"{base}/sections", {"name": "Consulting", "mode": "summary", "line_ids": [time1, time2]}
    )
    accountant.post(f"{base}/sections", {"name": "Travel", "mode": "detail", "line_ids": [expense]})
    html = _printout(accountant, proposal).text
    consulting, travel, rest = blocks(html)
    assert (consulting.mode, consulting.title) == ("summary", "Consulting")
    assert consulting.rows == [["Consulting", "7", "1,750.00", "350.00"]]
    assert travel.rows == [
        ["Train to Leeds", "2026-08-27", "1", "each", "110.00", "110.00", "22.00"]
    ]
    assert (rest.mode, rest.rows) == (
        "detail",
        [["Setup fee", "2026-08-27", "2", "each", "75.50", "151.00", "30.20"]],
    )
    assert (cell(html, "total-amount"), cell(html, "total-tax"), cell(html, "grand-total")) == (
        "2,011.00 GBP",
        "402.20 GBP",
        "2,413.20 GBP",
    )
    assert cell(html, "number") == proposal.number
    assert cell(html, "invoice-date") == "2026-08-31"
    assert "Coho Winery Ltd" in html and "EC1A 1AA London" in html

    # The proposal's invoice format now says summary: the section set to detail still
    # lists its line, and the rest is summed per transaction class.
    assert accountant.patch(f"{base}/format", {"invoice_format": "summary"}) == {
        "proposal_id": proposal.id,
        "invoice_format": "summary",
    }
    _, travel, rest = blocks(_printout(accountant, proposal).text)
    assert travel.rows[0][0] == "Train to Leeds"
    assert (rest.mode, rest.rows) == ("summary", [["Fee", "2", "151.00", "30.20"]])


def test_pro_forma_is_printed_only_on_the_sample_invoice(
    accountant: Api, proposal: Proposal, uow_factory: Any
) -> None:
    assert "PRO FORMA" in _printout(accountant, proposal).text
    assert "PRO FORMA" in _printout(accountant, proposal, pro_forma="true").text
    problem = _printout(accountant, proposal, 409, pro_forma="false").json()
    assert "only a posted proposal prints as an invoice" in problem["detail"]
    set_status(uow_factory, proposal.id, "posted")
    final = _printout(accountant, proposal)
    assert final.headers["content-type"].startswith("text/html")
    assert "pro forma" not in final.text.lower()
    assert "PRO FORMA" in _printout(accountant, proposal, pro_forma="true").text
    with uow_factory() as uow:  # the signature the posting use case calls
        row = uow.session.get(InvoiceProposal, int(proposal.id))
        assert row is not None
        assert "PRO FORMA" in render_printout(uow.session, row, pro_forma=True)
        assert "PRO FORMA" not in render_printout(uow.session, row, pro_forma=False)


def test_descriptions_are_escaped_in_the_printout(accountant: Api, uow_factory: Any) -> None:
    day = dt.date(2026, 8, 27)
    nasty = LineSpec(
        "fee",
        "<script>alert('x')</script> & co",
        day,
        Decimal(1),
        "each",
        *[Decimal(5)] * 2,
        Decimal(0),
    )
    proposal = make_proposal(uow_factory, [nasty])
    html = _printout(accountant, proposal).text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html


@pytest.mark.parametrize(
    ("code", "amount", "printed"),
    [("JPY", "1234567", "1,234,567"), ("KWD", "1234.567", "1,234.567"), ("USD", "0.5", "0.50")],
)
def test_amounts_print_to_the_currencys_minor_unit(
    accountant: Api, uow_factory: Any, code: str, amount: str, printed: str
) -> None:
    day = dt.date(2026, 8, 27)
    value = Decimal(amount)
    line = LineSpec("fee", "Fee", day, Decimal(1), "each", value, value, Decimal(0))
    html = _printout(accountant, make_proposal(uow_factory, [line], currency=code)).text
    assert cell(html, "total-amount") == f"{printed} {code}"
    assert blocks(html)[0].rows[0][5] == printed


def test_the_project_manager_reads_the_format_but_only_the_accountant_changes_it(
    make_api: Any, accountant: Api, proposal: Proposal
) -> None:
    base = _base(proposal)
    manager, member = make_api("project_manager"), make_api("team_member")
    body = {"name": "Work", "mode": "detail"}
    manager.post(f"{base}/sections", body, expect=403)
    manager.patch(f"{base}/format", {"invoice_format": "summary"}, expect=403)
    assert manager.get(f"{base}/sections") == {"items": [], "next_cursor": None}
    member.get(f"{base}/sections", expect=403)
    _printout(member, proposal, 403)
    accountant.post(f"{base}/sections", body)
    accountant.get("/invoice-proposals/999999/sections", expect=404)


def test_sections_and_available_lines_answer_pages_in_their_order(
    accountant: Api, proposal: Proposal
) -> None:
    base = _base(proposal)
    time1, time2, expense, fee = proposal.line_ids
    for name in ("One", "Two", "Three"):
        accountant.post(f"{base}/sections", {"name": name, "mode": "detail"})
    first = accountant.get(f"{base}/sections", limit=2)
    assert [s["name"] for s in first["items"]] == ["One", "Two"]
    rest = accountant.get(f"{base}/sections", limit=2, cursor=first["next_cursor"])
    assert ([s["name"] for s in rest["items"]], rest["next_cursor"]) == (["Three"], None)
    lines = accountant.get(f"{base}/available-lines", limit=3)
    assert [line["id"] for line in lines["items"]] == [time1, time2, expense]
    tail = accountant.get(f"{base}/available-lines", limit=3, cursor=lines["next_cursor"])
    assert ([line["id"] for line in tail["items"]], tail["next_cursor"]) == ([fee], None)
    problem = accountant.get(f"{base}/sections", expect=422, limit=0)
    assert problem["errors"][0]["field"] == "limit"
