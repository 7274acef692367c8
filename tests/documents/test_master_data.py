"""Who issues and who receives (issue 10, item 1): legal entities carry the seller's
details, customers the buyer's, payment terms sit on customers and contracts, and tax
codes carry a VAT category; every refusal names the field and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import make_world
from tests.conftest import Api

SELLER = {
    "registered_name": "Contoso Consulting GmbH",
    "address": {"street": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
    "vat_id": "DE123456789",
    "company_id": "HRB 12345",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "email": "billing@contoso.example",
    "endpoint": {"scheme": "9930", "id": "DE123456789"},
}


@pytest.fixture
def accountant(make_api: Any) -> Api:
    return make_api("accountant")


def test_a_legal_entity_carries_what_a_seller_must_print(accountant):
    made = accountant.post(
        "/legal-entities", {"name": "Contoso DE", "accounting_currency": "EUR", **SELLER}
    )
    assert {k: made[k] for k in SELLER} == SELLER
    changed = accountant.patch(f"/legal-entities/{made['id']}", {"vat_id": None})
    assert changed["vat_id"] is None
    assert changed["iban"] == SELLER["iban"]


def test_a_legal_entity_refuses_a_malformed_iban_naming_the_field(accountant):
    body = {"name": "Bad", "accounting_currency": "EUR", "iban": "not an iban"}
    problem = accountant.post("/legal-entities", body, expect=422)
    assert "iban" in str(problem)
    assert [e["name"] for e in accountant.get("/legal-entities")["items"]] == ["Default company"]


def test_payment_terms_sit_on_customers_and_a_contract_overrides_them(make_api, accountant):
    accountant.post("/payment-terms", {"code": "NET30", "name": "30 days net", "net_days": 30})
    accountant.post("/payment-terms", {"code": "NET10", "name": "10 days net", "net_days": 10})
    world = make_world(make_api("project_manager"))
    api = world.api
    customer = api.patch(
        f"/customers/{world.customer['id']}",
        {
            "payment_terms": "NET30",
            "billing_email": "ap@fabrikam.example",
            "language": "de",
            "endpoint": {"scheme": "9930", "id": "DE811907980"},
        },
    )
    assert customer["payment_terms"] == "NET30"
    assert customer["language"] == "de"
    assert customer["endpoint"] == {"scheme": "9930", "id": "DE811907980"}
    contract = api.patch(f"/contracts/{world.contract['id']}", {"payment_terms": "NET10"})
    assert contract["payment_terms"] == "NET10"
    cleared = api.patch(f"/contracts/{world.contract['id']}", {"payment_terms": None})
    assert cleared["payment_terms"] is None


def test_unknown_payment_terms_are_refused_and_change_nothing(make_api):
    world = make_world(make_api("project_manager"))
    problem = world.api.patch(
        f"/customers/{world.customer['id']}", {"payment_terms": "NOPE"}, expect=422
    )
    assert problem["errors"][0]["field"] == "payment_terms"
    assert world.api.get(f"/customers/{world.customer['id']}")["payment_terms"] is None


def test_payment_terms_codes_are_unique(accountant):
    accountant.post("/payment-terms", {"code": "NET30", "name": "30 days", "net_days": 30})
    accountant.post("/payment-terms", {"code": "NET30", "name": "again", "net_days": 3}, expect=409)


def test_payment_terms_are_renamed_and_their_days_changed_keeping_their_code(accountant):
    made = accountant.post("/payment-terms", {"code": "NET30", "name": "30 days", "net_days": 30})
    at = f"/payment-terms/{made['id']}"
    renamed = accountant.patch(at, {"name": "Thirty days net"})
    assert renamed == {**made, "name": "Thirty days net"}
    assert accountant.get(at) == renamed
    longer = accountant.patch(at, {"net_days": 45})
    assert longer == {**made, "name": "Thirty days net", "net_days": 45}
    assert accountant.get("/payment-terms")["items"] == [longer]


def test_a_tax_code_is_standard_rated_unless_it_says_otherwise(accountant):
    vat = accountant.post("/tax-codes", {"code": "VAT19", "name": "VAT 19 %", "rate": "19"})
    assert (vat["vat_category"], vat["exemption_reason"]) == ("S", None)
    zero = accountant.post("/tax-codes", {"code": "ZERO", "name": "Zero", "rate": "0"})
    assert zero["vat_category"] == "Z"


def test_an_exempt_or_reverse_charge_code_needs_its_reason(accountant):
    body = {"code": "RC", "name": "Reverse charge", "rate": "0", "vat_category": "AE"}
    problem = accountant.post("/tax-codes", body, expect=422)
    assert problem["errors"][0]["field"] == "exemption_reason"
    made = accountant.post("/tax-codes", {**body, "exemption_reason": "Reverse charge"})
    assert (made["vat_category"], made["exemption_reason"]) == ("AE", "Reverse charge")
    assert len(accountant.get("/tax-codes")["items"]) == 1


def test_a_standard_rate_of_zero_and_an_exempt_rate_above_zero_are_refused(accountant):
    standard = {"code": "S0", "name": "S0", "rate": "0", "vat_category": "S"}
    assert accountant.post("/tax-codes", standard, expect=422)["errors"][0]["field"] == "rate"
    exempt = {"code": "E5", "name": "E5", "rate": "5", "vat_category": "E"}
    exempt["exemption_reason"] = "Exempt"
    assert accountant.post("/tax-codes", exempt, expect=422)["errors"][0]["field"] == "rate"
    assert accountant.get("/tax-codes")["items"] == []


def test_an_electronic_address_needs_a_known_scheme(make_api):
    world = make_world(make_api("project_manager"))
    path = f"/customers/{world.customer['id']}"
    body = {"endpoint": {"scheme": "EM", "id": "ap@fabrikam.example"}}
    problem = world.api.patch(path, body, expect=422)
    assert problem["errors"][0]["field"] == "endpoint.scheme"
    assert world.api.get(path)["endpoint"] is None
    fine = world.api.patch(path, {"endpoint": {"scheme": "9930", "id": "DE811907980"}})
    assert fine["endpoint"] == {"scheme": "9930", "id": "DE811907980"}
