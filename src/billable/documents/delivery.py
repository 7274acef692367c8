"""Delivery of issued documents (print management's destinations): ``email`` sends the
PDF, and the UBL file when the customer has an electronic address, through SMTP
(``BILLABLE_SMTP_URL``); ``archive`` writes the files to ``BILLABLE_ARCHIVE_DIR``.

Every delivery is a row of the outbox, unique per document, destination and recipient
(its idempotency key), so it is queued once. A run claims a due row with one
conditional UPDATE (two runs never both send it), sends, then records the outcome; a
failure is retried with exponential backoff and reported as an error notification,
and a run killed mid-send leaves a claim that a later run takes over once its lease
has passed. The Message-ID derives from the key, so a receiver can tell a repeat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from billable.documents import store
from billable.domain.documents import Destination, DocumentFormat, OutboxState
from billable.domain.errors import Invalid
from billable.domain.vocabulary import NotificationLevel
from billable.persistence.lookups import get
from billable.persistence.tables import CustomerInvoice, Notification, OutboxMessage
from billable.persistence.uow import UnitOfWork

QUEUED, SENDING = OutboxState.QUEUED, OutboxState.SENDING
SENT, FAILED = OutboxState.SENT, OutboxState.FAILED
EMAIL, ARCHIVE = Destination.EMAIL, Destination.ARCHIVE
MAX_ATTEMPTS = 5
#: The first retry's wait, doubled at each further failure.
BACKOFF = dt.timedelta(minutes=1)
#: How long a claim protects a message being sent; after it, a later run may retry.
LEASE = dt.timedelta(minutes=10)
UowFactory = Callable[[], UnitOfWork]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def backoff() -> dt.timedelta:
    """The first retry's wait: ``BILLABLE_DELIVERY_BACKOFF_SECONDS``, else a minute."""
    seconds = os.environ.get("BILLABLE_DELIVERY_BACKOFF_SECONDS")
    return dt.timedelta(seconds=float(seconds)) if seconds else BACKOFF


def _due(now: dt.datetime, lease: dt.timedelta) -> ColumnElement[bool]:
    """Queued and past its backoff, or claimed by a run whose lease has passed."""
    return or_(
        and_(
            OutboxMessage.status == QUEUED,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        ),
        and_(OutboxMessage.status == SENDING, OutboxMessage.sending_since <= now - lease),
    )


def due_count(session: Session, now: dt.datetime | None = None, lease: dt.timedelta = LEASE) -> int:
    """How many messages a delivery run would send now: the one decision of whether a
    run is due (the background sweeps start one when this is not zero)."""
    stmt = select(func.count()).select_from(OutboxMessage).where(_due(now or _now(), lease))
    return int(session.scalar(stmt) or 0)


def idempotency_key(customer_invoice_id: int, destination: str, recipient: str) -> str:
    """One delivery per document, destination and recipient."""
    return f"{customer_invoice_id}:{destination}:{recipient.strip().lower()}"


def queue(session: Session, row: CustomerInvoice, destination: str, recipient: str) -> int:
    """Queue a delivery (in the caller's transaction) unless it exists: a failed one is
    queued again, a queued or sent one is left as it is. Returns its id."""
    key = idempotency_key(row.id, destination, recipient)
    found = session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    existing = found.first()
    if existing is not None:
        if existing.status == FAILED:
            existing.status, existing.next_attempt_at = QUEUED, None
        return existing.id
    message = OutboxMessage(
        customer_invoice_id=row.id,
        destination=destination,
        recipient=recipient,
        idempotency_key=key,
        status=QUEUED,
        attempts=0,
    )
    session.add(message)
    session.flush()
    return message.id


def archive_dir() -> str | None:
    """The archive folder (``BILLABLE_ARCHIVE_DIR``), if one is configured."""
    return os.environ.get("BILLABLE_ARCHIVE_DIR") or None


def queue_on_issue(session: Session, row: CustomerInvoice, destination: str) -> None:
    """Queue what print management's ``destination`` asks for a just-issued invoice."""
    if destination == EMAIL and row.buyer.get("email"):
        queue(session, row, EMAIL, row.buyer["email"])
    folder = archive_dir()
    if destination == ARCHIVE and folder:
        queue(session, row, ARCHIVE, folder)


def request_send(uow: UnitOfWork, ident: str, to: str | None) -> int:
    """Queue an email of customer invoice ``ident`` to ``to`` (default: the billing
    email it was issued to); 422 on ``to`` when there is none. Returns the outbox id."""
    with uow:
        row = get(uow.session, CustomerInvoice, ident, "customer invoice")
        recipient = to or row.buyer.get("email")
        if not recipient:
            raise Invalid.field("to", "the customer has no billing email; name a recipient")
        ident_out = queue(uow.session, row, EMAIL, recipient)
        uow.commit()
        return ident_out


def has_queued(uow: UnitOfWork, customer_invoice_id: int) -> bool:
    """Whether the customer invoice has deliveries waiting to be sent."""
    with uow:
        stmt = select(OutboxMessage.id).where(
            OutboxMessage.customer_invoice_id == customer_invoice_id,
            OutboxMessage.status == QUEUED,
        )
        return uow.session.scalars(stmt).first() is not None


class Sender(Protocol):
    """Sends one email message."""

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the mail server; raise when it is not accepted."""


@dataclass(frozen=True)
class SmtpSender:
    """SMTP from a URL: ``smtp://[user:password@]host[:port][?starttls=1]`` or smtps://."""

    url: str
    timeout: float = 30.0

    def send(self, message: EmailMessage) -> None:
        """Connect, authenticate when the URL names a user, and send ``message``."""
        parts = urlsplit(self.url)
        secure = parts.scheme == "smtps"
        port = parts.port or (465 if secure else 25)
        client_type = smtplib.SMTP_SSL if secure else smtplib.SMTP
        with client_type(parts.hostname or "localhost", port, timeout=self.timeout) as client:
            if parse_qs(parts.query).get("starttls") == ["1"]:
                client.starttls()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)


