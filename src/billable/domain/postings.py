"""Vouchers of the ERP side: posting the integration journal (seed 003).

Builders turn a cost or an unbilled sale (WIP) into a balanced :class:`Voucher`;
account numbers come from a :class:`PostingProfile`. Posting an invoice proposal is
:mod:`billable.domain.invoice_posting`, built from the same :class:`LineMaker`.

Sign convention: debit positive, credit negative. Amounts in the transaction currency
must already be rounded to its minor unit; each line's accounting amount is
``round(amount_transaction x exchange_rate)`` in the accounting currency.

Rounding rule (every voucher balances in accounting currency to the minor unit):
cost and WIP vouchers are pairs of opposite lines, converted once and negated, so they
balance by construction. An invoice voucher converts every line on its own, and its
customer-balance line takes the rounding difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from billable.domain.currency import IDENTITY_RATE, convert
from billable.domain.dimensions import Dimensions
from billable.domain.errors import Invalid
from billable.domain.money import RATE_PLACES, ZERO, Currency, round_amount, round_places
from billable.domain.pricing import TransactionClass


class PostingType(StrEnum):
    """What a voucher line records; the posting profile maps it to a ledger account."""

    PROJECT_COST = "project_cost"
    PAYROLL_ALLOCATION = "payroll_allocation"
    COST_OFFSET = "cost_offset"
    WIP_SALES_VALUE = "wip_sales_value"
    ACCRUED_REVENUE = "accrued_revenue"
    INVOICED_REVENUE = "invoiced_revenue"
    CUSTOMER_BALANCE = "customer_balance"
    SALES_TAX = "sales_tax"


@dataclass(frozen=True)
class VoucherLine:
    """One ledger line: debit positive, credit negative, in both currencies.

    ``currency`` is the transaction currency; ``tax_code`` names the code of a sales tax
    line and is ``None`` on every other line.
    """

    account: str
    posting_type: PostingType
    currency: Currency
    amount_transaction: Decimal
    amount_accounting: Decimal
    exchange_rate: Decimal
    dimensions: Dimensions = ()
    tax_code: str | None = None

    def mirrored(self) -> VoucherLine:
        """The same line with both amounts negated (a reversal or credit).

        Decimal negation is ``0 - x`` in the context: a zero stays unsigned, never
        "-0.00".
        """
        # Built field by field: ``dataclasses.replace`` re-inspects the fields per call,
        # and a posting mirrors every WIP line it reverses.
        return VoucherLine(
            self.account,
            self.posting_type,
            self.currency,
            -self.amount_transaction,
            -self.amount_accounting,
            self.exchange_rate,
            self.dimensions,
            self.tax_code,
        )


@dataclass(frozen=True)
class Voucher:
    """The lines one posting writes to the general ledger, together."""

    lines: tuple[VoucherLine, ...]

    def accounting_balance(self) -> Decimal:
        """The sum of the lines in accounting currency: zero when balanced."""
        return sum((line.amount_accounting for line in self.lines), ZERO)

    def check_balanced(self) -> None:
        """Raise :class:`Invalid` unless the lines add up to zero in accounting currency."""
        balance = self.accounting_balance()
        if balance != 0:
            raise Invalid.field(
                "voucher", f"does not balance in accounting currency: off by {balance}"
            )

    def mirrored(self) -> Voucher:
        """Every line negated, in the same order: the voucher that undoes this one."""
        return Voucher(tuple(line.mirrored() for line in self.lines))

    def lines_of(self, posting_type: PostingType) -> tuple[VoucherLine, ...]:
        """The lines of ``posting_type``, in order."""
        return tuple(line for line in self.lines if line.posting_type is posting_type)


@dataclass(frozen=True)
class PostingRule:
    """Post ``posting_type`` of ``transaction_class`` (``None``: any class) to ``account``."""

    posting_type: PostingType
    transaction_class: TransactionClass | None
    account: str


@dataclass(frozen=True)
class PostingProfile:
    """Ledger accounts by posting type and transaction class, configurable per company."""

    rules: tuple[PostingRule, ...]

    def __post_init__(self) -> None:
        keys = [(rule.posting_type, rule.transaction_class) for rule in self.rules]
        repeated = sorted({f"{t.value}/{c or 'all'}" for t, c in keys if keys.count((t, c)) > 1})
        if repeated:
            raise Invalid.field("posting_profile", f"rules given twice: {', '.join(repeated)}")

    @classmethod
    def of(
        cls, accounts: Mapping[tuple[PostingType, TransactionClass | None], str]
    ) -> PostingProfile:
        """A profile from ``{(posting_type, transaction_class or None): account}``."""
        return cls(tuple(PostingRule(t, c, account) for (t, c), account in accounts.items()))

    def account_for(
        self, posting_type: PostingType, transaction_class: TransactionClass | None = None
    ) -> str:
        """The account of the class's own rule, else of the rule for all classes.

        Raises :class:`Invalid` when neither exists.
        """
        for wanted in (transaction_class, None):
            for rule in self.rules:
                if rule.posting_type is posting_type and rule.transaction_class == wanted:
                    return rule.account
        which = f" for {transaction_class.value}" if transaction_class else ""
        raise Invalid.field(
            "posting_profile", f"no ledger account for posting type {posting_type.value}{which}"
        )


def checked_amount(amount: Decimal, currency: Currency, field: str = "amount") -> Decimal:
    """``amount`` if already rounded to ``currency``'s minor unit, else refused on ``field``."""
    rounded = round_amount(amount, currency)
    if rounded != amount:
        raise Invalid.field(field, f"{amount} has more decimals than {currency.code} allows")
    return rounded


