"""Changing an invoice as a whole: delete a draft (with a confirm step), rename a line of a
draft, and Correct a confirmed invoice by choosing the details and their quantities."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.api.schemas import invoices as s
from billable.billing import confirming, drafts
from billable.domain.errors import DomainError, FieldError, Invalid
from billable.domain.lifecycle import INVOICE
from billable.domain.permissions import Permission
from billable.identity.users import Principal
from billable.views import invoices as invoice_views
from billable.web.actions import attempt, redirect
from billable.web.forms import validated
from billable.web.render import DETAIL_GROUPS, page
from billable.web.session import checked_form, form_text, get_uow, may

router = SegmentRouter()
Manager = Annotated[Principal, Depends(may(Permission.WRITE_BILLING))]
Form = Annotated[FormData, Depends(checked_form)]
#: ``details.3.quantity`` (the schema's) or ``details[3].quantity`` (the use case's).
_NAMED_FIELD = re.compile(r"^details(?:\.(\d+)|\[(\d+)\])\.(\w+)$")


def _back(ident: str) -> str:
    return f"/invoices/{ident}"


@router.post("/invoices/{ident}/delete")
def delete_draft(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Delete a draft or in-review invoice: its details go back to the backlog."""
    return attempt(
        request,
        _back(ident),
        lambda: drafts.delete_invoice(get_uow(request), ident),
        f"Invoice {ident} deleted; its transactions are back in the billing backlog.",
        then="/invoices",
    )


@router.post("/invoice-lines/{ident}")
def rename_line(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """Rename a line of a draft (a project-based line; a product line's name is locked)."""
    back = _back(form_text(form, "invoice")) + f"#line-{ident}"

    def run() -> None:
        fields = validated(s.LinePatch, {"name": form_text(form, "name")})
        drafts.update_line(get_uow(request), ident, fields)

    return attempt(request, back, run, "Line renamed.")


@router.get("/invoices/{ident}/correct", response_class=HTMLResponse)
def correct_form(
    request: Request, ident: str, user: Manager, line: str = "", after: str = ""
) -> Response:
    """Correct: the confirmed invoice's details, each with a corrected-quantity input."""
    uow = get_uow(request)
    with uow:
        shown = invoice_views.invoice(uow.session, ident, line, after)
    if "correct" not in INVOICE.actions_from(shown.invoice.project_invoice_status):
        return redirect(_back(ident))  # nothing to correct: the invoice says why
    return page(
        request,
        "correct.html.j2",
        user,
        view=shown,
        inv=shown.invoice,
        paged_line=line if after else "",
        groups=DETAIL_GROUPS,
    )


def _named(form: FormData) -> list[tuple[str, str]]:
    """(detail id, quantity) of every detail given a corrected quantity, in form order."""
    named = []
    for key, value in form.multi_items():
        if key.startswith("quantity-") and isinstance(value, str) and value.strip():
            named.append((key.removeprefix("quantity-"), value.strip()))
    return named


def _on_inputs(exc: DomainError, ids: list[str]) -> DomainError:
    """The refusal with each ``details[i].x`` field renamed to its detail's input."""
    errors = []
    for error in exc.errors:
        found = _NAMED_FIELD.match(error.field)
        index = int(found.group(1) or found.group(2)) if found else -1
        field = f"quantity-{ids[index]}" if 0 <= index < len(ids) else error.field
        errors.append(FieldError(field, error.message))
    exc.errors = tuple(errors)
    return exc


@router.post("/invoices/{ident}/correct")
def correct(request: Request, ident: str, user: Manager, form: Form) -> Response:
    """A draft corrective invoice with only the chosen details, at the quantities given
    (a detail left blank needs no correction); refused when none is given."""
    named = _named(form)
    ids = [detail for detail, _ in named]
    made: list[int] = []

    def run() -> None:
        try:
            body = validated(
                s.CorrectIn, {"details": [{"detail_id": i, "quantity": q} for i, q in named]}
            )
            pairs = [(str(d["detail_id"]), d["quantity"]) for d in body["details"]]
            made.append(confirming.correct_invoice(get_uow(request), ident, named=pairs))
        except DomainError as exc:
            raise _on_inputs(exc, ids) from None

    def nothing_named() -> None:
        raise Invalid("give a corrected quantity for at least one detail")

    answer = attempt(
        request,
        _back(ident) + "/correct",
        run if named else nothing_named,
        "Corrective invoice created: review it and confirm.",
    )
    return redirect(_back(str(made[0]))) if made else answer
