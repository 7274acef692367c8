"""The ERP setup pages' shapes: for each plain setup collection of the API, its page's
address, the fields its add and edit forms show and the columns its list shows.

The rules stay the API's: a form is read into the API's own request schema
(:func:`billable.web.forms.validated`) and written by the same use case
(:func:`billable.masterdata.records.create` / ``update``); this module only says what a
page shows and how a text field becomes a value (a comma-separated list)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args

from pydantic import BaseModel

from billable.api.schemas import erp as s
from billable.domain.errors import FieldError, Invalid, NotFound
from billable.web.forms import validated

#: A field typed as "A, B, C" and sent as a list (tax codes of a group, a dimension's values).
LIST = "list"  # not vocabulary: how a form field is typed
DATE = "date"  # not vocabulary: an HTML input type


@dataclass(frozen=True)
class FormField:
    """One control: the schema's field ``name``, its label, and how it is typed
    (``text``, ``date``, ``list``, or a choice of ``choices``)."""

    name: str
    label: str
    typed: str = "text"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupPage:
    """One setup collection's page: ``kind`` is the use cases' (and the API's) kind."""

    slug: str
    kind: str
    title: str
    noun: str
    create: type[BaseModel]
    change: type[BaseModel]
    add_fields: tuple[FormField, ...]
    edit_fields: tuple[FormField, ...]
    columns: tuple[tuple[str, str], ...]


#: The API's ledger account kinds, read from its schema (one list of them).
_ACCOUNT_KINDS: tuple[str, ...] = get_args(s.AccountKind)
_CURRENCY = FormField("accounting_currency", "Accounting currency")
_CODES = FormField("tax_codes", "Tax codes (comma-separated)", LIST)
_GROUP_COLUMNS = (("Code", "code"), ("Tax codes", "tax_codes"))

PAGES: tuple[SetupPage, ...] = (
    SetupPage(
        "legal-entities",
        "legal_entity",
        "Legal entities",
        "legal entity",
        s.LegalEntityIn,
        s.LegalEntityPatch,
        (FormField("name", "Name"), _CURRENCY, FormField("vat_id", "VAT id")),
        (FormField("name", "Name"), _CURRENCY, FormField("vat_id", "VAT id")),
        (("Name", "name"), ("Accounting currency", "accounting_currency"), ("VAT id", "vat_id")),
    ),
    SetupPage(
        "ledger-accounts",
        "ledger_account",
        "Ledger accounts",
        "ledger account",
        s.LedgerAccountIn,
        s.LedgerAccountPatch,
        (
            FormField("number", "Account number"),
            FormField("name", "Account name"),
            FormField("kind", "Account kind", choices=_ACCOUNT_KINDS),
        ),
        (
            FormField("name", "Account name"),
            FormField("kind", "Account kind", choices=_ACCOUNT_KINDS),
        ),
        (("Number", "number"), ("Name", "name"), ("Kind", "kind")),
    ),
    SetupPage(
        "exchange-rates",
        "exchange_rate",
        "Exchange rates",
        "exchange rate",
        s.ExchangeRateIn,
        s.ExchangeRatePatch,
        (
            FormField("from_currency", "From currency"),
            FormField("to_currency", "To currency"),
            FormField("rate", "Rate"),
            FormField("valid_from", "Valid from", DATE),
        ),
        (FormField("rate", "Rate"),),
        (
            ("From", "from_currency"),
            ("To", "to_currency"),
            ("Rate", "rate"),
            ("Valid from", "valid_from"),
        ),
    ),
    SetupPage(
        "tax-codes",
        "tax_code",
        "Tax codes",
        "tax code",
        s.TaxCodeIn,
        s.TaxCodePatch,
        (
            FormField("code", "Code"),
            FormField("name", "Name"),
            FormField("rate", "Rate (percent)"),
            FormField("exemption_reason", "Exemption reason"),
        ),
        (
            FormField("name", "Name"),
            FormField("rate", "Rate (percent)"),
            FormField("exemption_reason", "Exemption reason"),
        ),
        (("Code", "code"), ("Name", "name"), ("Rate", "rate"), ("VAT category", "vat_category")),
    ),
    SetupPage(
        "sales-tax-groups",
        "sales_tax_group",
        "Sales tax groups",
        "sales tax group",
        s.TaxGroupIn,
        s.TaxGroupPatch,
        (FormField("code", "Code"), _CODES),
        (_CODES,),
        _GROUP_COLUMNS,
    ),
    SetupPage(
        "item-sales-tax-groups",
        "item_sales_tax_group",
        "Item sales tax groups",
        "item sales tax group",
        s.TaxGroupIn,
        s.TaxGroupPatch,
        (FormField("code", "Code"), _CODES),
        (_CODES,),
        _GROUP_COLUMNS,
    ),
    SetupPage(
        "financial-dimensions",
        "financial_dimension",
        "Financial dimensions",
        "financial dimension",
        s.FinancialDimensionIn,
        s.FinancialDimensionPatch,
        (FormField("name", "Name"), FormField("values", "Values (comma-separated)", LIST)),
        (FormField("values", "Values (comma-separated)", LIST),),
        (("Name", "name"), ("Values", "values")),
    ),
)
BY_SLUG = {p.slug: p for p in PAGES}


def setup_page(slug: str) -> SetupPage:
    """The page at ``/setup/{slug}``, or 404."""
    found = BY_SLUG.get(slug)
    if found is None:
        raise NotFound(f"no setup page {slug}")
    return found


def _value(field: FormField, text: str) -> Any:
    if field.typed == LIST:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _emptied(fields: list[FormField], schema: type[BaseModel]) -> dict[str, Any]:
    """What an edit form's emptied ``fields`` ask the PATCH for: an empty list, or
    ``null`` where the schema may clear the field; a required one is refused."""
    clearable: frozenset[str] = getattr(schema, "nullable", frozenset())
    required = [f.name for f in fields if f.typed != LIST and f.name not in clearable]
    if required:
        errors = tuple(FieldError(name, "must not be empty") for name in required)
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), errors)
    return {f.name: [] if f.typed == LIST else None for f in fields}


def read_form(
    fields: tuple[FormField, ...], form: Mapping[str, str], schema: type[BaseModel], *, whole: bool
) -> dict[str, Any]:
    """The fields filled in, checked by the API's ``schema``. ``whole`` (an add form):
    every field of the schema, defaults too, as the API's create passes them, and a
    field left empty is left out. An edit form shows the row's values, so a field
    emptied there is a change: cleared where the API's PATCH may clear it (``null``),
    an empty list for a list, else refused as required. A list item's
    refusal is shown on its list's field."""
    data = {f.name: _value(f, form[f.name]) for f in fields if form.get(f.name, "").strip()}
    if not whole:
        data |= _emptied([f for f in fields if f.name in form and f.name not in data], schema)
    try:
        return validated(schema, data, exclude_unset=not whole)
    except Invalid as exc:
        errors = tuple(FieldError(re.split(r"[.[]", e.field)[0], e.message) for e in exc.errors)
        raise Invalid(exc.detail, errors) from None


def shown(value: Any) -> str:
    """A cell or a prefilled field: a list as the form types it, a decimal without
    trailing zeros, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Decimal):  # a rate keeps its digits, not its column's zeros
        return format(value.normalize(), "f")
    return str(value)
