"""The audit trail's vocabulary: who acted, what they named, and a compact summary.

Pure: the interfaces say who and what (a user and a route, an OS user and a command, the
system and a job); persistence writes it in the transaction of the write it records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: How a change is summed up when it would not fit: longer strings are cut, longer
#: lists counted, and a summary past this many characters keeps only its keys.
MAX_STRING = 200
MAX_LIST = 20
#: The name jobs and the scheduler act under.
SYSTEM_NAME = "system"

#: Fields whose values never go into the trail, whatever route sends them.
SECRET = re.compile(r"token|password|secret", re.IGNORECASE)
_PARAMETER = re.compile(r"^\{(\w+)\}$")


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (id and name), an OS user at the command line, or the system."""

    name: str
    user_id: int | None = None


SYSTEM = Actor(SYSTEM_NAME)


@dataclass(frozen=True)
class AuditObject:
    """One object a write touched: its kind (``invoice``) and id."""

    kind: str
    id: int


@dataclass
class Action:
    """What is being done, by whom: the route or command, the objects it names, and the
    request's fields (compacted), for every transaction committed while it lasts."""

    actor: Actor
    what: str
    objects: list[AuditObject] = field(default_factory=list)
    request: Any = None
    #: For a ``what`` known only once the work runs (the command line's subcommand).
    resolve: Callable[[], str] | None = None

    def described(self) -> str:
        """What is being done, as the event names it."""
        return self.resolve() if self.resolve else self.what


def singular(segment: str) -> str:
    """An object kind from a route segment or table name: ``time-entries`` and
    ``time_entries`` are both ``time_entry``."""
    word = segment.replace("-", "_")
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def route_objects(template: str, parameters: Mapping[str, str], body: Any) -> list[AuditObject]:
    """The objects a route names: each path parameter (as the kind of the segment before
    it), a body's ``ids`` (as the kind of the route's first segment) and its ``KIND_ids``
    lists (``invoice_ids``: invoices)."""
    segments = [s for s in template.split("/") if s and s not in ("api", "v1")]
    found: list[AuditObject] = []
    for index, segment in enumerate(segments):
        match = _PARAMETER.match(segment)
        value = parameters.get(match.group(1), "") if match else ""
        if match and index > 0 and value.isascii() and value.isdigit():
            found.append(AuditObject(singular(segments[index - 1]), int(value)))
    if isinstance(body, Mapping) and segments:
        for key, ids in body.items():
            if isinstance(ids, list) and (key == "ids" or str(key).endswith("_ids")):
                kind = singular(segments[0]) if key == "ids" else str(key)[: -len("_ids")]
                found.extend(AuditObject(kind, i) for i in _ints(ids))
    return found


def _ints(values: Iterable[Any]) -> Iterable[int]:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            yield value
        elif isinstance(value, str) and value.isascii() and value.isdigit():
            yield int(value)


def compact(value: Any, depth: int = 0) -> Any:
    """``value`` (parsed JSON) small enough to keep: long strings cut, long lists as
    ``{"count": n}``, nesting past three levels as ``"..."``, secrets as ``"***"``."""
    if depth > 3:
        return "..."
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING else value[:MAX_STRING] + "..."
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            return {"count": len(value)}
        return [compact(v, depth + 1) for v in value]
    if isinstance(value, Mapping):
        return {
            str(k): "***" if SECRET.search(str(k)) else compact(v, depth + 1)
            for k, v in value.items()
        }
    return value


def unique(objects: Iterable[AuditObject]) -> list[AuditObject]:
    """``objects`` without repeats, in first-seen order."""
    return list(dict.fromkeys(objects))
