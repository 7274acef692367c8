"""The ERP setup pages of project accountants (and admins): the parameters, the posting
profile, and one page per plain setup collection (legal entities, ledger
accounts, exchange rates, tax codes, sales and item sales tax groups, financial
dimensions), each a list a page at a time with a form to add one and a page to edit one.

Every page and post needs ``write_erp_setup``, the permission of the API's setup
writes: team members and project managers neither see these pages nor post them."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.api.schemas import erp as s
from billable.domain.errors import FieldError, Invalid
from billable.domain.permissions import Permission
from billable.erp import setup as erp_setup
from billable.identity.users import Principal
from billable.masterdata import records as masterdata
from billable.views import masterdata as views
from billable.web.accounting_forms import profile_entries, shown_profile
from billable.web.actions import attempt
from billable.web.forms import validated
from billable.web.render import page
from billable.web.session import checked_form, form_text, get_uow, may
from billable.web.setup_pages import PAGES, read_form, setup_page, shown

router = SegmentRouter()
Setup = Annotated[Principal, Depends(may(Permission.WRITE_ERP_SETUP))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50
PARAMETER_CHOICES = {
    name: get_args(s.ParametersIn.model_fields[name].annotation)
    for name in ("sales_tax_group_method", "material_item_tax_group_method")
}


def _texts(form: FormData) -> dict[str, str]:
    return {key: form_text(form, key) for key in form if isinstance(form.get(key), str)}


@router.get("/setup", response_class=HTMLResponse)
def index(request: Request, user: Setup) -> HTMLResponse:
    """The setup pages, one link each."""
    return page(request, "accounting/setup_index.html.j2", user, pages=PAGES)


@router.get("/setup/parameters", response_class=HTMLResponse)
def parameters(request: Request, user: Setup) -> HTMLResponse:
    """The project parameters, as a form."""
    uow = get_uow(request)
    with uow:
        current = erp_setup.parameters(uow.session)
    return page(
        request,
        "accounting/parameters.html.j2",
        user,
        current=current,
        choices=PARAMETER_CHOICES,
    )


@router.post("/setup/parameters")
def set_parameters(request: Request, user: Setup, form: Form) -> Response:
    """Replace the parameters; the milestone item group left empty means none."""
    names = (*PARAMETER_CHOICES, "milestone_item_sales_tax_group")
    data = {n: form_text(form, n) for n in names if form_text(form, n)}

    def run() -> None:
        body = validated(s.ParametersIn, data, exclude_unset=False)
        erp_setup.set_parameters(get_uow(request), body)

    return attempt(request, "/setup/parameters", run, "Parameters saved.")


@router.get("/setup/posting-profile", response_class=HTMLResponse)
def posting_profile(request: Request, user: Setup) -> HTMLResponse:
    """The first legal entity's posting profile: which account each posting type (and
    transaction class) posts to, as a list and as the form that replaces it."""
    uow = get_uow(request)
    with uow:
        entity = erp_setup.legal_entity(uow.session, None)
        rows = erp_setup.posting_profile_rows(uow.session, entity)
        name = entity.name
        uow.commit()  # the default legal entity, if it was just made (as the API does)
    return page(
        request,
        "accounting/posting_profile.html.j2",
        user,
        rows=rows,
        entity=name,
        typed=shown_profile(rows),
    )


@router.post("/setup/posting-profile")
def replace_posting_profile(request: Request, user: Setup, form: Form) -> Response:
    """Replace the first legal entity's profile with the entries typed (the API's PUT);
    each entry's refusal is shown on the entries field, naming its line."""

    def run() -> None:
        entries, lines = profile_entries(form_text(form, "entries"))
        try:
            body = validated(s.PostingProfileIn, {"entries": entries}, exclude_unset=False)
            erp_setup.replace_posting_profile(get_uow(request), None, body["entries"])
        except Invalid as exc:  # the schema's and the use case's, by the entry's index
            raise Invalid(exc.detail, (FieldError("entries", _by_line(exc, lines)),)) from None

    return attempt(request, "/setup/posting-profile", run, "Posting profile saved.")


def _by_line(exc: Invalid, lines: list[int]) -> str:
    """``entries.2.account: ...`` as ``line N, account: ...``, N the text line of the
    third entry (``lines``: each entry's line)."""
    said = []
    for error in exc.errors:
        parts = re.split(r"[.\[\]]+", error.field)
        index = next((int(p) for p in parts if p.isdigit() and int(p) < len(lines)), None)
        where = f"line {lines[index]}, {parts[-1]}" if index is not None else error.field
        said.append(f"{where}: {error.message}")
    return "; ".join(said)


@router.get("/setup/{slug}", response_class=HTMLResponse)
def rows(request: Request, slug: str, user: Setup, cursor: str | None = None) -> HTMLResponse:
    """One setup collection, a page at a time, with the form to add one."""
    shape = setup_page(slug)
    if shape.kind == "legal_entity":  # not vocabulary: the API's kind; it lists a default one
        erp_setup.ensure_default_legal_entity(get_uow(request))
    uow = get_uow(request)
    with uow:
        window = views.rows(uow.session, shape.kind, PAGE_SIZE, cursor)
    return page(request, "accounting/setup.html.j2", user, shape=shape, window=window, shown=shown)


@router.post("/setup/{slug}")
def add(request: Request, slug: str, user: Setup, form: Form) -> Response:
    """Add one row, through the API's create use case."""
    shape = setup_page(slug)
    texts = _texts(form)

    def run() -> None:
        body = read_form(shape.add_fields, texts, shape.create, whole=True)
        masterdata.create(get_uow(request), shape.kind, body)

    return attempt(request, f"/setup/{slug}", run, f"{shape.noun.capitalize()} added.")


@router.get("/setup/{slug}/{ident}", response_class=HTMLResponse)
def edit(request: Request, slug: str, ident: str, user: Setup) -> HTMLResponse:
    """One row's edit form, filled with what it holds."""
    shape = setup_page(slug)
    uow = get_uow(request)
    with uow:
        row = views.row(uow.session, shape.kind, ident)
    values: dict[str, Any] = {f.name: shown(getattr(row, f.name, None)) for f in shape.edit_fields}
    return page(request, "accounting/setup_edit.html.j2", user, shape=shape, row=row, values=values)


@router.post("/setup/{slug}/{ident}")
def change(request: Request, slug: str, ident: str, user: Setup, form: Form) -> Response:
    """Change the row to what its form shows, through the API's PATCH use case."""
    shape = setup_page(slug)
    texts = _texts(form)

    def run() -> None:
        body = read_form(shape.edit_fields, texts, shape.change, whole=False)
        masterdata.update(get_uow(request), shape.kind, ident, body)

    back = f"/setup/{slug}/{ident}"
    return attempt(request, back, run, f"{shape.noun.capitalize()} saved.", then=f"/setup/{slug}")
