"""What the ERP side defaults from master data: legal entities, billing tax groups,
sales tax, financial dimensions and the exchange rate in force (seed 003).

Shared by approval (tax on unbilled actuals), milestones (on-account transactions), the
integration journal and invoice proposals, so every place defaults the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.currency import ExchangeRate as RateFact
from billable.domain.currency import FixedRateAgreement as AgreementFact
from billable.domain.currency import effective_rate
from billable.domain.dimensions import Dimensions, dimension_set
from billable.domain.errors import DomainError
from billable.domain.pricing import TransactionClass
from billable.domain.tax import (
    ItemSalesTaxGroup as ItemGroupFact,
)
from billable.domain.tax import (
    MaterialTaxGroupMethod,
    SalesTaxGroupMethod,
    TaxLine,
    applicable_codes,
    item_tax_group_for,
    sales_tax_group_for,
    tax_lines,
    total_tax,
)
from billable.domain.tax import (
    SalesTaxGroup as SalesGroupFact,
)
from billable.domain.tax import (
    TaxCode as TaxCodeFact,
)
from billable.erp.setup import default_legal_entity, parameters
from billable.persistence.tables import (
    Contract,
    Customer,
    ExchangeRate,
    FixedRateAgreement,
    ItemSalesTaxGroup,
    LegalEntity,
    Product,
    Project,
    SalesTaxGroup,
    TaxCode,
    TransactionCategory,
)


def entity_of(session: Session, legal_entity_id: int | None) -> LegalEntity:
    """The legal entity ``legal_entity_id``, or the default one when it is None."""
    if legal_entity_id is None:
        return default_legal_entity(session)
    entity = session.get(LegalEntity, legal_entity_id)
    assert entity is not None  # a foreign key
    return entity


def project_entity(session: Session, project_id: int | None) -> LegalEntity:
    """The legal entity a project's transactions post in."""
    project = session.get(Project, project_id) if project_id is not None else None
    return entity_of(session, project.legal_entity_id if project else None)


@dataclass(frozen=True)
class Defaults:
    """The parameters the billing tax groups default by, read once: the one place the
    groups are chosen (approval, milestones, the journal's import, proposals)."""

    sales_method: SalesTaxGroupMethod
    material_method: MaterialTaxGroupMethod
    milestone_group: str | None

    @classmethod
    def read(cls, session: Session) -> Defaults:
        """The parameters in force."""
        settings = parameters(session)
        return cls(
            SalesTaxGroupMethod(settings["sales_tax_group_method"]),
            MaterialTaxGroupMethod(settings["material_item_tax_group_method"]),
            settings["milestone_item_sales_tax_group"],
        )

    def sales_group(
        self, project: str | None, contract: str | None, customer: str | None
    ) -> str | None:
        """The billing sales tax group from the groups on project, contract, customer."""
        return sales_tax_group_for(self.sales_method, project, contract, customer)

    def item_group(
        self, transaction_class: str, category: str | None, product: str | None
    ) -> str | None:
        """The billing item sales tax group from the category's and product's groups."""
        return item_tax_group_for(
            TransactionClass(transaction_class),
            category,
            product,
            self.material_method,
            milestone_group=self.milestone_group,
        )


def billing_sales_tax_group(
    session: Session, project_id: int | None, contract_id: int | None
) -> str | None:
    """The billing sales tax group by the parameter's method: project, contract,
    customer, or search (the first of the three that has one)."""
    project = session.get(Project, project_id) if project_id is not None else None
    contract = session.get(Contract, contract_id) if contract_id is not None else None
    customer_id = contract.customer_id if contract else (project.customer_id if project else None)
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    return Defaults.read(session).sales_group(
        project.sales_tax_group if project else None,
        contract.sales_tax_group if contract else None,
        customer.sales_tax_group if customer else None,
    )


def billing_item_tax_group(
    session: Session,
    transaction_class: str,
    category_id: int | None,
    product_id: int | None,
) -> str | None:
    """The billing item sales tax group: the category's for time, expense and fee; for
    material the product's or the category's per parameter; a product line's product;
    a milestone the "fixed price milestone item sales tax group" parameter."""
    category = session.get(TransactionCategory, category_id) if category_id is not None else None
    product = session.get(Product, product_id) if product_id is not None else None
    return Defaults.read(session).item_group(
        transaction_class,
        category.item_sales_tax_group if category else None,
        product.item_sales_tax_group if product else None,
    )


def taxes(
    session: Session,
    amount: Decimal,
    currency_code: str,
    sales_group: str | None,
    item_group: str | None,
) -> tuple[TaxLine, ...]:
    """The tax lines of ``amount``: one per code in both groups, rounded per code."""
    return tax_lines(amount, tax_codes(session, sales_group, item_group), currency(currency_code))


