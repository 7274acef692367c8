"""ERP side routes: setup collections, posting profiles, fixed-rate agreements,
parameters, vouchers and the trial balance.

No ``from __future__ import annotations``: the collection factory reads body types at
definition time.
"""

import datetime as dt
from typing import Any

from fastapi import Response

from billable.api import present_erp as show
from billable.api import present_masterdata
from billable.api.deps import ReadLedger, ReadMaster, Uow, WriteErpSetup, WriteUow
from billable.api.pagination import Page, page
from billable.api.routers.masterdata import collection
from billable.api.routing import SegmentRouter
from billable.api.schemas import erp as s
from billable.api.schemas.masterdata import CategoryOut, ProductOut
from billable.erp import ledger as general_ledger
from billable.erp import setup as erp_setup
from billable.masterdata import records as masterdata
from billable.persistence.uow import UnitOfWork
from billable.views import erp as views
from billable.views import masterdata as masterdata_views

router = SegmentRouter()
SETUP = "ERP setup"
LEDGER = "general ledger"


def _collection(path: str, kind: str, schemas: tuple[Any, Any, Any], out: Any) -> None:
    body_in, body_patch, body_out = schemas
    collection(
        path,
        SETUP,
        kind,
        body_in,
        body_patch,
        body_out,
        out,
        on=router,
        write=WriteErpSetup,
        before_list=erp_setup.ensure_default_legal_entity if kind == "legal_entity" else None,
    )


_collection(
    "/legal-entities",
    "legal_entity",
    (s.LegalEntityIn, s.LegalEntityPatch, s.LegalEntityOut),
    show.legal_entity,
)
_collection(
    "/ledger-accounts",
    "ledger_account",
    (s.LedgerAccountIn, s.LedgerAccountPatch, s.LedgerAccountOut),
    show.ledger_account,
)
_collection(
    "/exchange-rates",
    "exchange_rate",
    (s.ExchangeRateIn, s.ExchangeRatePatch, s.ExchangeRateOut),
    show.exchange_rate,
)
_collection("/tax-codes", "tax_code", (s.TaxCodeIn, s.TaxCodePatch, s.TaxCodeOut), show.tax_code)
_collection(
    "/sales-tax-groups",
    "sales_tax_group",
    (s.TaxGroupIn, s.TaxGroupPatch, s.TaxGroupOut),
    show.tax_group,
)
_collection(
    "/item-sales-tax-groups",
    "item_sales_tax_group",
    (s.TaxGroupIn, s.TaxGroupPatch, s.TaxGroupOut),
    show.tax_group,
)
_collection(
    "/financial-dimensions",
    "financial_dimension",
    (s.FinancialDimensionIn, s.FinancialDimensionPatch, s.FinancialDimensionOut),
    show.financial_dimension,
)


def _profile(uow: UnitOfWork, legal_entity_id: str | None) -> dict[str, Any]:
    entity = erp_setup.legal_entity(uow.session, legal_entity_id)
    rows = erp_setup.posting_profile_rows(uow.session, entity)
    return {
        "legal_entity_id": str(entity.id),
        "entries": [{"posting_type": t, "transaction_class": c, "account": a} for t, c, a in rows],
    }


@router.get(
    "/posting-profiles",
    response_model=s.PostingProfileOut,
    tags=[SETUP],
    dependencies=[ReadMaster],
    summary="Get a legal entity's posting profile (default: the first legal entity's)",
)
def get_posting_profile(uow: WriteUow, legal_entity_id: str | None = None) -> dict[str, Any]:
    with uow:
        body = _profile(uow, legal_entity_id)
        uow.commit()  # the default legal entity, if it was just made
    return body


@router.put(
    "/posting-profiles",
    response_model=s.PostingProfileOut,
    tags=[SETUP],
    dependencies=[WriteErpSetup],
    summary="Replace a legal entity's posting profile",
)
def put_posting_profile(body: s.PostingProfileIn, uow: Uow) -> dict[str, Any]:
    entries = [entry.model_dump() for entry in body.entries]
    ident = erp_setup.replace_posting_profile(uow, body.legal_entity_id, entries)
    with uow:
        return _profile(uow, str(ident))


def _agreement(uow: UnitOfWork, contract_id: str) -> dict[str, Any]:
    with uow:
        row = views.fixed_rate_agreement(uow.session, contract_id)
    return show.fixed_rate_agreement(row)


