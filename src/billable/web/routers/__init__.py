"""The page routers, in the order they are mounted."""

from __future__ import annotations

from fastapi import APIRouter

from billable.web.routers import auth, home

ROUTERS: tuple[APIRouter, ...] = (auth.router, home.router)
