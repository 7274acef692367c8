"""The audit trail's pure part: object kinds, the objects a route names, summaries."""

from billable.domain.audit import (
    SYSTEM,
    Action,
    AuditObject,
    compact,
    route_objects,
    singular,
    unique,
)


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


def test_plurals_of_s_x_and_ch_lose_es_and_a_double_s_stays() -> None:
    assert singular("addresses") == "address"
    assert singular("taxes") == "tax"
    assert singular("batches") == "batch"
    assert singular("access") == "access"
    assert singular("print-management") == "print_management"


def test_ids_that_are_no_ascii_digits_name_nothing_and_numbers_count_once() -> None:
    body = {"ids": ["x", "²", "٣", 2.5, True, None, "12", 4]}
    assert route_objects("/api/v1/invoices/bulk", {}, body) == [
        AuditObject("invoice", 12),
        AuditObject("invoice", 4),
    ]


def test_a_value_that_is_no_list_of_ids_names_nothing() -> None:
    assert route_objects("/api/v1/invoices", {}, {"note": "12", "ids": "34"}) == []
    assert route_objects("/api/v1/invoices", {}, ["12"]) == []


def test_a_kind_ids_key_names_its_own_kind_on_any_route() -> None:
    assert route_objects("/api/v1/jobs/start", {}, {"invoice_ids": [9]}) == [
        AuditObject("invoice", 9)
    ]


def test_a_parameter_absent_or_first_in_the_route_names_nothing() -> None:
    assert route_objects("/api/v1/invoices/{ident}", {}, None) == []
    assert route_objects("/{ident}", {"ident": "5"}, None) == []
    assert route_objects("/api/v1/{kind}/{ident}", {"kind": "7", "ident": "5"}, None) == [
        AuditObject("{kind}", 5)
    ]


def test_a_summary_keeps_twenty_items_and_two_hundred_characters_whole() -> None:
    assert compact(["a"] * 20) == ["a"] * 20
    assert compact(["a"] * 21) == {"count": 21}
    assert compact("x" * 200) == "x" * 200
    assert compact(["y" * 201]) == ["y" * 200 + "..."]
    assert compact({"k": ["z" * 300]}) == {"k": ["z" * 200 + "..."]}


def test_nesting_is_kept_three_levels_deep_and_cut_below() -> None:
    assert compact([[["x"]]]) == [[["x"]]]
    assert compact([[[["x"]]]]) == [[[["..."]]]]
    assert compact({"a": {"b": {"c": "x"}}}) == {"a": {"b": {"c": "x"}}}
    assert compact({"a": {"b": {"c": {"d": "x"}}}}) == {"a": {"b": {"c": {"d": "..."}}}}
    assert compact({"a": [{"c": "x"}]}) == {"a": [{"c": "x"}]}
    assert compact([{"b": ["x"]}]) == [{"b": ["x"]}]
    assert compact(["x"], depth=3) == ["..."]


def test_an_action_is_described_by_its_resolver_when_it_has_one() -> None:
    assert Action(SYSTEM, "POST /invoices").described() == "POST /invoices"
    late = Action(SYSTEM, "billable", resolve=lambda: "billable users add")
    assert late.described() == "billable users add"
