"""The audit trail's pure part: object kinds, the objects a route names, summaries."""

from billable.domain.audit import AuditObject, compact, route_objects, singular, unique


def test_a_route_segment_and_a_table_name_give_the_same_kind() -> None:
    assert singular("time-entries") == singular("time_entries") == "time_entry"
    assert singular("invoices") == "invoice"
    assert singular("invoice-proposals") == "invoice_proposal"
    assert singular("tax-codes") == "tax_code"
    assert singular("outbox") == "outbox"


def test_a_path_parameter_names_the_object_of_the_segment_before_it() -> None:
    found = route_objects(
        "/api/v1/invoice-proposals/{ident}/sections/{section_id}",
        {"ident": "7", "section_id": "3"},
        None,
    )
    assert found == [AuditObject("invoice_proposal", 7), AuditObject("section", 3)]


def test_ids_in_a_body_name_objects_of_the_route_or_of_their_key() -> None:
    assert route_objects("/api/v1/time-entries/approve", {}, {"ids": ["4", 5]}) == [
        AuditObject("time_entry", 4),
        AuditObject("time_entry", 5),
    ]
    assert route_objects("/api/v1/invoices/bulk-confirm", {}, {"invoice_ids": ["9"]}) == [
        AuditObject("invoice", 9)
    ]


def test_a_path_value_that_is_no_ascii_id_names_nothing() -> None:
    assert route_objects("/api/v1/invoices/{ident}", {"ident": "²"}, None) == []


def test_a_long_request_is_summed_up_not_kept_whole() -> None:
    body = {"items": [{"quantity": "1"}] * 10_000, "name": "x" * 500, "flag": True}
    summary = compact(body)
    assert summary["items"] == {"count": 10_000}
    assert len(summary["name"]) < 210 and summary["name"].endswith("...")
    assert summary["flag"] is True


def test_a_secret_in_a_request_never_reaches_the_trail() -> None:
    assert compact({"name": "bob", "token": "bl_x", "new_password": "p"}) == {
        "name": "bob",
        "token": "***",
        "new_password": "***",
    }


def test_objects_are_kept_once_in_first_seen_order() -> None:
    a, b = AuditObject("invoice", 1), AuditObject("invoice", 2)
    assert unique([b, a, b]) == [b, a]
