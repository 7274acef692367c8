"""Customer documents (issue 10, rules.md "Customer documents"): what an issued invoice
must carry, its kind, its due date, the tax breakdown per VAT category and rate, and
the checks that say why a document cannot be a valid EN 16931 e-invoice. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0")


class VatCategory(StrEnum):
    """EN 16931 VAT category codes (UNTDID 5305 subset)."""

    STANDARD = "S"
    ZERO_RATED = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    NOT_SUBJECT = "O"


#: Categories whose documents must say why no VAT is charged (BR-E-10, BR-AE-10, ...).
NEEDS_EXEMPTION_REASON = frozenset(
    {
        VatCategory.EXEMPT,
        VatCategory.REVERSE_CHARGE,
        VatCategory.INTRA_COMMUNITY,
        VatCategory.EXPORT,
        VatCategory.NOT_SUBJECT,
    }
)
#: Categories that charge no VAT: their rate is 0.
UNTAXED = NEEDS_EXEMPTION_REASON | {VatCategory.ZERO_RATED}
#: Categories where the buyer's VAT id must be on the document (BR-AE-02, BR-IC-02).
NEEDS_BUYER_VAT_ID = frozenset({VatCategory.REVERSE_CHARGE, VatCategory.INTRA_COMMUNITY})


class DocumentKind(StrEnum):
    """An issued document is an invoice or a credit note (rules.md)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class DocumentFormat(StrEnum):
    """The renderings of a customer invoice."""

    PDF = "pdf"
    UBL = "ubl"
    CII = "cii"
    FACTURX = "facturx"


class OutboxState(StrEnum):
    """A delivery's lifecycle: queued (again after a failure, until it gives up), being
    sent under a claim, sent; failed once it has given up."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Destination(StrEnum):
    """Where an issued document is delivered."""

    EMAIL = "email"
    ARCHIVE = "archive"


#: The formats that are EN 16931 e-invoices (PDF is for people; Factur-X carries CII).
E_INVOICE_FORMATS = frozenset({DocumentFormat.UBL, DocumentFormat.CII, DocumentFormat.FACTURX})


@dataclass(frozen=True)
class Problem:
    """Why a document cannot be valid: the field that is missing or wrong, and why."""

    field: str
    reason: str


@dataclass(frozen=True)
class LineTax:
    """One tax on a document line: its category, rate in percent and amount."""

    code: str
    category: VatCategory
    rate: Decimal
    amount: Decimal
    exemption_reason: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    """A printed line of an issued document. ``billed`` is False for non-chargeable and
    complimentary details: printed at zero, never an e-invoice line."""

    description: str
    quantity: Decimal
    unit: str
    price: Decimal
    amount: Decimal
    taxes: tuple[LineTax, ...]
    billed: bool = True
    section: str = ""
    period: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class TaxSubtotal:
    """The document's taxable amount and tax for one VAT category and rate."""

    category: VatCategory
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str | None = None


@dataclass(frozen=True)
class Party:
    """A seller or buyer as the document shows it."""

    name: str
    registered_name: str | None = None
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    vat_id: str | None = None
    company_id: str | None = None
    email: str | None = None
    endpoint_scheme: str | None = None
    endpoint_id: str | None = None
    iban: str | None = None
    bic: str | None = None

    @property
    def legal_name(self) -> str:
        """The registered name, else the trading name."""
        return self.registered_name or self.name


@dataclass(frozen=True)
class Terms:
    """Payment terms as they were at issue."""

    code: str
    name: str
    net_days: int


@dataclass(frozen=True)
class Reference:
    """The issued invoice a correction names."""

    number: str
    issue_date: dt.date


@dataclass(frozen=True)
class IssuedDocument:
    """Everything an issued (or proforma) document prints and transmits. Amounts are
    signed as posted: a credit note's are negative; renderers show them as credited."""

    number: str
    kind: DocumentKind
    issue_date: dt.date
    due_date: dt.date
    currency: str
    minor_units: int
    language: str
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    breakdown: tuple[TaxSubtotal, ...]
    total_net: Decimal
    total_tax: Decimal
    proforma_number: str
    terms: Terms | None = None
    corrects: Reference | None = None
    period: tuple[dt.date, dt.date] | None = None
    footer_text: str = ""
    report_format: str = "standard"
    pro_forma: bool = False

    @property
    def total_amount(self) -> Decimal:
        """Net plus tax."""
        return self.total_net + self.total_tax

    @property
    def sign(self) -> Decimal:
        """-1 for a credit note (its amounts print as positive credits), else 1."""
        return Decimal(-1) if self.kind is DocumentKind.CREDIT_NOTE else Decimal(1)


def document_kind(total_amount: Decimal, corrective: bool) -> DocumentKind:
    """A corrective proposal whose total is negative credits; everything else invoices."""
    return DocumentKind.CREDIT_NOTE if corrective and total_amount < 0 else DocumentKind.INVOICE


