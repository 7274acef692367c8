"""Users (admins only): the list, and linking a team member to their resource."""

from typing import Any

from billable.api import present_users as present
from billable.api.deps import ManageUsers, Uow
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import users as s
from billable.domain.errors import NotFound
from billable.identity import users as identity
from billable.views import users as views

router = SegmentRouter(tags=["users"])


@router.get(
    "/users",
    response_model=Page[s.UserOut],
    dependencies=[ManageUsers],
    summary="List users",
)
def list_users(uow: Uow, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    """Every user by id: name, role, linked resource, when the token was created,
    expires and was revoked, and its state. Never a token or a hash of one."""
    now = identity.now_utc()
    with uow:
        found = views.user_page(uow.session, limit, cursor)
    return page(found, lambda user: present.user(user, now))


@router.patch(
    "/users/{ident}",
    response_model=s.UserOut,
    dependencies=[ManageUsers],
    summary="Link a user to a resource, or unlink them",
)
def link_user(ident: str, body: s.UserPatch, uow: Uow) -> dict[str, Any]:
    """Link a team member to the resource whose entries they act on (`resource_id`), or
    unlink any user (`null`). A resource that does not exist, or a user who is not a
    team member, is refused (422 on `resource_id`)."""
    # By id only: the API's field is an id, never a resource's name.
    resource = int(body.resource_id) if body.resource_id is not None else None
    user_id = identity.link_resource(uow, ident, resource, field="resource_id")
    with uow:
        found = views.user(uow.session, user_id)
    if found is None:  # deleted between the two transactions: users are never deleted
        raise NotFound(f"no user with id {ident}")
    return present.user(found, identity.now_utc())
