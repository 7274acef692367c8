"""Print management: the print settings set at each level of the tree module /
customer / contract / proposal (the more specific level wins), set and removed here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.api.schemas import proposal_format as s
from billable.domain.permissions import Permission
from billable.erp import print_management
from billable.identity.users import Principal
from billable.views import proposals as views
from billable.web.actions import attempt
from billable.web.forms import validated
from billable.web.render import page
from billable.web.session import checked_form, form_text, get_uow, may

router = SegmentRouter()
Reader = Annotated[Principal, Depends(may(Permission.READ_LEDGER))]
Accountant = Annotated[Principal, Depends(may(Permission.POST_LEDGER))]
Form = Annotated[FormData, Depends(checked_form)]
LEVELS = ("module", "customer", "contract", "proposal")  # the API's LevelName, in tree order
SHOWN = 500  # settings are few: one per level and target at most


@router.get("/print-management", response_class=HTMLResponse)
def settings(request: Request, user: Reader) -> HTMLResponse:
    """Every print setting, as the tree: module, then customers, contracts, proposals."""
    uow = get_uow(request)
    with uow:
        found = views.print_settings(uow.session, SHOWN, None).items
    tree = {level: [r for r in found if r.level == level] for level in LEVELS}
    return page(request, "accounting/print_management.html.j2", user, tree=tree, levels=LEVELS)


@router.post("/print-management")
def put(request: Request, user: Accountant, form: Form) -> Response:
    """Set (replace) one level's settings; a field left empty is inherited."""
    names = ("level", "target_id", "report_format", "destination", "footer_text")
    data = {n: form_text(form, n) for n in names if form_text(form, n).strip()}

    def run() -> None:
        print_management.put_setting(get_uow(request), validated(s.PrintSettingIn, data))

    return attempt(request, "/print-management", run, "Print settings saved.")


@router.post("/print-management/remove")
def remove(request: Request, user: Accountant, form: Form) -> Response:
    """Remove one level's settings: the less specific levels apply again."""
    level = form_text(form, "level")
    target = form_text(form, "target_id") or None
    return attempt(
        request,
        "/print-management",
        lambda: print_management.delete_setting(get_uow(request), level, target),
        "Print settings removed.",
    )
