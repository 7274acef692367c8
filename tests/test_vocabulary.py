"""The vocabulary is the domain's enums everywhere: no module of ``src/billable``
outside the domain (and the migrations, which are history) spells a state, transaction
type, transaction class, billing type or detail source as a bare string, in Python or in
SQL text. The tests themselves keep literal strings: they assert the HTTP contract."""

from __future__ import annotations

import ast
import re
from enum import StrEnum
from pathlib import Path

import pytest

from billable.domain import vocabulary
from billable.persistence.tables import Base
from tests.test_architecture import PACKAGE

#: Every word of the vocabulary: the values of the enums ``domain/vocabulary.py`` exports.
WORDS = frozenset(
    member.value
    for name in vocabulary.__all__
    for member in getattr(vocabulary, name)
    if isinstance(member, StrEnum)
)

#: Modules exempt while being converted to the enums (relative to src/billable; a name
#: ending in "/" is a whole package). None: every module is checked.
PENDING: frozenset[str] = frozenset()

#: Where the domain defines the words, and the migrations, which stay as they were written.
EXEMPT = ("domain/", "migrations/")

#: A line that uses a vocabulary word in another sense (a ledger account's kind, a
#: price list's context, the name of a master data kind) says so with this comment.
MARKER = "# not vocabulary:"
#: The same for a whole module that others are editing now, by word, with the sense.
OTHER_SENSES = {
    ("masterdata/records.py", "product"): "the product kind of master data, its 404 noun",
    ("masterdata/records.py", "cost"): "the context of a cost price list",
}

#: Column names that happen to be vocabulary words: fine where a column is named.
COLUMNS = (
    frozenset(column.name for table in Base.metadata.tables.values() for column in table.columns)
    & WORDS
)

#: A word quoted in SQL text: compared (=, <>, !=), or in an IN (...) list.
_QUOTED = re.compile(r"(?:=|<>|\bIN\s*\(|,)\s*'([a-z_]+)'", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _column_names(tree: ast.AST) -> set[int]:
    """String constants naming a column: dict keys, and the arguments of ``Index(...)``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            found.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Index":
            found.update(id(arg) for arg in node.args)
    return found


def bare_words(source: str) -> list[tuple[int, str]]:
    """``(line, word)`` for each vocabulary word ``source`` spells as a string constant,
    or quotes inside one (SQL text), except in docstrings and on marked lines."""
    tree = ast.parse(source)
    lines = source.splitlines()
    skipped, columns = _docstrings(tree), _column_names(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in skipped or MARKER in lines[node.lineno - 1]:
            continue
        if node.value in WORDS and not (node.value in COLUMNS and id(node) in columns):
            found.append((node.lineno, node.value))
        found.extend((node.lineno, w) for w in _QUOTED.findall(node.value) if w in WORDS)
    return sorted(found)


def _pending(relative: str) -> bool:
    return any(relative == p or (p.endswith("/") and relative.startswith(p)) for p in PENDING)


def _checked_modules() -> list[Path]:
    paths = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith(EXEMPT) and not _pending(relative):
            paths.append(path)
    return paths


@pytest.mark.parametrize("path", _checked_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_names_states_types_and_classes_by_their_enum_members(path: Path) -> None:
    relative = path.relative_to(PACKAGE).as_posix()
    found = [
        (line, word)
        for line, word in bare_words(path.read_text(encoding="utf-8"))
        if (relative, word) not in OTHER_SENSES
    ]
    where = ", ".join(f"line {line}: {word!r}" for line, word in found)
    assert found == [], f"{path.relative_to(PACKAGE)} spells the vocabulary bare: {where}"


def test_every_pending_module_and_other_sense_still_exists() -> None:
    for pending in PENDING:
        assert (PACKAGE / pending).exists(), f"{pending} is pending but gone: drop it"
    for relative, word in OTHER_SENSES:
        assert (relative, word) in {
            (relative, w) for _, w in bare_words((PACKAGE / relative).read_text())
        }, f"{relative} no longer spells {word!r}: drop it from OTHER_SENSES"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('status = "draft"', [(1, "draft")]),
        ("q = \"WHERE status IN ('draft', 'in_review')\"", [(1, "draft"), (1, "in_review")]),
        ("message = \"must be a price list of context 'cost'\"", []),
        ("x = f(kind='time')", [(1, "time")]),
        (
            "q = text(\"SELECT 1 WHERE transaction_type = 'unbilled_sales'\")",
            [(1, "unbilled_sales")],
        ),
        ('values = {"ready_to_invoice": True}\nIndex("ix", "ready_to_invoice")', []),
        ('x = "ready_to_invoice"', [(1, "ready_to_invoice")]),
        ('counts = {"in_review": 0}', [(1, "in_review")]),
        ('def f():\n    """A draft, or "posted"."""\n', []),
        ('KIND = "expense"  # not vocabulary: a ledger account kind', []),
        ("s = f\"status = '{InvoiceState.DRAFT}'\"", []),
        ('status = InvoiceState.DRAFT\nlabel = "drafts"', []),
    ],
)
def test_the_check_finds_bare_words_in_python_and_in_sql_text(
    source: str, expected: list[tuple[int, str]]
) -> None:
    assert bare_words(source) == expected


def test_the_vocabulary_covers_states_types_classes_billing_types_and_sources() -> None:
    assert {"draft", "in_review", "ready_to_invoice", "unbilled_sales", "cost"} <= WORDS
    assert {"time", "expense", "chargeable", "correction", "waiting", "queued"} <= WORDS
