"""Users as the API shows them and the one change it takes: the linked resource."""

from __future__ import annotations

from pydantic import BaseModel, Field

from billable.api.schemas.common import Id, Input, Timestamp


class UserOut(BaseModel):
    """A user: name, role, linked resource and token dates; never a token or its hash."""

    id: str
    name: str
    role: str = Field(description="`admin`, `project_manager`, `accountant` or `team_member`.")
    resource_id: str | None = Field(
        description="The resource whose entries a team member acts on; null: none."
    )
    resource_name: str | None
    created_at: Timestamp
    expires_at: Timestamp | None = Field(description="When the token expires; null: never.")
    revoked_at: Timestamp | None
    state: str = Field(description="The token's state now: `active`, `revoked` or `expired`.")


class UserPatch(Input):
    """Link a team member to a resource, or unlink any user with null."""

    resource_id: Id | None = Field(
        description="The resource's id (only a team member is linked); null unlinks."
    )
