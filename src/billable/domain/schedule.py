"""Date-based invoice schedules: which dates a time-and-material line is invoiced on."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from enum import StrEnum


class Frequency(StrEnum):
    """How often a scheduled line is invoiced."""

    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"


def _add_months(start: dt.date, months: int) -> dt.date:
    """``start`` moved by whole months, the day clamped to the month's end (Jan 31 -> Feb 28)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def run_dates(frequency: Frequency, start: dt.date) -> Iterator[dt.date]:
    """Every run date from ``start`` on, in order.

    Semimonthly runs on the start day and fifteen days later in each month (the 1st and
    16th for a start on the 1st), the second clamped to the month's end.
    """
    index = 0
    while True:
        if frequency is Frequency.DAILY:
            yield start + dt.timedelta(days=index)
        elif frequency is Frequency.WEEKLY:
            yield start + dt.timedelta(weeks=index)
        elif frequency is Frequency.BIWEEKLY:
            yield start + dt.timedelta(weeks=2 * index)
        elif frequency is Frequency.MONTHLY:
            yield _add_months(start, index)
        else:
            month = _add_months(start, index // 2)
            if index % 2 == 0:
                yield month
            else:
                last = calendar.monthrange(month.year, month.month)[1]
                yield month.replace(day=min(start.day + 15, last))
        index += 1


def upcoming(frequency: Frequency, start: dt.date, today: dt.date, count: int) -> list[dt.date]:
    """The next ``count`` run dates on or after ``today``."""
    found: list[dt.date] = []
    for date in run_dates(frequency, start):
        if date >= today:
            found.append(date)
            if len(found) == count:
                break
    return found
