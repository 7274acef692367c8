"""Date-based invoice schedules, and the one rule of when a contract line is due."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from billable.domain.vocabulary import ProductLineState


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


def semimonthly_days(start_day: int) -> tuple[int, int]:
    """The two days of the month a semimonthly schedule runs on: the start day and the day
    fifteen days from it within the month (1 -> 1st and 16th, 20 -> 5th and 20th)."""
    return (start_day, start_day + 15) if start_day <= 15 else (start_day - 15, start_day)


def _clamp(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def run_dates(frequency: Frequency, start: dt.date) -> Iterator[dt.date]:
    """Every run date from ``start`` on, in order, ending with the calendar (year 9999).
    Monthly and semimonthly days beyond a month's end run on its last day (a start on
    Jan 31 runs on Feb 28)."""
    index = 0
    while True:
        try:
            yield from _run_dates_at(frequency, start, index)
        except (OverflowError, ValueError):  # past dt.date.max: the schedule ends
            return
        index += 1


def _run_dates_at(frequency: Frequency, start: dt.date, index: int) -> Iterator[dt.date]:
    """The run date(s) of step ``index`` of a schedule."""
    if frequency is Frequency.DAILY:
        yield start + dt.timedelta(days=index)
    elif frequency is Frequency.WEEKLY:
        yield start + dt.timedelta(weeks=index)
    elif frequency is Frequency.BIWEEKLY:
        yield start + dt.timedelta(weeks=2 * index)
    elif frequency is Frequency.MONTHLY:
        yield _add_months(start, index)
    else:
        month = _add_months(start.replace(day=1), index)
        days = sorted({_clamp(month.year, month.month, d) for d in semimonthly_days(start.day)})
        yield from (d for d in days if d >= start)


def upcoming(frequency: Frequency, start: dt.date, today: dt.date, count: int) -> list[dt.date]:
    """The next ``count`` run dates on or after ``today``."""
    found: list[dt.date] = []
    if count <= 0:
        return found
    for date in run_dates(frequency, start):
        if date >= today:
            found.append(date)
            if len(found) == count:
                break
    return found


def is_run_date(frequency: Frequency, start: dt.date, date: dt.date) -> bool:
    """Whether ``date`` is one of the schedule's run dates (O(1), no iteration)."""
    if date < start:
        return False
    days = (date - start).days
    if frequency is Frequency.DAILY:
        return True
    if frequency is Frequency.WEEKLY:
        return days % 7 == 0
    if frequency is Frequency.BIWEEKLY:
        return days % 14 == 0
    wanted = (start.day,) if frequency is Frequency.MONTHLY else semimonthly_days(start.day)
    return date in {_clamp(date.year, date.month, d) for d in wanted}


# --- when a contract line is due ------------------------------------------------------


class LineKind(StrEnum):
    """What a contract line bills: project work or a product."""

    PROJECT = "project"
    PRODUCT = "product"


class BillingMethod(StrEnum):
    """How a project line bills: its actuals, or its milestones."""

    TIME_AND_MATERIAL = "time_and_material"
    FIXED_PRICE = "fixed_price"


@dataclass(frozen=True)
class LineDue:
    """What decides when a contract line is due: its schedule, its own date and
    readiness (a product line), and the dates of its ready milestones (fixed price)."""

    kind: str
    billing_method: str | None = None
    frequency: Frequency | None = None
    start: dt.date | None = None
    product_ready: bool = False
    date: dt.date | None = None
    ready_milestone_dates: tuple[dt.date, ...] = ()

    @classmethod
    def of(cls, line: Any, ready_milestone_dates: tuple[dt.date, ...] = ()) -> LineDue:
        """The due facts of a contract line (anything with its column names)."""
        frequency = line.schedule_frequency
        return cls(
            kind=line.kind,
            billing_method=line.billing_method,
            frequency=Frequency(frequency) if frequency else None,
            start=line.schedule_start_date,
            product_ready=line.product_status == ProductLineState.READY_TO_INVOICE,
            date=line.date,
            ready_milestone_dates=ready_milestone_dates,
        )

    @property
    def scheduled(self) -> bool:
        """Whether the line has a date-based schedule."""
        return self.frequency is not None and self.start is not None


def is_due(line: LineDue, run_date: dt.date) -> bool:
    """Whether an automated run of ``run_date`` invoices the line: a scheduled line on its
    run dates, a fixed-price line while a ready milestone is dated on or before it, a ready
    product line once its own date (if any) has come."""
    on_schedule = (
        line.frequency is not None
        and line.start is not None
        and is_run_date(line.frequency, line.start, run_date)
    )
    product_due = (
        line.kind == LineKind.PRODUCT
        and line.product_ready
        and (line.date is None or line.date <= run_date)
    )
    milestone_due = line.billing_method == BillingMethod.FIXED_PRICE and any(
        date <= run_date for date in line.ready_milestone_dates
    )
    return on_schedule or product_due or milestone_due


def due_dates(line: LineDue, today: dt.date, count: int = 6) -> list[dt.date]:
    """The dates the line is (next) due, as the contract line shows them: a schedule's
    next ``count`` run dates; a ready product line's own date, or today once it has
    passed; a fixed-price line's ready milestone dates (due on each from then on)."""
    if line.scheduled:
        assert line.frequency is not None and line.start is not None
        return upcoming(line.frequency, line.start, today, count)
    if line.kind == LineKind.PRODUCT:
        return [max(line.date or today, today)] if line.product_ready else []
    if line.billing_method == BillingMethod.FIXED_PRICE:
        return sorted(set(line.ready_milestone_dates))
    return []
