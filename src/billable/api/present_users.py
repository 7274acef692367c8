"""Users as response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from billable.api.present import sid
from billable.views.users import UserView


def user(found: UserView, now: dt.datetime) -> dict[str, Any]:
    """One user, ids as strings, its token's state at ``now``; no token or hash."""
    return {
        "id": sid(found.id),
        "name": found.name,
        "role": found.role,
        "resource_id": sid(found.resource_id),
        "resource_name": found.resource_name,
        "created_at": found.created_at,
        "expires_at": found.expires_at,
        "revoked_at": found.revoked_at,
        "state": found.state(now),
    }
