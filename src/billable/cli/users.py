"""``billable users``: add, list, revoke, and rotate the token of, API users.

A token is shown once, when it is made (``add``, ``token``); only its hash is stored,
so ``list`` shows who holds one and its state, never the token.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from billable.cli.shell import console, database, refusals, uow_factory
from billable.identity import users as identity
from billable.identity.passwords import hash_password, set_password
from billable.views import users as views

users_app = typer.Typer(help="Users and their API tokens.", no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(help="The user's name.")]
ExpiresOption = Annotated[
    str | None,
    typer.Option("--expires-in", help="The token stops working after this long: 30d, 12h or 90m."),
]


PasswordFlag = Annotated[
    bool, typer.Option("--password", help="Also set a web sign-in password (prompted).")
]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the web sign-in password from standard input."),
]


def _read_password(from_stdin: bool) -> str:
    """The password from stdin's first line, or prompted twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _expiry(text: str | None) -> dt.timedelta | None:
    return identity.parse_duration(text, "--expires-in") if text is not None else None


def show_token(token: str, expires_in: dt.timedelta | None) -> None:
    """Print a new token, once, and when it expires."""
    console.print("Its token, shown this once (send it as `Authorization: Bearer <token>`):")
    console.print(token, markup=False, soft_wrap=True)
    if expires_in is not None:
        until = (identity.now_utc() + expires_in).replace(microsecond=0)
        console.print(f"It expires at {until.isoformat()}Z.")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user's name, unique.")],
    role: Annotated[str, typer.Option(help="admin, project_manager, accountant or team_member.")],
    resource: Annotated[
        str | None,
        typer.Option(help="The resource (id or name) whose entries a team member enters."),
    ] = None,
    expires_in: ExpiresOption = None,
    password: PasswordFlag = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user and print its API token: shown once, only its hash is stored. With
    --password (or --password-stdin) the user can also sign in to the web UI."""
    secret = _read_password(password_stdin) if password or password_stdin else None
    with refusals(), database() as engine:
        expiry = _expiry(expires_in)
        if secret is not None:
            hash_password(secret)  # a refused password refuses before the user is added
        principal, token = identity.add_user(
            uow_factory(engine)(), name, role, resource=resource, expires_in=expiry
        )
        if secret is not None:
            set_password(uow_factory(engine)(), name, secret)
    linked = f", resource {principal.resource_id}" if principal.resource_id else ""
    console.print(f"Added user [bold]{escape(principal.name)}[/] ({principal.role.value}{linked}).")
    if secret is not None:
        console.print("It signs in to the web UI with the password given.")
    show_token(token, expiry)


@users_app.command("set-password")
def users_set_password(name: NameArgument, password_stdin: PasswordStdin = False) -> None:
    """Set (or replace) a user's web sign-in password: prompted, or read from stdin."""
    secret = _read_password(password_stdin)
    with refusals(), database() as engine:
        set_password(uow_factory(engine)(), name, secret)
    console.print(f"Set the sign-in password of [bold]{escape(name)}[/].")


def _when(at: dt.datetime | None) -> str:
    """A stored (naive UTC) time to the minute, marked as UTC."""
    return at.strftime("%Y-%m-%d %H:%MZ") if at is not None else ""


@users_app.command("list")
def users_list() -> None:
    """List every user: name, role, resource, created, expires, revoked and state; never
    a token."""
    with refusals(), database() as engine:
        uow = uow_factory(engine)()
        with uow:
            found = views.users(uow.session)
    now = identity.now_utc()
    table = Table(title=f"{len(found)} users")
    for column in ("name", "role", "resource", "created", "expires", "revoked", "state"):
        table.add_column(column, overflow="fold")
    for user in found:
        resource = f"{user.resource_id} {user.resource_name}" if user.resource_id else ""
        table.add_row(
            user.name,
            user.role,
            resource,
            _when(user.created_at),
            _when(user.expires_at),
            _when(user.revoked_at),
            user.state(now),
        )
    console.print(table)


@users_app.command("revoke")
def users_revoke(name: NameArgument) -> None:
    """Revoke a user's token: the API answers 401 to it from now on (``users token``
    gives the user a new one)."""
    with refusals(), database() as engine:
        at = identity.revoke(uow_factory(engine)(), name)
    console.print(f"Revoked the token of [bold]{escape(name)}[/] at {_when(at)}.", soft_wrap=True)


@users_app.command("token")
def users_token(name: NameArgument, expires_in: ExpiresOption = None) -> None:
    """Rotate a user's token: print a new one (shown once); the old one stops working."""
    with refusals(), database() as engine:
        expiry = _expiry(expires_in)
        token = identity.rotate_token(uow_factory(engine)(), name, expires_in=expiry)
    console.print(f"New token for [bold]{escape(name)}[/]; the old one no longer works.")
    show_token(token, expiry)
