"""Posting profiles: which ledger account each posting type (and transaction class)
posts to, per legal entity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.domain.errors import Invalid
from billable.domain.postings import PostingProfile, PostingRule, PostingType
from billable.domain.pricing import TransactionClass
from billable.erp.legal_entities import default_legal_entity
from billable.persistence.lookups import ref
from billable.persistence.tables import LedgerAccount, LegalEntity, PostingProfileEntry
from billable.persistence.uow import UnitOfWork

Fields = Mapping[str, Any]


def replace_posting_profile(
    uow: UnitOfWork, legal_entity_id: str | None, entries: Sequence[Fields]
) -> int:
    """Replace a legal entity's posting profile with ``entries``; returns its id.

    Each entry names a posting type, a transaction class or None (any) and an existing
    ledger account number; a rule given twice or an unknown account is a 422 naming
    the entry's index, as is an unknown ``legal_entity_id`` (default: the first).
    """
    with uow:
        session = uow.session
        entity = (
            default_legal_entity(session)
            if legal_entity_id is None
            else ref(session, LegalEntity, legal_entity_id, "legal_entity_id", "legal entity")
        )
        seen: set[tuple[str, str | None]] = set()
        rows = []
        for i, entry in enumerate(entries):
            posting_type = PostingType(entry["posting_type"])
            key = (posting_type.value, entry.get("transaction_class"))
            if key in seen:
                raise Invalid.field(f"entries[{i}]", f"{key[0]}/{key[1] or 'all'} is given twice")
            seen.add(key)
            account = session.scalars(
                select(LedgerAccount).where(LedgerAccount.number == entry["account"])
            ).first()
            if account is None:
                raise Invalid.field(
                    f"entries[{i}].account", f"no ledger account {entry['account']}"
                )
            rows.append(
                PostingProfileEntry(
                    legal_entity_id=entity.id,
                    posting_type=posting_type.value,
                    transaction_class=key[1],
                    ledger_account_id=account.id,
                )
            )
        for old in session.scalars(
            select(PostingProfileEntry).where(PostingProfileEntry.legal_entity_id == entity.id)
        ):
            session.delete(old)
        session.flush()
        session.add_all(rows)
        ident = entity.id
        uow.commit()
    return ident


def posting_profile_rows(
    session: Session, entity: LegalEntity
) -> list[tuple[str, str | None, str]]:
    """The profile of ``entity`` as ``(posting_type, transaction_class, account)``, in order."""
    stmt = (
        select(
            PostingProfileEntry.posting_type,
            PostingProfileEntry.transaction_class,
            LedgerAccount.number,
        )
        .join(LedgerAccount, LedgerAccount.id == PostingProfileEntry.ledger_account_id)
        .where(PostingProfileEntry.legal_entity_id == entity.id)
        .order_by(PostingProfileEntry.id)
    )
    return [(t, c, n) for t, c, n in session.execute(stmt)]


def posting_profile(session: Session, entity: LegalEntity) -> PostingProfile:
    """The domain posting profile of ``entity``."""
    return PostingProfile(
        tuple(
            PostingRule(PostingType(t), TransactionClass(c) if c else None, account)
            for t, c, account in posting_profile_rows(session, entity)
        )
    )
