"""Background jobs, notifications and automated invoice runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from billable.domain.vocabulary import JobState, NotificationLevel
from billable.persistence.base import Base


class Job(Base):
    """Long work (bulk creation, runs, bulk confirmation) with progress and a result."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(12), default=JobState.QUEUED, index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now(), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class JobAttempt(Base):
    """One execution of a job: where it ran (host, process), when, its last heartbeat
    and how it ended (null while running, or when its process died)."""

    __tablename__ = "job_attempts"
    __table_args__ = (UniqueConstraint("job_id", "attempt"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """A message left for a user (or everyone) when a job finishes."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    level: Mapped[str] = mapped_column(String(10), default=NotificationLevel.INFO)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class InvoiceRun(Base):
    """One automated run date. Unique per date: a date is processed once."""

    __tablename__ = "invoice_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    #: running, succeeded or failed: the states of the job that processes the date.
    status: Mapped[str] = mapped_column(String(12), default=JobState.RUNNING)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    invoices_created: Mapped[int] = mapped_column(Integer, default=0)
    contracts_skipped: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class InvoiceRunContract(Base):
    """A contract done by a run date: invoiced (``invoiced``, with ``invoice_id`` while the
    draft exists) or skipped.

    Written in the same transaction as the invoice, with the primary key as the guard:
    however many runs of one date race, a contract is invoiced for it once, and by
    one job: the one its row names.
    """

    __tablename__ = "invoice_run_contracts"
    run_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    #: Whether the run invoiced the contract: it stays true when a user deletes the
    #: draft later (which blanks ``invoice_id``), so the contract is never reported as
    #: found with nothing to invoice. Ids are not kept: SQLite reuses a deleted row's.
    invoiced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The job whose run did it (null for a run outside a job): each job reports its own.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