def tax_codes(
    session: Session, sales_group: str | None, item_group: str | None
) -> tuple[TaxCodeFact, ...]:
    """The codes that apply to a transaction in both groups (none when either is
    missing or unknown); :func:`taxes` rounds an amount's tax per code of these."""
    if not sales_group or not item_group:
        return ()
    sales = session.scalars(select(SalesTaxGroup).where(SalesTaxGroup.code == sales_group)).first()
    item = session.scalars(
        select(ItemSalesTaxGroup).where(ItemSalesTaxGroup.code == item_group)
    ).first()
    if sales is None or item is None:
        return ()
    wanted = set(sales.tax_codes) & set(item.tax_codes)
    codes = [
        TaxCodeFact(row.code, row.rate)
        for row in session.scalars(select(TaxCode).where(TaxCode.code.in_(wanted)))
    ]
    return tuple(
        applicable_codes(
            SalesGroupFact(sales.code, frozenset(sales.tax_codes)),
            ItemGroupFact(item.code, frozenset(item.tax_codes)),
            codes,
        )
    )


def tax_amount(
    session: Session,
    amount: Decimal,
    currency_code: str,
    sales_group: str | None,
    item_group: str | None,
) -> Decimal:
    """The sum of :func:`taxes` (zero when either group is missing)."""
    return total_tax(taxes(session, amount, currency_code, sales_group, item_group))


def tax_json(lines: tuple[TaxLine, ...]) -> list[dict[str, str]]:
    """Tax lines as stored in JSON columns (exact decimals as strings)."""
    return [{"code": t.code, "rate": str(t.rate), "amount": str(t.amount)} for t in lines]


def dimensions_of(value: Mapping[str, Any] | None) -> Dimensions:
    """A stored ``{name: value}`` mapping as a domain dimension set."""
    return dimension_set((value or {}).items())


def project_dimensions(session: Session, project_id: int | None) -> dict[str, Any]:
    """A project's default financial dimensions (empty when none)."""
    project = session.get(Project, project_id) if project_id is not None else None
    return dict(project.dimensions or {}) if project else {}


def rate_in_force(
    session: Session,
    contract_id: int | None,
    from_code: str,
    to_code: str,
    on: dt.date,
) -> Decimal:
    """The rate from ``from_code`` to ``to_code`` for a transaction of ``contract_id`` on
    ``on``: the contract's fixed-rate agreement in that currency if it has one (whatever
    the date), else the date-effective rate. Refused (422) when none is in force."""
    wanted = RateKey(contract_id, from_code, to_code, on)
    return rates_in_force(session, [wanted])[wanted]


@dataclass(frozen=True)
class RateKey:
    """What a rate in force is asked for: a contract's transaction between two
    currencies on a date."""

    contract_id: int | None
    from_code: str
    to_code: str
    on: dt.date


def rates_in_force(session: Session, wanted: Sequence[RateKey]) -> dict[RateKey, Decimal]:
    """:func:`rate_in_force` for many at once: the agreements of their contracts and the
    rates between their currencies read in two queries, each decided by the domain's
    ``effective_rate``. Refused (422) when any has none in force."""
    out: dict[RateKey, Decimal] = {}
    for key, found in rates_or_refusals(session, wanted).items():
        if isinstance(found, DomainError):
            raise found
        out[key] = found
    return out


def rates_or_refusals(
    session: Session, wanted: Sequence[RateKey]
) -> dict[RateKey, Decimal | DomainError]:
    """:func:`rates_in_force`, with each key's refusal in its place instead of raised, so
    that a set of entries can refuse only those without a rate (approval)."""
    contracts = {k.contract_id for k in wanted if k.contract_id is not None}
    agreements = {
        row.contract_id: AgreementFact(row.currency, row.rate, row.reference)
        for row in session.scalars(
            select(FixedRateAgreement).where(FixedRateAgreement.contract_id.in_(contracts))
        )
    }
    pairs = {(k.from_code, k.to_code) for k in wanted}
    latest = max((k.on for k in wanted), default=dt.date.min)
    by_pair: dict[tuple[str, str], list[RateFact]] = {}
    for r in session.scalars(
        select(ExchangeRate).where(
            tuple_(ExchangeRate.from_currency, ExchangeRate.to_currency).in_(pairs),
            ExchangeRate.valid_from <= latest,
        )
    ):
        fact = RateFact(r.from_currency, r.to_currency, r.rate, r.valid_from)
        by_pair.setdefault((r.from_currency, r.to_currency), []).append(fact)
    out: dict[RateKey, Decimal | DomainError] = {}
    for k in wanted:
        rates = [r for r in by_pair.get((k.from_code, k.to_code), []) if r.valid_from <= k.on]
        agreement = agreements.get(k.contract_id) if k.contract_id is not None else None
        try:
            out[k] = effective_rate(rates, agreement, k.from_code, k.to_code, k.on)
        except DomainError as refusal:
            out[k] = refusal
    return out
