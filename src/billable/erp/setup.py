"""ERP setup: the plain collections (legal entities, ledger accounts, exchange rates,
tax codes and groups, financial dimensions) and the checks their writes make.

They register themselves in :data:`billable.masterdata.records.KINDS` so the generic
create/update use cases (and the route factory) serve them too. The rest of the setup
has its own modules, re-exported here where callers have always found it: legal
entities (:mod:`~billable.erp.legal_entities`), posting profiles
(:mod:`~billable.erp.posting_profiles`), fixed-rate agreements
(:mod:`~billable.erp.fixed_rates`) and the parameters (:mod:`~billable.erp.parameters`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents import parties
from billable.domain.errors import Conflict, FieldError, Invalid
from billable.erp.fixed_rates import remove_fixed_rate_agreement, set_fixed_rate_agreement
from billable.erp.legal_entities import (
    DEFAULT_LEGAL_ENTITY,
    default_legal_entity,
    ensure_default_legal_entity,
    legal_entity,
)
from billable.erp.parameters import DEFAULT_PARAMETERS, parameters, set_parameters
from billable.erp.posting_profiles import (
    posting_profile,
    posting_profile_rows,
    replace_posting_profile,
)
from billable.masterdata.records import KINDS, Kind
from billable.persistence.tables import (
    ExchangeRate,
    FinancialDimension,
    ItemSalesTaxGroup,
    LedgerAccount,
    LegalEntity,
    SalesTaxGroup,
    TaxCode,
    Voucher,
)

Fields = Mapping[str, Any]

__all__ = [
    "DEFAULT_LEGAL_ENTITY",
    "DEFAULT_PARAMETERS",
    "default_legal_entity",
    "ensure_default_legal_entity",
    "legal_entity",
    "parameters",
    "posting_profile",
    "posting_profile_rows",
    "remove_fixed_rate_agreement",
    "replace_posting_profile",
    "set_fixed_rate_agreement",
    "set_parameters",
]


def _taken(session: Session, row: Any, column: str, value: Any, what: str) -> None:
    """409 when another row of ``row``'s table already has ``value`` in ``column``."""
    model = type(row)
    with session.no_autoflush:
        stmt = select(model.id).where(getattr(model, column) == value)
        if row.id is not None:
            stmt = stmt.where(model.id != row.id)
        if session.scalars(stmt).first() is not None:
            said = f"named {value}" if column == "name" else f"with {column} {value}"
            article = "an" if what[:1] in "aeiou" else "a"
            reason = f"{article} {what} {said} exists already"
            raise Conflict(reason, (FieldError(column, reason),))


def _write_legal_entity(session: Session, row: LegalEntity, fields: Fields) -> None:
    parties.write_seller(session, row, fields)
    if "accounting_currency" not in fields:
        return
    currency(fields["accounting_currency"], "accounting_currency")
    if row.id is not None:
        with session.no_autoflush:
            posted = session.scalar(select(exists().where(Voucher.legal_entity_id == row.id)))
        if posted:
            raise Conflict("the accounting currency of a legal entity with vouchers is fixed")


def _write_account(session: Session, row: LedgerAccount, fields: Fields) -> None:
    if "number" in fields:
        _taken(session, row, "number", fields["number"], "ledger account")


def _write_rate(session: Session, row: ExchangeRate, fields: Fields) -> None:
    if "from_currency" not in fields:
        return
    currency(fields["from_currency"], "from_currency")
    currency(fields["to_currency"], "to_currency")
    if fields["from_currency"] == fields["to_currency"]:
        raise Invalid.field("to_currency", "a rate converts between two different currencies")
    with session.no_autoflush:
        clash = session.scalars(
            select(ExchangeRate.id).where(
                ExchangeRate.from_currency == fields["from_currency"],
                ExchangeRate.to_currency == fields["to_currency"],
                ExchangeRate.valid_from == fields["valid_from"],
            )
        ).first()
    if clash is not None:
        raise Conflict(
            f"a {fields['from_currency']} to {fields['to_currency']} rate valid from "
            f"{fields['valid_from']} exists already (id {clash}); change its rate instead"
        )


def _write_tax_code(session: Session, row: TaxCode, fields: Fields) -> None:
    if "code" in fields:
        _taken(session, row, "code", fields["code"], "tax code")
    parties.check_tax_code(row, fields)


def _distinct(values: Sequence[str], field: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise Invalid.field(f"{field}[{i}]", f"{value} is listed twice")
        seen.add(value)


def _write_tax_group(session: Session, row: Any, fields: Fields) -> None:
    if "code" in fields:
        what = "sales tax group" if isinstance(row, SalesTaxGroup) else "item sales tax group"
        _taken(session, row, "code", fields["code"], what)
    codes = fields.get("tax_codes")
    if codes is None:
        return
    _distinct(codes, "tax_codes")
    with session.no_autoflush:
        known = set(session.scalars(select(TaxCode.code).where(TaxCode.code.in_(codes))))
    for i, code in enumerate(codes):
        if code not in known:
            raise Invalid.field(f"tax_codes[{i}]", f"no tax code {code}")
    row.tax_codes = list(codes)


def _write_dimension(session: Session, row: FinancialDimension, fields: Fields) -> None:
    if "name" in fields:
        _taken(session, row, "name", fields["name"], "financial dimension")
    if fields.get("values") is not None:
        _distinct(fields["values"], "values")
        row.values = list(fields["values"])


KINDS.update(
    {
        "legal_entity": Kind(LegalEntity, "legal entity", write=_write_legal_entity),
        "ledger_account": Kind(LedgerAccount, "ledger account", write=_write_account),
        "exchange_rate": Kind(ExchangeRate, "exchange rate", write=_write_rate),
        "tax_code": Kind(TaxCode, "tax code", write=_write_tax_code),
        "sales_tax_group": Kind(SalesTaxGroup, "sales tax group", write=_write_tax_group),
        "item_sales_tax_group": Kind(
            ItemSalesTaxGroup, "item sales tax group", write=_write_tax_group
        ),
        "financial_dimension": Kind(
            FinancialDimension, "financial dimension", write=_write_dimension
        ),
    }
)