def smtp_sender() -> SmtpSender:
    """The sender ``BILLABLE_SMTP_URL`` configures (default: localhost:25)."""
    return SmtpSender(os.environ.get("BILLABLE_SMTP_URL", "smtp://localhost:25"))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str


@dataclass
class DeliveryResult:
    """What a delivery run did."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def _attachments(session: Session, row: CustomerInvoice) -> list[Attachment]:
    """The PDF, and the UBL file when the customer takes e-invoices (an electronic
    address) and the document can be valid; rendered once and stored (immutable)."""
    files = [store.issued_document(session, row, DocumentFormat.PDF)]
    takes_ubl = bool(row.buyer.get("endpoint"))
    ubl_ok = not any("ubl" in p.get("formats", []) for p in row.problems)
    if takes_ubl and ubl_ok:
        files.append(store.issued_document(session, row, DocumentFormat.UBL))
    return [Attachment(f.filename, f.content, f.media_type) for f in files]


def _email(row: CustomerInvoice, message: OutboxMessage, files: list[Attachment]) -> EmailMessage:
    mail = EmailMessage()
    kind = "Credit note" if row.kind == "credit_note" else "Invoice"
    mail["Subject"] = f"{kind} {row.number} from {row.seller['name']}"
    mail["From"] = row.seller.get("email") or "billing@localhost"
    mail["To"] = message.recipient
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    mail["Message-ID"] = f"<{digest}@billable.invalid>"
    mail.set_content(
        f"Please find attached {kind.lower()} {row.number} of {row.issue_date.isoformat()}, "
        f"due {row.due_date.isoformat()}: {row.total_amount:f} {row.currency}.\n"
    )
    for item in files:
        maintype, subtype = item.media_type.split("/")
        mail.add_attachment(item.content, maintype, subtype, filename=item.filename)
    return mail


def _claim(uow: UnitOfWork, ident: int, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Take message ``ident`` for sending if it is due (or its last claim expired)."""
    with uow:
        taken = uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == ident, _due(now, lease))
            .values(status=SENDING, sending_since=now, attempts=OutboxMessage.attempts + 1)
        )
        uow.commit()
        return bool(getattr(taken, "rowcount", 0) == 1)


def _record(
    uow: UnitOfWork, ident: int, error: str | None, now: dt.datetime, wait: dt.timedelta
) -> None:
    with uow:
        message = uow.session.get(OutboxMessage, ident)
        assert message is not None
        if error is None:
            message.status, message.sent_at, message.last_error = SENT, now, None
        else:
            give_up = message.attempts >= MAX_ATTEMPTS
            message.status = FAILED if give_up else QUEUED
            message.last_error = error[:2000]
            message.next_attempt_at = None if give_up else now + wait * 2 ** (message.attempts - 1)
            row = uow.session.get(CustomerInvoice, message.customer_invoice_id)
            number = row.number if row else message.customer_invoice_id
            retry = "given up" if give_up else f"retried after {message.next_attempt_at:%H:%M}"
            uow.session.add(
                Notification(
                    level=NotificationLevel.ERROR,
                    title=f"Delivery of {number} to {message.recipient} failed",
                    message=f"{error} ({retry}, attempt {message.attempts})",
                )
            )
        message.sending_since = None
        uow.commit()


def _write_archive(folder: str, files: list[Attachment]) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for item in files:
        # Same document, same bytes: writing it again changes nothing.
        (target / item.filename).write_bytes(item.content)


def _deliver_one(make_uow: UowFactory, ident: int, sender: Sender) -> None:
    """Send one claimed message; raise on failure."""
    uow = make_uow()
    with uow:
        message = uow.session.get(OutboxMessage, ident)
        row = uow.session.get(CustomerInvoice, message.customer_invoice_id) if message else None
        assert message is not None and row is not None
        files = _attachments(uow.session, row)
        mail = _email(row, message, files) if message.destination == EMAIL else None
        folder = message.recipient
        uow.commit()  # the renderings are stored before anything leaves
    if mail is None:
        _write_archive(folder, files)
    else:
        sender.send(mail)


def due_messages(uow: UnitOfWork, now: dt.datetime, lease: dt.timedelta = LEASE) -> list[int]:
    """The ids of messages due to be sent, oldest first."""
    with uow:
        stmt = select(OutboxMessage.id).where(_due(now, lease)).order_by(OutboxMessage.id)
        return list(uow.session.scalars(stmt))


def deliver_due(
    make_uow: UowFactory,
    sender: Sender | None = None,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
    wait: dt.timedelta | None = None,
) -> DeliveryResult:
    """Send every due message once; failures wait for their backoff (``wait``, default
    :func:`backoff`, doubled per attempt) and are notified."""
    when, first_wait = now or _now(), wait or backoff()
    chosen = sender or smtp_sender()
    result = DeliveryResult()
    for ident in due_messages(make_uow(), when, lease):
        if not _claim(make_uow(), ident, when, lease):
            continue  # not due yet, or another run has it
        try:
            _deliver_one(make_uow, ident, chosen)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            _record(make_uow(), ident, error, when, first_wait)
            result.failed[ident] = error
            continue
        _record(make_uow(), ident, None, when, first_wait)
        result.sent.append(ident)
    return result
