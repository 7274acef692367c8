"""Reading the accountant's form fields: financial dimensions written as
``Department=Sales, CostCenter=100``, distribution shares one per line as
``50: Department=Sales`` and a posting profile one entry a line as
``project_cost, time: 540100``. A value that does not read is a refusal of that field."""

from __future__ import annotations

from typing import Any

from billable.domain.errors import Invalid
from billable.web.forms import decimal


def dimensions(name: str, text: str) -> dict[str, str]:
    """``Name=Value`` pairs separated by commas (empty: no dimensions)."""
    found: dict[str, str] = {}
    for pair in (p.strip() for p in text.split(",")):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise Invalid.field(name, "write dimensions as Name=Value, separated by commas")
        found[key.strip()] = value.strip()
    return found


def shares(name: str, text: str) -> list[dict[str, Any]]:
    """One share a line, ``PERCENT: Name=Value, ...``; at least one."""
    found = []
    for row in (r.strip() for r in text.splitlines()):
        if not row:
            continue
        percent, sep, rest = row.partition(":")
        if not sep:
            raise Invalid.field(name, "write each share as 50: Department=Sales")
        found.append({"percent": decimal(name, percent), "dimensions": dimensions(name, rest)})
    if not found:
        raise Invalid.field(name, "give at least one share")
    return found


def shown_dimensions(values: Any) -> str:
    """Dimensions (a mapping or name/value pairs) as the form writes them."""
    return ", ".join(f"{k}={v}" for k, v in dict(values or {}).items())


def profile_entries(text: str) -> tuple[list[dict[str, str]], list[int]]:
    """A posting profile typed one entry a line, ``posting_type: account`` or
    ``posting_type, transaction_class: account`` (no class: any class), as the API's
    ``PUT /posting-profiles`` entries (its schema checks the values), with each entry's
    line number in ``text`` (blank lines are skipped but counted, as the reader sees
    them)."""
    found: list[dict[str, str]] = []
    lines: list[int] = []
    for number, row in enumerate((r.strip() for r in text.splitlines()), start=1):
        if not row:
            continue
        rule, sep, account = row.rpartition(":")
        if not sep or not rule.strip():
            raise Invalid.field("entries", f"line {number}: write it as project_cost, time: 540100")
        kind, _, cls = (part.strip() for part in rule.partition(","))
        entry = {"posting_type": kind, "account": account.strip()}
        if cls:
            entry["transaction_class"] = cls
        found.append(entry)
        lines.append(number)
    return found, lines


def shown_profile(rows: list[tuple[str, str | None, str]]) -> str:
    """A posting profile's rows as :func:`profile_entries` reads them."""
    return "\n".join(f"{t}, {c}: {a}" if c else f"{t}: {a}" for t, c, a in rows)
