"""Use cases for ERP setup: legal entities, ledger accounts, posting profiles, exchange
rates, fixed-rate agreements, tax codes and groups, parameters, financial dimensions.

The plain collections register themselves in :data:`billable.masterdata.records.KINDS`
so the generic create/update use cases (and the route factory) serve them too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import Conflict, FieldError, Invalid, NotFound
from billable.domain.postings import PostingProfile, PostingRule, PostingType
from billable.domain.pricing import TransactionClass
from billable.domain.tax import MaterialTaxGroupMethod, SalesTaxGroupMethod
from billable.erp.legal_entities import default_legal_entity as default_legal_entity
from billable.masterdata.records import KINDS, Kind
from billable.persistence.lookups import get, ref
from billable.persistence.tables import (
    Contract,
    ErpParameters,
    ExchangeRate,
    FinancialDimension,
    FixedRateAgreement,
    ItemSalesTaxGroup,
    LedgerAccount,
    LegalEntity,
    PostingProfileEntry,
    SalesTaxGroup,
    TaxCode,
    Voucher,
)
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]

#: The parameters until someone sets them.
DEFAULT_PARAMETERS = {
    "sales_tax_group_method": SalesTaxGroupMethod.SEARCH.value,
    "material_item_tax_group_method": MaterialTaxGroupMethod.ITEM.value,
}


def ensure_default_legal_entity(uow: UnitOfWork) -> None:
    """Make the default legal entity if there is none yet, and commit."""
    with uow:
        default_legal_entity(uow.session)
        uow.commit()


def legal_entity(session: Session, ident: str | None) -> LegalEntity:
    """The legal entity ``ident`` (404), or the default one when ``ident`` is None."""
    if ident is None:
        return default_legal_entity(session)
    return get(session, LegalEntity, ident, "legal entity")


def _taken(session: Session, row: Any, column: str, value: Any, what: str) -> None:
    """409 when another row of ``row``'s table already has ``value`` in ``column``."""
    model = type(row)
    with session.no_autoflush:
        stmt = select(model.id).where(getattr(model, column) == value)
        if row.id is not None:
            stmt = stmt.where(model.id != row.id)
        if session.scalars(stmt).first() is not None:
            said = f"named {value}" if column == "name" else f"with {column} {value}"
            reason = f"a {what} {said} exists already"
            raise Conflict(reason, (FieldError(column, reason),))


def _write_legal_entity(session: Session, row: LegalEntity, fields: Fields) -> None:
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


def replace_posting_profile(
    uow: UnitOfWork, legal_entity_id: str | None, entries: Sequence[Fields]
) -> int:
    """Replace a legal entity's posting profile with ``entries``; returns its id.

    Each entry names a posting type, a transaction class or None (any) and an existing
    ledger account number; a rule given twice or an unknown account is a 422 naming
    the entry's index, as is an unknown ``legal_entity_id`` (default: the first).
    """
    with uow:
        session = uow.session
        entity = (
            default_legal_entity(session)
            if legal_entity_id is None
            else ref(session, LegalEntity, legal_entity_id, "legal_entity_id", "legal entity")
        )
        seen: set[tuple[str, str | None]] = set()
        rows = []
        for i, entry in enumerate(entries):
            posting_type = PostingType(entry["posting_type"])
            key = (posting_type.value, entry.get("transaction_class"))
            if key in seen:
                raise Invalid.field(f"entries[{i}]", f"{key[0]}/{key[1] or 'all'} is given twice")
            seen.add(key)
            account = session.scalars(
                select(LedgerAccount).where(LedgerAccount.number == entry["account"])
            ).first()
            if account is None:
                raise Invalid.field(
                    f"entries[{i}].account", f"no ledger account {entry['account']}"
                )
            rows.append(
                PostingProfileEntry(
                    legal_entity_id=entity.id,
                    posting_type=posting_type.value,
                    transaction_class=key[1],
                    ledger_account_id=account.id,
                )
            )
        for old in session.scalars(
            select(PostingProfileEntry).where(PostingProfileEntry.legal_entity_id == entity.id)
        ):
            session.delete(old)
        session.flush()
        session.add_all(rows)
        ident = entity.id
        uow.commit()
    return ident


