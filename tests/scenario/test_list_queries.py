"""List queries check what they are asked: a cursor or filter value the list cannot
mean is refused with the parameter named, never answered with an empty page."""

from __future__ import annotations

import pytest

from tests.scenario.support import problem


def test_a_cursor_out_of_range_is_refused(api):
    import base64

    cursor = base64.urlsafe_b64encode(b"99999999999999999999999").decode()
    refused = problem(api, "GET", "/actuals", 422, cursor=cursor)
    assert refused["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/invoices", {"project_invoice_status": "bogus"}),
        ("/actuals", {"transaction_type": "bogus"}),
        ("/time-entries", {"status": "bogus"}),
    ],
)
def test_an_unknown_filter_value_is_refused_not_answered_with_nothing(api, path, params):
    refused = api.get(path, expect=422, **params)  # ("status" would clash with problem())
    assert refused["errors"][0]["field"] == next(iter(params))
