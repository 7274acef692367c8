"""Rendering a page: the Jinja2 environment, its filters (money in the contract's currency
and the reader's locale, quantities, dates) and what every page's template receives."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from billable.domain.permissions import Permission, allowed
from billable.domain.vocabulary import BillingType
from billable.identity.users import Principal
from billable.web.nav import items_for
from billable.web.session import csrf_token, pop_flash

#: The groups of an invoice line's details, in the order the invoice page shows them.
DETAIL_GROUPS = (BillingType.CHARGEABLE, BillingType.NON_CHARGEABLE, BillingType.COMPLIMENTARY)

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_LOCALE = Locale.parse("en_US")

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def reader_locale(request: Request) -> Locale:
    """The first locale of the browser's Accept-Language that babel knows, else en_US."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if not tag or tag == "*":
            continue
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return DEFAULT_LOCALE


@functools.lru_cache(maxsize=256)
def _money_parts(locale_name: str, code: str) -> tuple[Any, ...] | None:
    """What formatting an amount of ``code`` in the locale needs, read from babel once:
    decimals, symbols, and the pattern's prefixes and suffixes; ``None`` when the
    pattern groups other than by thousands (babel formats those itself)."""
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"]
    if tuple(pattern.grouping) != (3, 3):
        return None
    symbol = get_currency_symbol(code, locale=locale)
    parts = (
        get_currency_precision(code),
        get_decimal_symbol(locale),
        get_group_symbol(locale),
        tuple(p.replace("\xa4", symbol) for p in pattern.prefix),
        tuple(p.replace("\xa4", symbol) for p in pattern.suffix),
    )
    # The short way only where it writes what babel writes (some locales do not group).
    for probe in (Decimal("-1234567.125"), Decimal("1234567.5")):
        if _apply(probe, parts) != format_currency(probe, code, locale=locale):
            return None
    return parts


def _apply(value: Decimal, parts: tuple[Any, ...]) -> str:
    places, decimal_sign, group_sign, prefix, suffix = parts
    negative = 1 if value < 0 else 0
    digits = f"{abs(value):,.{places}f}".translate({44: "\0", 46: "\1"})
    digits = digits.replace("\0", group_sign).replace("\1", decimal_sign)
    return f"{prefix[negative]}{digits}{suffix[negative]}"


def format_money(amount: Decimal | int | str, code: str, locale: Locale) -> str:
    """``amount`` in ``code`` as the locale writes it (babel's pattern and symbols), in
    the currency's minor unit; read from babel once per locale and currency, because a
    page of a thousand details formats thousands of amounts."""
    parts = _money_parts(str(locale), code)
    if parts is None:
        return str(format_currency(Decimal(amount), code, locale=locale))
    return _apply(Decimal(amount), parts)


def _money(locale: Locale) -> Any:
    def money(amount: Decimal | int | str | None, currency: str | None) -> str:
        if amount is None:
            return ""
        return format_money(amount, currency or "EUR", locale)

    return money


def plain_amount(amount: Decimal | int | str | None, currency: str | None) -> str:
    """An amount for an input field: its currency's decimals, no grouping, no symbol."""
    if amount is None:
        return ""
    places = get_currency_precision(currency or "EUR")
    return str(Decimal(amount).quantize(Decimal(1).scaleb(-places)))


@functools.lru_cache(maxsize=4096)
def _quantity_text(value: Decimal, locale_name: str) -> str:
    # Quantities keep the decimals they have, without trailing zeros.
    return str(format_decimal(value.normalize(), format="#,##0.####", locale=locale_name))


def _quantity(locale: Locale) -> Any:
    def quantity(value: Decimal | int | str | None) -> str:
        return "" if value is None else _quantity_text(Decimal(value), str(locale))

    return quantity


@functools.lru_cache(maxsize=4096)
def _date_text(value: dt.date, locale_name: str) -> str:
    return str(format_date(value, format="medium", locale=locale_name))


def _date(locale: Locale) -> Any:
    def date(value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        day = value.date() if isinstance(value, dt.datetime) else value
        return _date_text(day, str(locale))

    return date


def page(
    request: Request,
    template: str,
    user: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with what every page shows: the user and what their role may
    do, the CSRF token for forms, the pending flash message, formatting by locale."""
    locale = reader_locale(request)
    shown = env.get_template(template).render(
        request=request,
        user=user,
        can=(lambda p: user is not None and allowed(user.role, Permission(p))),
        csrf=csrf_token(request),
        flash=pop_flash(request),
        money=_money(locale),
        qty=_quantity(locale),
        date=_date(locale),
        amount_input=plain_amount,
        lang=locale.language,
        path=request.url.path,
        nav=items_for,
        **context,
    )
    return HTMLResponse(shown, status_code=status_code)
