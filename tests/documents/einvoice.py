"""Validating e-invoices with the official rule sets (EN 16931 and Peppol BIS Billing
3.0, compiled schematron run through saxonche, plus the XML schemas): test data kept
outside the project, found at ``../shared/einvoice`` from the repository root or at
``BILLABLE_EINVOICE_RULES``. Without them (or saxonche) the tests skip and say why."""

from __future__ import annotations

import importlib.util
import os
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def rules_dir() -> Path | None:
    """Where the rule sets are, or None."""
    given = os.environ.get("BILLABLE_EINVOICE_RULES")
    candidate = Path(given) if given else ROOT.parent / "shared" / "einvoice"
    return candidate if (candidate / "validate.py").is_file() else None


@cache
def _validator() -> ModuleType:
    where = rules_dir()
    if where is None:
        pytest.skip(
            "e-invoice rule sets not found: set BILLABLE_EINVOICE_RULES or place them at "
            "../shared/einvoice (with validate.py)"
        )
    if importlib.util.find_spec("saxonche") is None:
        pytest.skip("saxonche is not installed: the schematron rule sets cannot run")
    spec = importlib.util.spec_from_file_location("einvoice_validate", where / "validate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def failures(document: bytes) -> list[str]:
    """Every fatal failure of ``document``: XML schema errors and failed fatal asserts,
    each with its rule id, rule set and message. Empty: valid."""
    validate = _validator()
    from lxml import etree

    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as handle:
        handle.write(document)
        path = handle.name
    try:
        kind, rule_sets = validate.detect(etree.parse(path))
        found = [f"XSD {error}" for error in validate.schema_errors(path, kind)]
        for name in rule_sets:
            for flag, rule, location, text in validate.run_rules(path, name):
                if flag == "fatal":
                    found.append(f"{rule} [{name}] {location}: {text}")
        return found
    finally:
        os.unlink(path)


def assert_valid(document: bytes) -> None:
    """Fail with the rule ids when ``document`` breaks any fatal rule."""
    found = failures(document)
    assert not found, "e-invoice fails the official rules:\n" + "\n".join(found)
