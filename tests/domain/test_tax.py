"""Billing sales tax of seed 003: defaulted groups, their intersection, tax per detail and code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.errors import FieldError, Invalid
from billable.domain.money import Currency, round_amount
from billable.domain.pricing import TransactionClass
from billable.domain.tax import (
    ItemSalesTaxGroup,
    MaterialTaxGroupMethod,
    SalesTaxGroup,
    SalesTaxGroupMethod,
    TaxCode,
    TaxLine,
    applicable_codes,
    item_tax_group_for,
    sales_tax_group_for,
    tax_lines,
    total_tax,
)

D = Decimal
USD = Currency("USD", 2)
GBP = Currency("GBP", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)

VAT = TaxCode("VAT20", D("20"))
STATE = TaxCode("STATE", D("6.25"))
CITY = TaxCode("CITY", D("1.5"))
REDUCED = TaxCode("VAT5", D("5"))
CATALOGUE = (VAT, STATE, CITY, REDUCED)

Method = SalesTaxGroupMethod
Class = TransactionClass
ITEM, CATEGORY = MaterialTaxGroupMethod.ITEM, MaterialTaxGroupMethod.CATEGORY


# --- the applicable codes are those in both groups ------------------------------------


def test_only_codes_in_both_groups_apply() -> None:
    customer = SalesTaxGroup("US-WA", frozenset({"STATE", "CITY", "VAT20"}))
    services = ItemSalesTaxGroup("SERVICES", frozenset({"STATE", "VAT5"}))
    assert applicable_codes(customer, services, CATALOGUE) == (STATE,)


def test_a_code_only_in_the_sales_tax_group_does_not_apply() -> None:
    customer = SalesTaxGroup("UK", frozenset({"VAT20"}))
    exempt = ItemSalesTaxGroup("EXEMPT", frozenset())
    assert applicable_codes(customer, exempt, CATALOGUE) == ()


def test_a_code_only_in_the_item_sales_tax_group_does_not_apply() -> None:
    customer = SalesTaxGroup("US-OR", frozenset())
    labour = ItemSalesTaxGroup("LABOUR", frozenset({"STATE", "CITY"}))
    assert applicable_codes(customer, labour, CATALOGUE) == ()


def test_the_codes_come_back_in_code_order() -> None:
    group = frozenset({"VAT20", "STATE", "CITY"})
    codes = applicable_codes(SalesTaxGroup("A", group), ItemSalesTaxGroup("B", group), CATALOGUE)
    assert [c.code for c in codes] == ["CITY", "STATE", "VAT20"]


@pytest.mark.parametrize(
    ("sales", "item"),
    [
        (None, ItemSalesTaxGroup("B", frozenset({"VAT20"}))),
        (SalesTaxGroup("A", frozenset({"VAT20"})), None),
        (None, None),
    ],
)
def test_without_either_group_no_tax_applies(
    sales: SalesTaxGroup | None, item: ItemSalesTaxGroup | None
) -> None:
    assert applicable_codes(sales, item, CATALOGUE) == ()


def test_a_shared_code_the_catalogue_does_not_define_is_refused() -> None:
    group = frozenset({"GST"})
    with pytest.raises(Invalid, match=r"unknown tax code.*GST"):
        applicable_codes(SalesTaxGroup("A", group), ItemSalesTaxGroup("B", group), CATALOGUE)


def test_a_negative_or_float_tax_rate_is_refused() -> None:
    with pytest.raises(Invalid, match="negative"):
        TaxCode("BAD", D("-1"))
    with pytest.raises(TypeError, match="Decimal"):
        TaxCode("BAD", 20.0)  # type: ignore[arg-type]


# --- defaulting the billing sales tax group -------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (Method.PROJECT, "PRJ"),
        (Method.CONTRACT, "CON"),
        (Method.CUSTOMER, "CUS"),
        (Method.SEARCH, "PRJ"),
    ],
)
def test_each_method_takes_the_sales_tax_group_from_its_source(
    method: SalesTaxGroupMethod, expected: str
) -> None:
    assert sales_tax_group_for(method, "PRJ", "CON", "CUS") == expected


@pytest.mark.parametrize(
    ("project", "contract", "customer", "expected"),
    [
        ("PRJ", "CON", "CUS", "PRJ"),
        (None, "CON", "CUS", "CON"),
        ("", "CON", "CUS", "CON"),
        (None, None, "CUS", "CUS"),
        ("", "", "CUS", "CUS"),
        (None, "", None, None),
    ],
)
def test_search_takes_the_first_group_set_on_project_then_contract_then_customer(
    project: str | None, contract: str | None, customer: str | None, expected: str | None
) -> None:
    assert sales_tax_group_for(Method.SEARCH, project, contract, customer) == expected


@pytest.mark.parametrize("method", [Method.PROJECT, Method.CONTRACT, Method.CUSTOMER])
def test_a_fixed_method_does_not_fall_back_to_another_source(method: SalesTaxGroupMethod) -> None:
    groups = {"project": "PRJ", "contract": "CON", "customer": "CUS"}
    groups[method.value] = ""
    assert sales_tax_group_for(method, **groups) is None


# --- defaulting the billing item sales tax group --------------------------------------


@pytest.mark.parametrize("cls", [Class.TIME, Class.EXPENSE, Class.FEE])
@pytest.mark.parametrize("method", [ITEM, CATEGORY])
def test_time_expense_and_fee_take_the_categorys_group_whatever_the_material_parameter(
    cls: TransactionClass, method: MaterialTaxGroupMethod
) -> None:
    assert item_tax_group_for(cls, "CAT-GRP", "ITEM-GRP", method) == "CAT-GRP"


def test_material_takes_the_released_products_group_under_the_item_method() -> None:
    assert item_tax_group_for(Class.MATERIAL, "CAT-GRP", "ITEM-GRP", ITEM) == "ITEM-GRP"


def test_material_takes_the_categorys_group_under_the_category_method() -> None:
    assert item_tax_group_for(Class.MATERIAL, "CAT-GRP", "ITEM-GRP", CATEGORY) == "CAT-GRP"


def test_material_without_the_chosen_group_has_none_rather_than_the_other() -> None:
    assert item_tax_group_for(Class.MATERIAL, "CAT-GRP", None, ITEM) is None
    assert item_tax_group_for(Class.MATERIAL, "", "ITEM-GRP", CATEGORY) is None


def test_a_fixed_price_milestone_takes_the_milestone_parameters_group() -> None:
    found = item_tax_group_for(Class.MILESTONE, "CAT", "ITEM", ITEM, milestone_group="MILE")
    assert found == "MILE"
    assert item_tax_group_for(Class.MILESTONE, "CAT", "ITEM", ITEM) is None


def test_a_product_based_line_takes_its_products_group() -> None:
    assert item_tax_group_for(Class.PRODUCT, "CAT-GRP", "ITEM-GRP", CATEGORY) == "ITEM-GRP"


# --- tax per detail and code ----------------------------------------------------------


def test_seed_003_invoice_line_at_20_percent_vat_has_200_gbp_tax() -> None:
    assert tax_lines(D("1000.00"), (VAT,), GBP) == (
        TaxLine("VAT20", D("20"), D("1000.00"), D("200.00")),
    )


def test_each_code_rounds_on_its_own_and_the_tax_is_their_sum() -> None:
    lines = tax_lines(D("10.10"), (STATE, CITY), USD)
    # STATE 6.25 % of 10.10 = 0.63125 -> 0.63; CITY 1.5 % = 0.1515 -> 0.15.
    assert [(line.code, line.amount) for line in lines] == [
        ("CITY", D("0.15")),
        ("STATE", D("0.63")),
    ]
    assert total_tax(lines) == D("0.78")


def test_per_code_rounding_differs_from_rounding_the_combined_rate() -> None:
    # 6.25 % of 0.20 = 0.0125 -> 0.01; 1.5 % = 0.003 -> 0.00; combined 0.0155 -> 0.02.
    lines = tax_lines(D("0.20"), (STATE, CITY), USD)
    assert total_tax(lines) == D("0.01")


def test_a_credit_has_exactly_the_negated_tax_of_the_charge() -> None:
    charge = tax_lines(D("10.10"), (STATE, CITY), USD)
    credit = tax_lines(D("-10.10"), (STATE, CITY), USD)
    assert [line.amount for line in credit] == [-line.amount for line in charge]


def test_a_code_listed_twice_gives_one_line_and_two_rates_for_a_code_are_refused() -> None:
    assert len(tax_lines(D("100.00"), (VAT, VAT), GBP)) == 1
    with pytest.raises(Invalid, match="two rates"):
        tax_lines(D("100.00"), (VAT, TaxCode("VAT20", D("17.5"))), GBP)


def test_no_codes_no_tax() -> None:
    assert tax_lines(D("100.00"), (), GBP) == ()
    assert total_tax(()) == 0


def test_yen_and_dinar_tax_rounds_to_their_minor_units() -> None:
    assert tax_lines(D("1005"), (REDUCED,), JPY)[0].amount == D("50")  # 50.25
    assert tax_lines(D("1.005"), (REDUCED,), KWD)[0].amount == D("0.050")  # 0.05025


rates = st.decimals(min_value=0, max_value=100, places=4)
code_sets = st.lists(
    st.builds(TaxCode, st.sampled_from("ABCDEFG"), rates), max_size=5, unique_by=lambda c: c.code
)


@given(
    amounts=st.lists(st.decimals(min_value=-(10**7), max_value=10**7, places=3), max_size=8),
    codes=code_sets,
    currency=st.sampled_from((USD, JPY, KWD)),
)
def test_tax_rounds_per_detail_and_code_and_every_total_is_the_sum(
    amounts: list[Decimal], codes: list[TaxCode], currency: Currency
) -> None:
    details = [tax_lines(round_amount(a, currency), codes, currency) for a in amounts]
    for amount, lines in zip(amounts, details, strict=True):
        assert len(lines) == len(codes)
        for line in lines:
            assert line.base == round_amount(amount, currency)
            assert line.amount == round_amount(line.base * line.rate / 100, currency)
    per_code = {
        c.code: total_tax(ln for d in details for ln in d if ln.code == c.code) for c in codes
    }
    header = total_tax(line for lines in details for line in lines)
    assert header == sum(per_code.values(), D(0))
    assert header == sum((total_tax(lines) for lines in details), D(0))


# --- refusals name their field and reason ---------------------------------------------


def test_a_negative_or_non_decimal_tax_rate_is_refused_on_rate() -> None:
    with pytest.raises(Invalid) as refused:
        TaxCode("BAD", D("-1"))
    assert refused.value.errors == (
        FieldError("rate", "tax code BAD must not have a negative rate"),
    )
    with pytest.raises(TypeError, match=r"^rate must be Decimal, not float$"):
        TaxCode("BAD", 20.0)  # type: ignore[arg-type]


def test_unknown_tax_codes_are_refused_on_tax_code_listed_in_order() -> None:
    group = frozenset({"ZZ", "GST", "VAT20"})
    with pytest.raises(Invalid) as refused:
        applicable_codes(SalesTaxGroup("A", group), ItemSalesTaxGroup("B", group), ())
    reason = "unknown tax code(s): GST, VAT20, ZZ"
    assert refused.value.errors == (FieldError("tax_code", reason),)


def test_a_code_given_two_rates_is_refused_on_tax_code() -> None:
    with pytest.raises(Invalid) as refused:
        tax_lines(D("100.00"), (TaxCode("VAT20", D("20")), TaxCode("VAT20", D("17.5"))), GBP)
    assert refused.value.errors == (FieldError("tax_code", "tax code VAT20 is given two rates"),)


def test_no_tax_lines_total_a_decimal_zero() -> None:
    total = total_tax(())
    assert (type(total), total) == (Decimal, 0)
