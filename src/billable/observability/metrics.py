"""Prometheus metrics: request latency per route, job counts and durations, queue
depth and worker heartbeats.

Counters and histograms are this process's (requests it served, jobs it ran); the
queue and heartbeat gauges are read from the database at each scrape, so any one
``/metrics`` shows the whole installation's backlog and workers.
"""

from __future__ import annotations

import datetime as dt

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import Engine, func, select, text

from billable.domain.vocabulary import JobState
from billable.persistence.tables import Job, JobAttempt

REQUEST_SECONDS = Histogram(
    "billable_http_request_duration_seconds",
    "Time to answer a request, by route template.",
    ["method", "route", "status"],
)
JOBS = Counter(
    "billable_jobs_executed", "Job attempts this process ran, by kind and outcome.",
    ["kind", "outcome"],
)  # fmt: skip
JOB_SECONDS = Histogram(
    "billable_job_duration_seconds",
    "Time of one job attempt, by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, float("inf")),
)


def _database_gauges(engine: Engine) -> CollectorRegistry:
    """Gauges read now from the database: jobs by kind and status, the oldest running
    attempt's heartbeat age, and on PostgreSQL the queue and its workers."""
    registry = CollectorRegistry()
    jobs = Gauge("billable_jobs", "Job rows by kind and status.", ["kind", "status"],
                 registry=registry)  # fmt: skip
    stale = Gauge(
        "billable_job_heartbeat_age_seconds",
        "Seconds since the stalest heartbeat of a running job's attempt (0: none running).",
        registry=registry,
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.connect() as conn:
        for kind, status, count in conn.execute(
            select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
        ):
            jobs.labels(kind, status).set(count)
        oldest = conn.scalar(
            select(func.min(JobAttempt.heartbeat_at))
            .join(Job, (Job.id == JobAttempt.job_id) & (Job.attempts == JobAttempt.attempt))
            .where(Job.status == JobState.RUNNING, JobAttempt.finished_at.is_(None))
        )
        stale.set((now - oldest).total_seconds() if oldest else 0)
        if engine.dialect.name == "postgresql":
            _queue_gauges(conn, registry)
    return registry


def _queue_gauges(conn: object, registry: CollectorRegistry) -> None:
    depth = Gauge("billable_queue_depth", "procrastinate jobs by status.", ["status"],
                  registry=registry)  # fmt: skip
    workers = Gauge("billable_workers", "Workers with a row in procrastinate_workers.",
                    registry=registry)  # fmt: skip
    age = Gauge(
        "billable_worker_heartbeat_age_seconds",
        "Seconds since each registered worker's last heartbeat.",
        ["worker_id"],
        registry=registry,
    )
    run = conn.execute  # type: ignore[attr-defined]
    for status, count in run(
        text("SELECT status, count(*) FROM procrastinate_jobs GROUP BY status")
    ):
        depth.labels(status).set(count)
    rows = run(
        text("SELECT id, extract(epoch FROM now() - last_heartbeat) FROM procrastinate_workers")
    ).all()
    workers.set(len(rows))
    for ident, seconds in rows:
        age.labels(str(ident)).set(float(seconds))


def exposition(engine: Engine) -> bytes:
    """Everything, in the Prometheus text format."""
    return generate_latest(REGISTRY) + generate_latest(_database_gauges(engine))
