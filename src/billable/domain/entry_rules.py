"""Rules every entry obeys whoever enters it: a day holds at most 24 hours of one
resource's time, and nothing dated after today is approved (docs/decisions.md,
"A day's hours and entries in the future")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billable.domain.errors import Invalid

#: The hours one resource's time entries may hold on one day, across entries.
HOURS_PER_DAY = Decimal(24)


def check_day_hours(day: dt.date, booked: Decimal, adding: Decimal) -> None:
    """Refuse (on ``quantity``) ``adding`` hours to a day that holds ``booked`` hours of
    the same resource already, when together they exceed :data:`HOURS_PER_DAY`."""
    if booked + adding > HOURS_PER_DAY:
        raise Invalid.field(
            "quantity",
            f"{day.isoformat()} holds at most {HOURS_PER_DAY} hours per resource and has "
            f"{_hours(booked)} booked already, so {_hours(adding)} more do not fit",
        )


def check_approvable(day: dt.date, today: dt.date) -> None:
    """Refuse (on ``date``) approving an entry dated after ``today``: its work has not
    happened yet, and its actuals would be dated in the future."""
    if day > today:
        raise Invalid.field(
            "date",
            f"is {day.isoformat()}, after today ({today.isoformat()}): "
            "an entry dated in the future cannot be approved",
        )


def _hours(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
