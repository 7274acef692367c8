"""The interfaces only translate: API routers, schemas and presenters and the CLI read
through the read side (``billable.views``) and never touch SQLAlchemy or the tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.test_architecture import PACKAGE, _module_name, imported_modules

INTERFACES = [PACKAGE / "api", PACKAGE / "cli", PACKAGE / "web"]
VIEWS = PACKAGE / "views"


def _interface_sources() -> list[Path]:
    files = sorted(path for root in INTERFACES for path in root.rglob("*.py"))
    assert files, "no interface sources"
    return files


def _names(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports, and every name it imports from a package
    (``from billable.persistence import tables`` names ``billable.persistence.tables``)."""
    names = imported_modules(source, module, is_package)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _imports_of(path: Path) -> set[str]:
    return _names(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def _touches_the_database(name: str) -> bool:
    top = name.split(".")[0]
    return (
        top == "sqlalchemy"
        or name == "billable.persistence.tables"
        or name.startswith("billable.persistence.tables.")
    )


@pytest.mark.parametrize(
    "path", _interface_sources(), ids=lambda p: str(p.relative_to(PACKAGE.parent))
)
def test_an_api_or_cli_module_imports_neither_sqlalchemy_nor_the_tables(path: Path) -> None:
    offending = sorted(name for name in _imports_of(path) if _touches_the_database(name))
    assert not offending, f"{path.name} queries the database itself: {offending}"


def test_the_database_check_catches_sqlalchemy_and_the_tables_however_imported() -> None:
    source = (
        "from sqlalchemy import select\n"
        "import sqlalchemy.orm\n"
        "def f():\n"
        "    from billable.persistence.tables import Invoice\n"
    )
    names = _names(source, "billable.api.routers.invoices")
    caught = {name for name in names if _touches_the_database(name)}
    assert {"sqlalchemy", "sqlalchemy.orm", "billable.persistence.tables"} <= caught
    for package_form in (
        "from billable.persistence import tables\n",
        "from ...persistence.tables import Invoice\n",
    ):
        names = _names(package_form, "billable.api.routers.invoices")
        assert any(_touches_the_database(name) for name in names), package_form


def test_the_database_check_lets_the_read_side_and_the_use_cases_through() -> None:
    names = _names(
        "from billable.views import invoices\nfrom billable.persistence.uow import UnitOfWork\n",
        "billable.api.routers.invoices",
    )
    assert not any(_touches_the_database(name) for name in names)


def test_every_view_module_says_what_it_shows() -> None:
    for path in sorted(VIEWS.glob("*.py")):
        text = path.read_text(encoding="utf-8").lstrip()
        assert text.startswith('"""'), f"{path.name} has no docstring"


@pytest.mark.parametrize(
    "path", sorted(VIEWS.glob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE.parent))
)
def test_a_view_knows_nothing_of_http_or_the_interfaces(path: Path) -> None:
    outer = ("fastapi", "starlette", "pydantic", "typer", "billable.api", "billable.cli")
    offending = sorted(
        name
        for name in _imports_of(path)
        if any(name == top or name.startswith(f"{top}.") for top in outer)
    )
    assert not offending, f"{path.name} reaches outward: {offending}"