def posting_profile_rows(
    session: Session, entity: LegalEntity
) -> list[tuple[str, str | None, str]]:
    """The profile of ``entity`` as ``(posting_type, transaction_class, account)``, in order."""
    stmt = (
        select(
            PostingProfileEntry.posting_type,
            PostingProfileEntry.transaction_class,
            LedgerAccount.number,
        )
        .join(LedgerAccount, LedgerAccount.id == PostingProfileEntry.ledger_account_id)
        .where(PostingProfileEntry.legal_entity_id == entity.id)
        .order_by(PostingProfileEntry.id)
    )
    return [(t, c, n) for t, c, n in session.execute(stmt)]


def posting_profile(session: Session, entity: LegalEntity) -> PostingProfile:
    """The domain posting profile of ``entity``."""
    return PostingProfile(
        tuple(
            PostingRule(PostingType(t), TransactionClass(c) if c else None, account)
            for t, c, account in posting_profile_rows(session, entity)
        )
    )


def set_fixed_rate_agreement(uow: UnitOfWork, contract_id: str, fields: Fields) -> None:
    """Set (or replace) a project contract's fixed-rate agreement."""
    with uow:
        contract = get(uow.session, Contract, contract_id, "contract")
        currency(fields["currency"])
        row = uow.session.get(FixedRateAgreement, contract.id)
        if row is None:
            row = FixedRateAgreement(contract_id=contract.id)
            uow.session.add(row)
        row.currency = fields["currency"]
        row.rate = fields["rate"]
        row.reference = fields.get("reference")
        uow.commit()


def remove_fixed_rate_agreement(uow: UnitOfWork, contract_id: str) -> None:
    """Remove a contract's fixed-rate agreement (404 when it has none)."""
    with uow:
        contract = get(uow.session, Contract, contract_id, "contract")
        row = uow.session.get(FixedRateAgreement, contract.id)
        if row is None:
            raise NotFound(f"contract {contract_id} has no fixed-rate agreement")
        uow.session.delete(row)
        uow.commit()


def parameters(session: Session) -> dict[str, Any]:
    """The project parameters in force (the defaults until they are set)."""
    row = session.get(ErpParameters, 1)
    if row is None:
        return {**DEFAULT_PARAMETERS, "milestone_item_sales_tax_group": None}
    return {
        "sales_tax_group_method": row.sales_tax_group_method,
        "material_item_tax_group_method": row.material_item_tax_group_method,
        "milestone_item_sales_tax_group": row.milestone_item_sales_tax_group,
    }


def set_parameters(uow: UnitOfWork, fields: Fields) -> None:
    """Replace the project parameters; an unknown milestone item sales tax group is a 422."""
    SalesTaxGroupMethod(fields["sales_tax_group_method"])
    MaterialTaxGroupMethod(fields["material_item_tax_group_method"])
    with uow:
        milestone_group = fields.get("milestone_item_sales_tax_group")
        if milestone_group is not None:
            found = uow.session.scalars(
                select(ItemSalesTaxGroup.id).where(ItemSalesTaxGroup.code == milestone_group)
            ).first()
            if found is None:
                raise Invalid.field(
                    "milestone_item_sales_tax_group", f"no item sales tax group {milestone_group}"
                )
        row = uow.session.get(ErpParameters, 1)
        if row is None:
            row = ErpParameters(id=1)
            uow.session.add(row)
        row.sales_tax_group_method = fields["sales_tax_group_method"]
        row.material_item_tax_group_method = fields["material_item_tax_group_method"]
        row.milestone_item_sales_tax_group = milestone_group
        uow.commit()
