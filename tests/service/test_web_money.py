"""The web UI's money formatting writes exactly what babel writes, in every locale and
currency tried, while reading babel's symbols once per locale and currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency

from billable.web.render import format_money

LOCALES = ("en_US", "de_DE", "fr_FR", "en_GB", "de_CH", "ja_JP", "en_IN", "ar_EG", "sv_SE")
AMOUNTS = ("1234567.891", "-3000", "0.5", "-0.004", "999.995", "0")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", ["USD", "EUR", "JPY", "GBP", "BHD"])
def test_an_amount_is_written_as_babel_writes_it(locale: str, code: str) -> None:
    for amount in AMOUNTS:
        expected = format_currency(Decimal(amount), code, locale=locale)
        assert format_money(Decimal(amount), code, Locale.parse(locale)) == expected
