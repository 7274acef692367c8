"""The ledger world of seed 003 for the posting tests: Contoso's posting profile, its
currencies and rates, and the voucher printed as the seed prints it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billable.domain.currency import ExchangeRate, FixedRateAgreement, effective_rate
from billable.domain.money import Currency
from billable.domain.postings import PostingProfile, PostingType, Voucher
from billable.domain.pricing import TransactionClass
from billable.domain.tax import TaxCode

D = Decimal
USD = Currency("USD", 2)
GBP = Currency("GBP", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)
T = PostingType
TIME = TransactionClass.TIME
EXPENSE = TransactionClass.EXPENSE

#: Contoso's accounts in seed 003, plus a sales tax payable and catch-all accounts.
CONTOSO = PostingProfile.of(
    {
        (T.PAYROLL_ALLOCATION, None): "600300",
        (T.COST_OFFSET, None): "600400",
        (T.PROJECT_COST, TIME): "540100",
        (T.PROJECT_COST, None): "540900",
        (T.WIP_SALES_VALUE, None): "161300",
        (T.ACCRUED_REVENUE, None): "420200",
        (T.INVOICED_REVENUE, TIME): "411100",
        (T.INVOICED_REVENUE, None): "411900",
        (T.CUSTOMER_BALANCE, None): "130100",
        (T.SALES_TAX, None): "222100",
    }
)
GBP_USD = (
    ExchangeRate("GBP", "USD", D("1.2"), dt.date(2024, 1, 1)),
    ExchangeRate("GBP", "USD", D("1.4"), dt.date(2024, 6, 1)),
)
COHO = FixedRateAgreement("GBP", D("1.25"), "FRA-0001")
AUGUST_27 = dt.date(2024, 8, 27)
VAT = TaxCode("VAT20", D("20"))
PROJECT_DIMENSIONS = (("BusinessUnit", "002"), ("Project", "PRJ-0042"))


def table(voucher: Voucher) -> list[tuple[str, PostingType, str, str, str]]:
    """The voucher as seed 003 prints it: account, posting type, both amounts, rate."""
    return [
        (
            line.account,
            line.posting_type,
            f"{line.amount_transaction:f}",
            f"{line.amount_accounting:f}",
            f"{line.exchange_rate.normalize():f}",
        )
        for line in voucher.lines
    ]


def seed_rate() -> Decimal:
    """The rate seed 003 posts at: Coho's fixed 1.25, not the 1.4 in force."""
    return effective_rate(GBP_USD, COHO, "GBP", "USD", AUGUST_27)
