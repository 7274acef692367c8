"""Every copy names its columns: a column added to the actuals, details or invoices
table must be classified (copied or derived) for each copy before anything passes."""

from __future__ import annotations

import pytest

from billable.persistence import rows
from billable.persistence.tables import Actual, Invoice, InvoiceLineDetail

COPIES = {
    "a billed actual or remainder from its detail": (
        rows.ACTUAL_FROM_DETAIL,
        Actual,
        InvoiceLineDetail,
    ),
    "a reversal from the actual it reverses": (rows.REVERSAL_OF_ACTUAL, Actual, Actual),
    "a corrective detail from the billed actual it corrects": (
        rows.CORRECTIVE_DETAIL,
        InvoiceLineDetail,
        Actual,
    ),
    "a corrective invoice from the invoice it corrects": (rows.CORRECTIVE_HEADER, Invoice, Invoice),
}


def _columns(table: type) -> set[str]:
    return {c.key for c in table.__table__.columns}  # type: ignore[attr-defined]


@pytest.mark.parametrize("copy", list(COPIES))
def test_every_column_of_the_written_row_is_either_copied_or_derived(copy):
    copying, written, _ = COPIES[copy]
    copied, derived = set(copying.copied), set(copying.derived)
    assert copied & derived == set(), "a column is both copied and derived"
    assert len(copying.copied) == len(copied) and len(copying.derived) == len(derived)
    unclassified = _columns(written) - copied - derived
    assert unclassified == set(), f"classify these columns for {copy} in persistence/rows.py"
    assert copied | derived <= _columns(written), "rows.py names a column the table lacks"


@pytest.mark.parametrize("copy", list(COPIES))
def test_every_copied_column_exists_on_the_row_it_is_copied_from(copy):
    copying, _, source = COPIES[copy]
    assert set(copying.copied) <= _columns(source)
