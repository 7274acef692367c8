"""Print management (seed 003): report format, destination and footer text set at the
module level and overridden per customer, contract and proposal, field by field; the
printout follows the most specific level; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.scenario.printout_html import footer
from tests.scenario.proposal_rows import Proposal, make_proposal


@pytest.fixture
def accountant(make_api: Any) -> Api:
    return make_api("accountant")


@pytest.fixture
def proposal(uow_factory: Any) -> Proposal:
    return make_proposal(uow_factory)


def _put(api: Api, body: dict[str, Any], expect: int = 200) -> Any:
    return api.request("PUT", "/print-management", expect, json=body)


def _resolved(api: Api, p: Proposal) -> dict[str, Any]:
    body: dict[str, Any] = api.get("/print-management/resolved", proposal_id=p.id)
    return body


def _printout(api: Api, p: Proposal) -> Any:
    response = api.client.get(f"/api/v1/invoice-proposals/{p.id}/printout", headers=api.headers)
    assert response.status_code == 200, response.text
    return response


def test_without_settings_the_built_in_defaults_apply(accountant: Api, proposal: Proposal) -> None:
    assert _resolved(accountant, proposal) == {
        "proposal_id": proposal.id,
        "report_format": "standard",
        "destination": "screen",
        "footer_text": "",
        "sources": {
            "report_format": "default",
            "destination": "default",
            "footer_text": "default",
        },
    }
    assert accountant.get("/print-management") == {"items": [], "next_cursor": None}


def test_each_level_overrides_the_less_specific_ones_field_by_field(
    accountant: Api, proposal: Proposal
) -> None:
    module = _put(
        accountant,
        {
            "level": "module",
            "report_format": "compact",
            "destination": "email",
            "footer_text": "Thank you for your business.",
        },
    )
    assert module["target_id"] is None and module["level"] == "module"
    steps = [
        ({"level": "customer", "target_id": proposal.customer_id, "report_format": "detailed"},
         ("detailed", "email", "Thank you for your business."), ("customer", "module", "module")),
        ({"level": "contract", "target_id": proposal.contract_id, "destination": "file",
          "footer_text": "Contract terms: 30 days."},
         ("detailed", "file", "Contract terms: 30 days."), ("customer", "contract", "contract")),
        ({"level": "proposal", "target_id": proposal.id, "footer_text": "Pay by 30 Sept."},
         ("detailed", "file", "Pay by 30 Sept."), ("customer", "contract", "proposal")),
        ({"level": "customer", "target_id": proposal.customer_id, "report_format": "standard",
          "destination": "screen"},
         ("standard", "file", "Pay by 30 Sept."), ("customer", "contract", "proposal")),
    ]  # fmt: skip
    for body, values, sources in steps:
        written = _put(accountant, body)
        assert written["level"] == body["level"]
        found = _resolved(accountant, proposal)
        assert (found["report_format"], found["destination"], found["footer_text"]) == values
        assert tuple(found["sources"].values()) == sources
    listed = accountant.get("/print-management")["items"]
    assert [(s["level"], s["target_id"]) for s in listed] == [
        ("module", None),
        ("customer", proposal.customer_id),
        ("contract", proposal.contract_id),
        ("proposal", proposal.id),
    ]
    only = accountant.get("/print-management", level="contract")["items"]
    assert [s["footer_text"] for s in only] == ["Contract terms: 30 days."]


def test_a_put_replaces_the_level_so_a_field_left_out_is_inherited_again(
    accountant: Api, proposal: Proposal
) -> None:
    _put(accountant, {"level": "module", "footer_text": "Module footer"})
    target = {"level": "contract", "target_id": proposal.contract_id}
    _put(accountant, {**target, "report_format": "compact", "footer_text": "Contract footer"})
    _put(accountant, {**target, "report_format": "compact"})
    found = _resolved(accountant, proposal)
    assert (found["footer_text"], found["sources"]["footer_text"]) == ("Module footer", "module")
    assert found["sources"]["report_format"] == "contract"


def test_the_printout_uses_the_most_specific_footer_and_report_format(
    accountant: Api, proposal: Proposal, uow_factory: Any
) -> None:
    _put(accountant, {"level": "module", "footer_text": "Module footer"})
    html = _printout(accountant, proposal).text
    assert footer(html) == "Module footer"
    assert 'class="tax-code"' not in html  # the standard format has no tax per code
    _put(accountant, {"level": "customer", "target_id": proposal.customer_id,
                      "footer_text": "Customer <b>footer</b>"})  # fmt: skip
    assert footer(_printout(accountant, proposal).text) == "Customer &lt;b&gt;footer&lt;/b&gt;"
    _put(accountant, {"level": "contract", "target_id": proposal.contract_id,
                      "footer_text": "Contract footer", "report_format": "detailed"})  # fmt: skip
    html = _printout(accountant, proposal).text
    assert footer(html) == "Contract footer"
    assert '<tr class="tax-code"><th>Tax VAT20</th><td class="num">402.20 GBP</td>' in html
    _put(accountant, {"level": "proposal", "target_id": proposal.id, "footer_text": ""})
    html = _printout(accountant, proposal).text
    assert footer(html) == ""  # an empty footer set on the proposal hides the others
    other = make_proposal(uow_factory)  # another customer and contract: module level only
    assert footer(_printout(accountant, other).text) == "Module footer"


def test_compact_drops_date_and_unit_and_a_file_destination_downloads(
    accountant: Api, proposal: Proposal
) -> None:
    assert "<th>Date</th>" in _printout(accountant, proposal).text
    _put(accountant, {"level": "proposal", "target_id": proposal.id,
                      "report_format": "compact", "destination": "file"})  # fmt: skip
    response = _printout(accountant, proposal)
    assert "<th>Date</th>" not in response.text and "<th>Unit</th>" not in response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="invoice-{proposal.number}.html"'
    )


def test_deleting_a_level_lets_the_less_specific_one_apply_again(
    accountant: Api, proposal: Proposal
) -> None:
    _put(accountant, {"level": "module", "destination": "email"})
    _put(
        accountant, {"level": "customer", "target_id": proposal.customer_id, "destination": "file"}
    )
    accountant.delete(f"/print-management?level=customer&target_id={proposal.customer_id}")
    assert _resolved(accountant, proposal)["destination"] == "email"
    accountant.delete("/print-management?level=module")
    assert _resolved(accountant, proposal)["sources"]["destination"] == "default"
    accountant.delete("/print-management?level=module", expect=404)


def test_refused_settings_change_nothing(accountant: Api, proposal: Proposal) -> None:
    _put(accountant, {"level": "module", "footer_text": "Kept"})
    refusals = [
        ({"level": "module", "target_id": "1", "footer_text": "x"}, "target_id",
         "the module level has no target; leave it out"),
        ({"level": "customer", "footer_text": "x"}, "target_id",
         "the customer level needs the id of a customer"),
        ({"level": "customer", "target_id": "999999", "footer_text": "x"}, "target_id",
         "no customer with id 999999"),
        ({"level": "proposal", "target_id": "999999", "footer_text": "x"}, "target_id",
         "no invoice proposal with id 999999"),
        ({"level": "contract", "target_id": proposal.contract_id, "report_format": "fancy"},
         "report_format", None),
        ({"level": "contract", "target_id": proposal.contract_id, "destination": "printer"},
         "destination", None),
        ({"level": "region", "footer_text": "x"}, "level", None),
        ({"level": "module", "footer_text": "x" * 2001}, "footer_text", None),
        ({"level": "module", "colour": "red"}, "colour", None),
    ]  # fmt: skip
    for body, field, message in refusals:
        problem = _put(accountant, body, expect=422)
        assert problem["errors"][0]["field"] == field, problem
        if message:
            assert problem["errors"][0]["message"] == message
    items = accountant.get("/print-management")["items"]
    assert [(s["level"], s["footer_text"]) for s in items] == [("module", "Kept")]
    accountant.delete("/print-management?level=customer", expect=422)
    accountant.delete("/print-management?level=customer&target_id=999999", expect=422)
    accountant.get("/print-management/resolved", proposal_id="999999", expect=404)


def test_only_the_accountant_sets_print_management(make_api: Any, proposal: Proposal) -> None:
    manager, member = make_api("project_manager"), make_api("team_member")
    _put(manager, {"level": "module", "footer_text": "x"}, expect=403)
    manager.delete("/print-management?level=module", expect=403)
    assert manager.get("/print-management")["items"] == []
    member.get("/print-management", expect=403)
    member.get("/print-management/resolved", proposal_id=proposal.id, expect=403)
