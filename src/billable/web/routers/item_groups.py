"""The item sales tax group of each transaction category and product: the ERP setup's
one change to that master data (the API's ``PUT .../item-sales-tax-group``, the same
use case as the manager's PATCH), a page of rows at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.api.schemas import erp as s
from billable.domain.errors import NotFound
from billable.domain.permissions import Permission
from billable.identity.users import Principal
from billable.masterdata import records as masterdata
from billable.views import masterdata as views
from billable.web.actions import attempt
from billable.web.forms import validated
from billable.web.render import page
from billable.web.session import checked_form, form_text, get_uow, may

router = SegmentRouter()
Setup = Annotated[Principal, Depends(may(Permission.WRITE_ERP_SETUP))]
Form = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 50
#: The page's address -> (the use cases' kind, its title).
WHICH = {
    "transaction-categories": ("transaction_category", "Transaction categories"),
    "products": ("product", "Products"),  # not vocabulary: the master data kind
}


def _which(which: str) -> tuple[str, str]:
    if which not in WHICH:
        raise NotFound(f"no item tax group page {which}")
    return WHICH[which]


@router.get("/setup/item-groups/{which}", response_class=HTMLResponse)
def rows(request: Request, which: str, user: Setup, cursor: str | None = None) -> HTMLResponse:
    """Categories or products with their item sales tax group, each settable."""
    kind, title = _which(which)
    uow = get_uow(request)
    with uow:
        window = views.rows(uow.session, kind, PAGE_SIZE, cursor)
    return page(
        request,
        "accounting/item_groups.html.j2",
        user,
        window=window,
        which=which,
        title=title,
        pages=WHICH,
    )


@router.post("/setup/item-groups/{which}/{ident}")
def set_group(request: Request, which: str, ident: str, user: Setup, form: Form) -> Response:
    """Set one row's item sales tax group; left empty, it is cleared."""
    kind, _ = _which(which)
    group = form_text(form, "item_sales_tax_group") or None

    def run() -> None:
        body = validated(s.ItemTaxGroupIn, {"item_sales_tax_group": group})
        masterdata.update(get_uow(request), kind, ident, body)

    return attempt(request, f"/setup/item-groups/{which}", run, "Item sales tax group saved.")
