"""Posting the integration journal (seed 003): per line, the cost (project cost against
payroll allocation or the cost offset) or the unbilled sale's work in progress (WIP sales
value against accrued revenue), and a posted transaction per line.

Set-based, one implementation for one journal and for many (:func:`post_journals`;
:func:`post_journal` is a set of one): a journal posts in chunks of lines, each in its
own transaction, read in one query and written in a few statements whatever its size.
Vouchers group by journal, date and chunk (docs/decisions.md, "Journal vouchers"): each
voucher holds the lines of one date, each line names the posted transaction it records.
The figures are the domain's (:mod:`billable.erp.journal_lines`), computed once per
distinct rate, split and voucher, never in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billable.domain.lifecycle import JOURNAL
from billable.domain.postings import PostingProfile
from billable.erp import defaults as erp_defaults
from billable.erp import journal_writes
from billable.erp.journal_checks import check_journal
from billable.erp.journal_lines import stored_parts, transaction_voucher
from billable.erp.journal_writes import SOURCE_TYPE
from billable.erp.setup import posting_profile
from billable.persistence import auditing
from billable.persistence.lookups import get
from billable.persistence.tables import (
    IntegrationJournal,
    IntegrationJournalLine,
)
from billable.persistence.uow import UnitOfWork

__all__ = ["SOURCE_TYPE", "post_journal", "post_journals", "stored_parts", "transaction_voucher"]

#: Journal lines a posting transaction takes (each commits whole).
POST_CHUNK = 5_000
L = IntegrationJournalLine


def _date_ranges(session: Session, journal_id: int, chunk: int) -> list[tuple[dt.date, dt.date]]:
    """The unposted lines' dates cut into ranges of about ``chunk`` lines (a date with
    more is a range of its own; it posts in several chunks)."""
    counts = session.execute(
        select(L.date, func.count())
        .where(L.journal_id == journal_id, L.exchange_rate.is_(None))
        .group_by(L.date)
        .order_by(L.date)
    ).all()
    ranges: list[tuple[dt.date, dt.date]] = []
    size = 0
    for day, count in counts:
        if ranges and size + count <= chunk:
            ranges[-1] = (ranges[-1][0], day)
            size += count
        else:
            ranges.append((day, day))
            size = count
    return ranges


def _post_chunk(
    session: Session,
    journal: IntegrationJournal,
    profile: PostingProfile,
    day_range: tuple[dt.date, dt.date],
    chunk: int,
    after: int,
) -> tuple[int, int, int | None]:
    """Post the next ``chunk`` unposted lines of ``day_range`` above line ``after``:
    (lines, vouchers, the last line's id; None when the range is through)."""
    entity = erp_defaults.entity_of(session, journal.legal_entity_id)
    # Keyed on the id: the chunk's statements read its own lines, never the range's
    # lines posted before it (one date of a million lines posts in 200 chunks).
    unposted = (
        L.journal_id == journal.id,
        L.exchange_rate.is_(None),
        # One date as ``=``: the (journal, date) index then seeks its ids in order.
        L.date == day_range[0] if day_range[0] == day_range[1] else L.date.between(*day_range),
        L.id > after,
    )
    # The chunk is the first ``chunk`` of them in id order: up to the id of the last.
    last = session.scalar(select(L.id).where(*unposted).order_by(L.id).offset(chunk - 1).limit(1))
    where = unposted if last is None else (*unposted, L.id <= last)
    lines, vouchers = journal_writes.post_lines(session, journal, entity, profile, where)
    return lines, vouchers, last


def _open(session: Session, journal_id: int | str) -> tuple[IntegrationJournal, str]:
    """The journal, locked, and the state posting leads it to (409 once posted)."""
    journal = get(session, IntegrationJournal, str(journal_id), "integration journal", lock=True)
    return journal, JOURNAL.next_state(journal.status, "post")


def _finish(session: Session, journal: IntegrationJournal, target: str) -> None:
    journal.status = target
    journal.posted_at, journal.posted_by = auditing.now(), auditing.actor_name()


def _post_one(
    uow: UnitOfWork,
    journal_id: int | str,
    chunk: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Post one journal in chunks; the vouchers written."""
    with uow:  # refusals first, before anything is written
        session = uow.session
        journal, _ = _open(session, journal_id)
        entity = erp_defaults.entity_of(session, journal.legal_entity_id)
        check_journal(session, journal.id, entity, posting_profile(session, entity))
        ranges = _date_ranges(session, journal.id, chunk)
    written = lines = after = 0
    pending = list(ranges)
    while True:
        with uow:
            session = uow.session
            journal, target = _open(session, journal_id)  # 409 if another post finished it
            entity = erp_defaults.entity_of(session, journal.legal_entity_id)
            profile = posting_profile(session, entity)
            done = vouchers = 0
            while pending and not done:
                done, vouchers, last = _post_chunk(
                    session, journal, profile, pending[0], chunk, after
                )
                if last is None:  # the range is through
                    pending.pop(0)
                after = last or 0
            if not pending:
                _finish(session, journal, target)
            lines += done
            written += vouchers
            if progress:
                progress(lines, written)
            uow.commit()
        if not pending:
            return written


def post_journals(
    uow: UnitOfWork,
    journal_ids: Sequence[int | str],
    chunk: int = POST_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Post draft journals, each in chunks of ``chunk`` lines that commit whole; returns
    the number of vouchers written.

    Each line posts at the rate in force (a cost in accounting currency at 1; a sale at
    its contract's fixed-rate agreement, else the rate on its date). Before anything is
    written, a missing rate or posting profile account is a 422 naming the line; a posted
    journal is a 409. A kill between chunks leaves the journal draft with whole chunks
    posted; posting it again posts the rest, each line once (its rate marks it posted).
    ``progress(lines, vouchers)`` runs inside each chunk's transaction, before its commit.
    """
    return sum(_post_one(uow, ident, chunk, progress) for ident in journal_ids)


def post_journal(uow: UnitOfWork, journal_id: str) -> int:
    """Post one draft journal (:func:`post_journals`, a set of one); the vouchers written."""
    return post_journals(uow, [journal_id])