@dataclass(frozen=True)
class LineMaker:
    """Makes voucher lines in one transaction currency at one rate (kept to 6 decimals)."""

    profile: PostingProfile
    currency: Currency
    accounting_currency: Currency
    rate: Decimal

    def __post_init__(self) -> None:
        rate = round_places(self.rate, RATE_PLACES)
        if rate <= 0:
            raise Invalid.field("exchange_rate", f"must be positive, not {self.rate}")
        if self.currency == self.accounting_currency and rate != IDENTITY_RATE:
            raise Invalid.field("exchange_rate", f"must be 1 within one currency, not {rate}")
        object.__setattr__(self, "rate", rate)

    def line(
        self,
        posting_type: PostingType,
        transaction_class: TransactionClass | None,
        amount: Decimal,
        dimensions: Dimensions,
    ) -> VoucherLine:
        """``amount`` on the profile's account, converted once to the accounting currency."""
        account = self.profile.account_for(posting_type, transaction_class)
        return self.on(account, posting_type, amount, dimensions)

    def on(
        self,
        account: str,
        posting_type: PostingType,
        amount: Decimal,
        dimensions: Dimensions,
        tax_code: str | None = None,
    ) -> VoucherLine:
        """``amount`` on ``account``, converted once to the accounting currency."""
        converted = convert(amount, self.rate, self.accounting_currency)
        return VoucherLine(
            account, posting_type, self.currency, amount, converted, self.rate, dimensions, tax_code
        )

    def pair(
        self,
        first: PostingType,
        second: PostingType,
        transaction_class: TransactionClass,
        first_amount: Decimal,
        dimensions: Dimensions,
    ) -> Voucher:
        """``first_amount`` on ``first``, its exact negation on ``second``."""
        one = self.line(first, transaction_class, first_amount, dimensions)
        account = self.profile.account_for(second, transaction_class)
        other = replace(one, account=account, posting_type=second).mirrored()
        return Voucher((one, other))


def cost_posting(
    profile: PostingProfile,
    transaction_class: TransactionClass,
    amount: Decimal,
    currency: Currency,
    accounting_currency: Currency,
    rate: Decimal = IDENTITY_RATE,
    dimensions: Dimensions = (),
) -> Voucher:
    """Posting a cost actual: project cost debited, its offset credited.

    The offset of hours is payroll allocation; of expenses, material and fees, the cost
    offset account. Seed 003: 4 h x 120 USD -> payroll allocation -480, project cost 480.
    """
    hours = transaction_class is TransactionClass.TIME
    offset = PostingType.PAYROLL_ALLOCATION if hours else PostingType.COST_OFFSET
    return LineMaker(profile, currency, accounting_currency, rate).pair(
        offset,
        PostingType.PROJECT_COST,
        transaction_class,
        -checked_amount(amount, currency),
        dimensions,
    )


def wip_posting(
    profile: PostingProfile,
    transaction_class: TransactionClass,
    amount: Decimal,
    currency: Currency,
    accounting_currency: Currency,
    rate: Decimal,
    dimensions: Dimensions = (),
) -> Voucher:
    """Posting an unbilled sale that accrues revenue: WIP sales value debited, accrued
    revenue credited. Seed 003: 1,000 GBP at 1.25 -> 1,000 / 1,250 USD and -1,000 / -1,250.
    """
    return LineMaker(profile, currency, accounting_currency, rate).pair(
        PostingType.WIP_SALES_VALUE,
        PostingType.ACCRUED_REVENUE,
        transaction_class,
        checked_amount(amount, currency),
        dimensions,
    )