@router.get(
    "/contracts/{ident}/fixed-rate-agreement",
    response_model=s.FixedRateAgreementOut,
    tags=[SETUP],
    dependencies=[ReadMaster],
)
def get_fixed_rate_agreement(ident: str, uow: Uow) -> dict[str, Any]:
    return _agreement(uow, ident)


@router.put(
    "/contracts/{ident}/fixed-rate-agreement",
    response_model=s.FixedRateAgreementOut,
    tags=[SETUP],
    dependencies=[WriteErpSetup],
    summary="Set or replace a contract's fixed-rate agreement",
)
def put_fixed_rate_agreement(ident: str, body: s.FixedRateAgreementIn, uow: Uow) -> dict[str, Any]:
    erp_setup.set_fixed_rate_agreement(uow, ident, body.model_dump())
    return _agreement(uow, ident)


@router.delete(
    "/contracts/{ident}/fixed-rate-agreement",
    status_code=204,
    tags=[SETUP],
    dependencies=[WriteErpSetup],
)
def delete_fixed_rate_agreement(ident: str, uow: Uow) -> Response:
    erp_setup.remove_fixed_rate_agreement(uow, ident)
    return Response(status_code=204)


@router.get("/parameters", response_model=s.ParametersOut, tags=[SETUP], dependencies=[ReadMaster])
def get_parameters(uow: Uow) -> dict[str, Any]:
    with uow:
        return erp_setup.parameters(uow.session)


@router.put(
    "/parameters", response_model=s.ParametersOut, tags=[SETUP], dependencies=[WriteErpSetup]
)
def put_parameters(body: s.ParametersIn, uow: Uow) -> dict[str, Any]:
    erp_setup.set_parameters(uow, body.model_dump())
    with uow:
        return erp_setup.parameters(uow.session)


@router.get(
    "/vouchers", response_model=Page[s.VoucherOut], tags=[LEDGER], dependencies=[ReadLedger]
)
def list_vouchers(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    source_type: str | None = None,
    source_id: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    with uow:
        found = views.vouchers(uow.session, limit, cursor, source_type, source_id, account)
    return page(found, show.voucher)


@router.get(
    "/vouchers/{ident}", response_model=s.VoucherOut, tags=[LEDGER], dependencies=[ReadLedger]
)
def get_voucher(ident: str, uow: Uow) -> dict[str, Any]:
    with uow:
        row = views.voucher(uow.session, ident)
    return show.voucher(row)


@router.get(
    "/ledger/trial-balance",
    response_model=s.TrialBalanceOut,
    tags=[LEDGER],
    dependencies=[ReadLedger],
    summary="Debit, credit and balance per account up to a date (default: today)",
)
def get_trial_balance(
    uow: WriteUow, date: dt.date | None = None, legal_entity_id: str | None = None
) -> dict[str, Any]:
    on = date or dt.datetime.now(dt.UTC).date()
    with uow:
        report = general_ledger.trial_balance(uow.session, on, legal_entity_id)
        uow.commit()  # the default legal entity, if it was just made
    return show.trial_balance(report)


def _item_tax_group_route(path: str, kind: str, body_out: Any, present: Any) -> None:
    """``PUT {path}/{id}/item-sales-tax-group``: the ERP setup's one change to a
    category or product, through the same use case as its PATCH."""

    @router.put(
        path + "/{ident}/item-sales-tax-group",
        response_model=body_out,
        tags=[SETUP],
        dependencies=[WriteErpSetup],
        summary=f"Set a {kind.replace('_', ' ')}'s item sales tax group (ERP setup)",
        description=(
            "The accountant's (and admin's) change to master data: the item sales tax "
            "group alone; every other field of it is the project manager's (PATCH)."
        ),
    )
    def put_item_tax_group(ident: str, body: s.ItemTaxGroupIn, uow: Uow) -> dict[str, Any]:
        masterdata.update(uow, kind, ident, body.model_dump())
        with uow:
            row = masterdata_views.row(uow.session, kind, ident)
        result: dict[str, Any] = present(row)
        return result


_item_tax_group_route(
    "/transaction-categories", "transaction_category", CategoryOut, present_masterdata.category
)
_item_tax_group_route(
    "/products",
    "product",  # not vocabulary: the noun of its 404
    ProductOut,
    present_masterdata.product,
)
