"""How e-invoices write numbers and lines: amounts at the currency's decimals, and a
line's quantity and price made to agree with its amount (EN 16931 wants the net
price non-negative and quantity times price equal to the line's net amount)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billable.domain.documents import DocumentLine, IssuedDocument, LineTax, VatCategory

#: Tolerance of quantity times price against the line amount (PEPPOL-EN16931-R120).
SLACK = Decimal("0.02")
UNITS = {"hour": "HUR", "hours": "HUR", "day": "DAY", "days": "DAY", "month": "MON"}


def amount(value: Decimal, minor_units: int) -> str:
    """An amount with exactly the currency's decimals (at most 2 on an e-invoice); a
    zero is never written "-0.00"."""
    exact = value.quantize(Decimal(1).scaleb(-min(minor_units, 2)))
    return f"{abs(exact) if exact == 0 else exact:f}"


def plain(value: Decimal) -> str:
    """A quantity, price or percent without trailing zeros ("7.5", "20", "0")."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def unit_code(unit: str) -> str:
    """The UN/ECE Recommendation 20 code of a unit: hours HUR, days DAY, else C62 (one)."""
    return UNITS.get(unit.strip().lower(), "C62")


@dataclass(frozen=True)
class WireLine:
    """A billed line as an e-invoice carries it, signed for the document kind."""

    number: int
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    amount: Decimal
    tax: LineTax
    source: DocumentLine


def _price_for(line: DocumentLine, quantity: Decimal, value: Decimal) -> tuple[Decimal, Decimal]:
    """(quantity, price) with price >= 0 and quantity * price within SLACK of value."""
    price = abs(line.price)
    if quantity == 0 and value != 0:
        quantity = Decimal(1) if value > 0 else Decimal(-1)
    if value != 0 and (quantity < 0) != (value < 0):
        quantity = -quantity
    if abs(quantity * price - value) > SLACK:
        price = abs(value / quantity).quantize(Decimal("0.000001")) if quantity else Decimal(0)
    return quantity, price


def wire_lines(doc: IssuedDocument) -> list[WireLine]:
    """The billed lines of ``doc``, numbered from 1, each with its one tax; a credit
    note's signs are turned so it credits positive amounts."""
    out: list[WireLine] = []
    for line in doc.lines:
        if not line.billed:
            continue
        tax = (
            line.taxes[0]
            if line.taxes
            else LineTax("", VatCategory.NOT_SUBJECT, Decimal(0), Decimal(0))
        )
        value = line.amount * doc.sign
        quantity, price = _price_for(line, line.quantity * doc.sign, value)
        name = line.description or line.section or "Item"
        out.append(
            WireLine(
                len(out) + 1, name[:200], quantity, unit_code(line.unit), price, value, tax, line
            )
        )
    return out