def due_date(issue_date: dt.date, net_days: int | None) -> dt.date:
    """Issue date plus the payment terms' net days; without terms, due on receipt."""
    return issue_date + dt.timedelta(days=net_days or 0)


def period(dates: Iterable[dt.date]) -> tuple[dt.date, dt.date] | None:
    """The invoice period: from the earliest to the latest transaction date."""
    ordered = sorted(dates)
    return (ordered[0], ordered[-1]) if ordered else None


def tax_breakdown(lines: Sequence[DocumentLine]) -> list[TaxSubtotal]:
    """Per VAT category and rate, the billed lines' amounts and taxes, in a stable order.

    A line taxed by several codes adds to each; such a document is refused as an
    e-invoice by :func:`problems`, but the breakdown still prints on the PDF.
    """
    sums: dict[tuple[VatCategory, Decimal], list[Decimal]] = {}
    reasons: dict[tuple[VatCategory, Decimal], str | None] = {}
    for line in lines:
        if not line.billed:
            continue
        for tax in line.taxes or (LineTax("", VatCategory.NOT_SUBJECT, ZERO, ZERO),):
            key = (tax.category, tax.rate.normalize())
            total = sums.setdefault(key, [ZERO, ZERO])
            total[0] += line.amount
            total[1] += tax.amount
            reasons.setdefault(key, tax.exemption_reason)
    return [
        TaxSubtotal(category, rate, taxable, tax, reasons[(category, rate)])
        for (category, rate), (taxable, tax) in sorted(
            sums.items(), key=lambda item: (item[0][0].value, item[0][1])
        )
    ]


def tax_code_problems(
    category: VatCategory, rate: Decimal, exemption_reason: str | None
) -> list[Problem]:
    """What is wrong with a tax code as an EN 16931 VAT category: a standard rate must be
    above 0, the others 0; exempt, reverse charge, export and the like need a reason."""
    found: list[Problem] = []
    if category is VatCategory.STANDARD and rate <= 0:
        found.append(Problem("rate", "a standard rated (S) tax code needs a rate above 0"))
    if category in UNTAXED and rate != 0:
        found.append(Problem("rate", f"VAT category {category.value} charges no VAT: rate 0"))
    if category in NEEDS_EXEMPTION_REASON and not (exemption_reason or "").strip():
        found.append(
            Problem("exemption_reason", f"VAT category {category.value} needs an exemption reason")
        )
    return found


def _filled(value: str | None) -> bool:
    return bool((value or "").strip())


def _party_problems(doc: IssuedDocument, document_format: DocumentFormat) -> list[Problem]:
    found: list[Problem] = []
    if not _filled(doc.seller.vat_id):
        found.append(Problem("seller.vat_id", "the legal entity has no VAT id"))
    if not doc.seller.country:
        found.append(Problem("seller.address.country", "the legal entity has no country"))
    if not doc.buyer.country:
        found.append(Problem("buyer.address.country", "the bill-to address has no country"))
    if document_format is DocumentFormat.UBL:
        if not (_filled(doc.seller.endpoint_scheme) and _filled(doc.seller.endpoint_id)):
            found.append(Problem("seller.endpoint", "the legal entity has no electronic address"))
        if not (_filled(doc.buyer.endpoint_scheme) and _filled(doc.buyer.endpoint_id)):
            found.append(Problem("buyer.endpoint", "the customer has no electronic address"))
    return found


def problems(doc: IssuedDocument, document_format: DocumentFormat) -> list[Problem]:
    """Why ``doc`` cannot be a valid EN 16931 e-invoice in ``document_format`` (empty: it
    can). A PDF is always possible; UBL (Peppol) also needs both electronic addresses."""
    if document_format not in E_INVOICE_FORMATS:
        return []
    found: list[Problem] = []
    if doc.minor_units > 2:
        reason = f"EN 16931 amounts have at most 2 decimals; {doc.currency} has {doc.minor_units}"
        found.append(Problem("currency", reason))
    found += _party_problems(doc, document_format)
    for index, line in enumerate(doc.lines):
        if not line.billed:
            continue
        if len(line.taxes) > 1:
            codes = ", ".join(tax.code for tax in line.taxes)
            reason = f"taxed by {codes}: an e-invoice line has one VAT category and rate"
            found.append(Problem(f"lines[{index}].taxes", reason))
        if not line.taxes:
            found.append(Problem(f"lines[{index}].taxes", "the line has no tax code"))
        if any(t.category in NEEDS_BUYER_VAT_ID for t in line.taxes) and not _filled(
            doc.buyer.vat_id
        ):
            reason = "reverse charge and intra-community supplies need the buyer's VAT id"
            found.append(Problem("buyer.vat_id", reason))
    # One problem is said once, however many lines share it.
    return list(dict.fromkeys(found))
