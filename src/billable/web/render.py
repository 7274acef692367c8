"""Rendering a page: the Jinja2 environment, its filters (money in the contract's currency
and the reader's locale, quantities, dates) and what every page's template receives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, get_currency_precision
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from billable.domain.permissions import Permission, allowed
from billable.identity.users import Principal
from billable.web.nav import items_for
from billable.web.session import csrf_token, pop_flash

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


def _money(locale: Locale) -> Any:
    def money(amount: Decimal | int | str | None, currency: str | None) -> str:
        if amount is None:
            return ""
        return str(format_currency(Decimal(amount), currency or "EUR", locale=locale))

    return money


def plain_amount(amount: Decimal | int | str | None, currency: str | None) -> str:
    """An amount for an input field: its currency's decimals, no grouping, no symbol."""
    if amount is None:
        return ""
    places = get_currency_precision(currency or "EUR")
    return str(Decimal(amount).quantize(Decimal(1).scaleb(-places)))


def _quantity(locale: Locale) -> Any:
    def quantity(value: Decimal | int | str | None) -> str:
        if value is None:
            return ""
        # Quantities keep the decimals they have, without trailing zeros.
        return str(format_decimal(Decimal(value).normalize(), format="#,##0.####", locale=locale))

    return quantity


def _date(locale: Locale) -> Any:
    def date(value: dt.date | dt.datetime | None) -> str:
        return "" if value is None else str(format_date(value, format="medium", locale=locale))

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
