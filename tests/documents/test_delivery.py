"""Delivery (issue 10, item 6): issued documents go out through the outbox to a real
SMTP server on loopback (aiosmtpd), once per document and recipient even when the
delivery runs twice or is killed mid-send; a failing server leaves a retry with
backoff and an error notification, never a lost document, and the background sweep
retries it by itself; ``archive`` writes files."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from billable.documents import delivery
from billable.jobs.dispatch import InProcessDispatcher
from billable.persistence.tables import OutboxMessage
from tests.documents.world import build_documents
from tests.waiting import wait_until

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")


class Inbox:
    """An SMTP handler keeping every accepted message; ``refuse`` answers 451 instead."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False
        self.refuse_next = 0  # how many messages to refuse before accepting again
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 mailbox busy, try again later"
        if self.refuse:
            return "451 4.3.0 mailbox busy, try again later"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    handler = Inbox()
    port = _free_port()
    controller = aiosmtpd.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()  # returns once the server answers
    monkeypatch.setenv("BILLABLE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    yield handler
    controller.stop()


def _wait_for_jobs(dw: Any) -> None:
    """On SQLite the send job runs on this process's job thread: wait until it is done."""
    dispatcher = dw.api.client.app.state.dispatcher()
    if hasattr(dispatcher, "wait_idle"):
        dispatcher.wait_idle()


def _attachments(message: Message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in message.walk()
        if part.get_filename()
    }


def test_sending_emails_the_pdf_and_ubl_once_per_recipient(make_api, uow_factory, inbox):
    dw = build_documents(make_api)
    issued = dw.issue("4")
    for _ in range(2):  # asked twice, and the delivery runs twice more
        accepted = dw.accountant.action(f"/customer-invoices/{issued['id']}/send", expect=202)
        assert accepted["job_id"]
    _wait_for_jobs(dw)
    delivery.deliver_due(uow_factory)
    delivery.deliver_due(uow_factory)
    [message] = inbox.messages
    assert message["To"] == "ap@coho.example"
    assert issued["number"] in message["Subject"]
    files = _attachments(message)
    assert files == {
        f"{issued['number']}.pdf": dw.document(issued, "pdf"),
        f"{issued['number']}.ubl.xml": dw.document(issued, "ubl"),
    }
    [row] = dw.accountant.get("/outbox", customer_invoice_id=issued["id"])["items"]
    assert (row["status"], row["attempts"], row["to"]) == ("sent", 1, "ap@coho.example")


def test_another_recipient_gets_its_own_single_message(make_api, uow_factory, inbox):
    dw = build_documents(make_api)
    issued = dw.issue("4")
    for to in ("ap@coho.example", "cfo@coho.example", "cfo@coho.example"):
        dw.accountant.action(f"/customer-invoices/{issued['id']}/send", {"to": to}, expect=202)
    _wait_for_jobs(dw)
    delivery.deliver_due(uow_factory)
    assert sorted(m["To"] for m in inbox.messages) == ["ap@coho.example", "cfo@coho.example"]


def test_a_failing_server_leaves_a_retry_with_backoff_and_an_error_notification(
    make_api, uow_factory, inbox, monkeypatch
):
    # These tests drive deliveries with their own clock: the app's background sweep, which
    # starts deliveries due by the real clock, must not take part.
    monkeypatch.setattr("billable.jobs.dispatch.deliver_if_due", lambda *args: None)
    dw = build_documents(make_api)
    issued = dw.issue("4")
    with uow_factory() as uow:
        row = uow.session.get(delivery.CustomerInvoice, int(issued["id"]))
        delivery.queue(uow.session, row, delivery.EMAIL, "ap@coho.example")
        uow.commit()
    inbox.refuse = True
    now = dt.datetime(2026, 9, 1, 9, 0)
    failed = delivery.deliver_due(uow_factory, now=now)
    assert len(failed.failed) == 1 and "451" in next(iter(failed.failed.values()))
    [row] = dw.accountant.get("/outbox")["items"]
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "451" in row["last_error"]
    notes = dw.accountant.get("/notifications")["items"]
    assert [n["level"] for n in notes if issued["number"] in n["title"]] == ["error"]
    # Not yet due: the backoff holds it back.
    assert delivery.deliver_due(uow_factory, now=now + dt.timedelta(seconds=30)).sent == []
    inbox.refuse = False
    later = delivery.deliver_due(uow_factory, now=now + dt.timedelta(minutes=2))
    assert len(later.sent) == 1
    assert len(inbox.messages) == 1
    assert dw.accountant.get("/outbox")["items"][0]["status"] == "sent"


def test_a_run_killed_mid_send_is_taken_over_once_without_a_second_message(
    make_api, uow_factory, inbox, monkeypatch
):
    # These tests drive deliveries with their own clock: the app's background sweep, which
    # starts deliveries due by the real clock, must not take part.
    monkeypatch.setattr("billable.jobs.dispatch.deliver_if_due", lambda *args: None)
    dw = build_documents(make_api)
    issued = dw.issue("4")
    with uow_factory() as uow:
        row = uow.session.get(delivery.CustomerInvoice, int(issued["id"]))
        ident = delivery.queue(uow.session, row, delivery.EMAIL, "ap@coho.example")
        uow.commit()
    now = dt.datetime(2026, 9, 1, 9, 0)

    class Killed(BaseException):
        """The process dies while the message is on its way."""

    class DyingSender:
        def send(self, message: Any) -> None:
            raise Killed

    with pytest.raises(Killed):
        delivery.deliver_due(uow_factory, sender=DyingSender(), now=now)
    # Another run while the claim holds sends nothing.
    assert delivery.deliver_due(uow_factory, now=now + dt.timedelta(minutes=1)).sent == []
    after_lease = now + delivery.LEASE + dt.timedelta(seconds=1)
    assert delivery.deliver_due(uow_factory, now=after_lease).sent == [ident]
    assert delivery.deliver_due(uow_factory, now=after_lease).sent == []
    assert len(inbox.messages) == 1


def test_print_management_email_sends_the_invoice_when_it_is_issued(make_api, uow_factory, inbox):
    dw = build_documents(make_api)
    body = {"level": "customer", "target_id": dw.pw.world.customer["id"], "destination": "email"}
    dw.accountant.request("PUT", "/print-management", 200, json=body)
    issued = dw.issue("4")
    _wait_for_jobs(dw)
    delivery.deliver_due(uow_factory)  # PostgreSQL: the worker's job; run here instead
    [message] = inbox.messages
    assert message["To"] == "ap@coho.example"
    assert issued["number"] in message["Subject"]


def test_the_archive_destination_writes_the_files_to_the_folder(
    make_api, uow_factory, monkeypatch, tmp_path
):
    folder = tmp_path / "archive"
    monkeypatch.setenv("BILLABLE_ARCHIVE_DIR", str(folder))
    dw = build_documents(make_api)
    body = {"level": "module", "destination": "archive"}
    dw.accountant.request("PUT", "/print-management", 200, json=body)
    issued = dw.issue("4")  # posting starts the delivery job
    _wait_for_jobs(dw)
    delivery.deliver_due(uow_factory)  # PostgreSQL: the worker's job; run here instead
    [row] = dw.accountant.get("/outbox")["items"]
    assert (row["destination"], row["status"], row["attempts"]) == ("archive", "sent", 1)
    assert (folder / f"{issued['number']}.pdf").read_bytes() == dw.document(issued, "pdf")
    assert (folder / f"{issued['number']}.ubl.xml").read_bytes() == dw.document(issued, "ubl")


def test_sending_without_a_billing_email_or_recipient_is_refused(make_api):
    dw = build_documents(make_api)
    dw.api.patch(f"/customers/{dw.pw.world.customer['id']}", {"billing_email": None})
    issued = dw.issue("4")
    problem = dw.accountant.action(f"/customer-invoices/{issued['id']}/send", {}, expect=422)
    assert problem["errors"][0]["field"] == "to"
    assert dw.accountant.get("/outbox")["items"] == []


@contextlib.contextmanager
def _background(engine: Any, uow_factory: Any, tmp_path: Path) -> Iterator[None]:
    """What sweeps in production, sweeping often: on SQLite the in-process dispatcher,
    on PostgreSQL ``billable worker`` (it sweeps every ``--stalled-after`` / 2 s)."""
    if engine.dialect.name != "postgresql":
        dispatcher = InProcessDispatcher(uow_factory, sweep_seconds=0.05)
        dispatcher.start_up()
        try:
            yield
        finally:
            dispatcher.shut_down()
        return
    with engine.begin() as conn:  # a clean queue: no job left deferred by an earlier test
        conn.execute(
            text(
                "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers, "
                "procrastinate_periodic_defers RESTART IDENTITY CASCADE"
            )
        )
    url = engine.url.render_as_string(hide_password=False)
    binary = str(Path(sys.executable).with_name("billable"))
    env = {**os.environ, "BILLABLE_DATABASE_URL": url}
    with (tmp_path / "worker.log").open("ab") as out:
        proc = subprocess.Popen(
            [binary, "worker", "--stalled-after", "2"], env=env, stdout=out, stderr=out
        )
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _sent(uow_factory: Any, ident: int) -> tuple[int, str | None] | None:
    """A sent message's attempts and last error; None while it is not sent."""
    with uow_factory() as uow:
        row = uow.session.get(OutboxMessage, ident)
        assert row is not None
        return (row.attempts, row.last_error) if row.status == delivery.SENT else None


def test_a_failed_delivery_is_retried_and_sent_by_the_background_sweep_by_itself(
    make_api, uow_factory, engine, inbox, monkeypatch, tmp_path
):
    monkeypatch.setenv("BILLABLE_DELIVERY_BACKOFF_SECONDS", "0.5")
    dw = build_documents(make_api)
    issued = dw.issue("4")
    inbox.refuse_next = 1  # the first attempt is refused, the retry accepted
    with uow_factory() as uow:
        row = uow.session.get(delivery.CustomerInvoice, int(issued["id"]))
        ident = delivery.queue(uow.session, row, delivery.EMAIL, "ap@coho.example")
        uow.commit()
    with uow_factory() as uow:
        assert delivery.due_count(uow.session) == 1
    with _background(engine, uow_factory, tmp_path):
        attempts, last_error = wait_until(
            lambda: _sent(uow_factory, ident),
            f"outbox message {ident} to be sent by the background sweep",
        )
    assert attempts == 2  # refused once, retried after the backoff without a request
    assert last_error is None
    [message] = inbox.messages
    assert issued["number"] in message["Subject"]
    with uow_factory() as uow:
        assert delivery.due_count(uow.session) == 0
    notes = dw.accountant.get("/notifications")["items"]
    assert [n["level"] for n in notes if issued["number"] in n["title"]] == ["error"]
