"""Architecture rules, checked on the source: a pure domain, use cases without HTTP, one
place that commits, and migrations that build exactly the ORM's schema."""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table

from billable.persistence.db import make_engine
from billable.persistence.tables import Base

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "billable"
DOMAIN = PACKAGE / "domain"
USE_CASE_PACKAGES = [
    PACKAGE / name
    for name in ("billing", "demo", "documents", "erp", "identity", "masterdata", "runs")
]
MIGRATIONS = PACKAGE / "migrations"
UOW = PACKAGE / "persistence" / "uow.py"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports anywhere (also inside functions), made absolute."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")
                base = package[: len(package) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
                names.add(target)
                if not node.module:
                    names.update(f"{prefix}.{alias.name}" for alias in node.names)
            else:
                assert node.module is not None
                names.add(node.module)
    return names


def _is_domain_or_stdlib(name: str) -> bool:
    return (
        name.split(".")[0] in sys.stdlib_module_names
        or name == "billable.domain"
        or name.startswith("billable.domain.")
    )


def _touches_http(name: str) -> bool:
    top = name.split(".")[0]
    return (
        top in {"fastapi", "starlette"}
        or name == "billable.api"
        or name.startswith("billable.api.")
    )


def _sources(root: Path) -> list[Path]:
    files = sorted(root.rglob("*.py"))
    assert files, f"no sources under {root}"
    return files


def _imports_of(path: Path) -> set[str]:
    return imported_modules(
        path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"
    )


# --- (a) the domain is pure -----------------------------------------------------------


def domain_violations(source: str, module: str = "billable.domain.example") -> list[str]:
    """Imports of ``source`` that are neither the standard library nor billable.domain."""
    return sorted(n for n in imported_modules(source, module) if not _is_domain_or_stdlib(n))


@pytest.mark.parametrize("path", _sources(DOMAIN), ids=lambda p: p.name)
def test_a_domain_module_imports_only_the_standard_library_and_the_domain(path: Path) -> None:
    foreign = sorted(n for n in _imports_of(path) if not _is_domain_or_stdlib(n))
    assert foreign == [], f"{path.relative_to(PACKAGE)} imports {foreign}"


@pytest.mark.parametrize(
    ("source", "culprit"),
    [
        ("import sqlalchemy", "sqlalchemy"),
        ("from fastapi import HTTPException", "fastapi"),
        ("from pydantic import BaseModel", "pydantic"),
        ("import iso4217", "iso4217"),
        ("def f():\n    import hypothesis.strategies\n", "hypothesis.strategies"),
        ("from billable.persistence.types import Amount", "billable.persistence.types"),
        ("from billable import currencies", "billable"),
        ("from ..persistence import tables", "billable.persistence"),
        ("from .. import currencies", "billable.currencies"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlalchemy.orm\n",
            "sqlalchemy.orm",
        ),
    ],
)
def test_the_purity_check_catches_third_party_and_outer_layer_imports(
    source: str, culprit: str
) -> None:
    assert culprit in domain_violations(source)


def test_the_purity_check_accepts_stdlib_and_domain_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "import datetime as dt\n"
        "from decimal import Decimal\n"
        "from billable.domain.money import Currency\n"
        "from .errors import Conflict\n"
        "from . import lifecycle\n"
    )
    assert domain_violations(source) == []


# --- (b) use cases do not know HTTP ---------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [p for package in USE_CASE_PACKAGES for p in _sources(package)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_a_use_case_module_does_not_import_fastapi_or_the_api(path: Path) -> None:
    http = sorted(n for n in _imports_of(path) if _touches_http(n))
    assert http == [], f"{path.relative_to(PACKAGE)} imports {http}"


def test_the_http_check_catches_the_api_package_and_relative_imports() -> None:
    module = "billable.billing.example"
    for source in (
        "from fastapi import status",
        "from starlette.requests import Request",
        "from billable.api.problems import problem",
        "from ..api import deps",
        "import billable.api.app",
    ):
        assert any(_touches_http(n) for n in imported_modules(source, module)), source


# --- (c) only the unit of work commits ------------------------------------------------


def stray_commits(source: str) -> list[int]:
    """Line numbers of ``.commit()`` calls whose receiver is not a unit of work."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"
        ):
            continue
        receiver = node.func.value
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
        if name != "uow":
            lines.append(node.lineno)
    return lines


def _committing_candidates() -> list[Path]:
    return [p for p in _sources(PACKAGE) if p != UOW and MIGRATIONS not in p.parents]


@pytest.mark.parametrize(
    "path", _committing_candidates(), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_only_the_unit_of_work_commits(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert stray_commits(source) == [], f"{path.relative_to(PACKAGE)} commits outside uow"
    assert "session.commit(" not in source


def test_the_unit_of_work_is_where_the_commit_lives() -> None:
    assert stray_commits(UOW.read_text(encoding="utf-8")) != []
    assert UOW not in _committing_candidates()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("uow.commit()", []),
        ("self.uow.commit()", []),
        ("session.commit()", [1]),
        ("uow.session.commit()", [1]),
        ("x = 1\nconn.commit()", [2]),
        ("def f(s):\n    s.commit()", [2]),
        ("get_session().commit()", [1]),
    ],
)
def test_the_commit_check_allows_only_unit_of_work_commits(
    source: str, expected: list[int]
) -> None:
    assert stray_commits(source) == expected


# --- (d) migrations build exactly the ORM schema --------------------------------------


#: Tables the job queue library (procrastinate) owns on PostgreSQL: created by migration
#: 0003 from the library's own schema, deliberately not part of the ORM metadata.
FOREIGN_TABLE_PREFIX = "procrastinate_"


def _ours(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
    if type_ == "table":
        return not (name or "").startswith(FOREIGN_TABLE_PREFIX)
    table = parent_names.get("table_name")
    return not (table or "").startswith(FOREIGN_TABLE_PREFIX)


def _differences(connection: object, metadata: MetaData) -> list[object]:
    """What autogenerate would write, with the options of migrations/env.py."""
    context = MigrationContext.configure(
        connection,  # type: ignore[arg-type]
        opts={"compare_type": True, "include_name": _ours},
    )
    return list(compare_metadata(context, metadata))


def test_the_migrations_produce_exactly_the_orm_metadata(sqlite_template: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_template}")
    try:
        with engine.connect() as connection:
            assert _differences(connection, Base.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_migrations_produce_exactly_the_orm_metadata_on_postgresql(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert _differences(connection, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_schema_comparison_notices_a_table_the_migrations_lack(
    sqlite_template: Path,
) -> None:
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("not_migrated", metadata, Column("id", Integer, primary_key=True))
    engine = make_engine(f"sqlite:///{sqlite_template}")
    try:
        with engine.connect() as connection:
            differences = _differences(connection, metadata)
    finally:
        engine.dispose()
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["add_table"]
    assert differences[0][1].name == "not_migrated"  # type: ignore[index]
