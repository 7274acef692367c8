"""Customer documents on the command line: ``invoices pdf ID`` (the proforma, PRO
FORMA), ``customer-invoices export ID --format pdf|ubl|cii|facturx`` (the issued
document, as stored) and ``customer-invoices deliver`` (send what the outbox holds)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from billable.cli.shell import console, database, refusals, uow_factory
from billable.documents import customer_invoices, delivery
from billable.documents.store import Rendered
from billable.domain.documents import DocumentFormat

invoices_app = typer.Typer(help="Proforma invoices.", no_args_is_help=True)
customer_app = typer.Typer(help="Issued customer invoices and credit notes.", no_args_is_help=True)

OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="The file to write (default: its name).")
]


def _write(rendered: Rendered, output: Path | None) -> None:
    target = output or Path(rendered.filename)
    target.write_bytes(rendered.content)
    console.print(f"Wrote {target} ({len(rendered.content)} bytes, sha256 {rendered.sha256}).")


@invoices_app.command("pdf")
def proforma_pdf(ident: str, output: OutputOption = None) -> None:
    """Write the PDF of proforma invoice ID, marked PRO FORMA (it needs its proposal)."""
    with refusals(), database() as engine:
        rendered = customer_invoices.proforma_pdf(uow_factory(engine)(), ident)
    _write(rendered, output)


@customer_app.command("export")
def export(
    ident: str,
    document_format: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help="pdf, ubl, cii or facturx.")
    ] = DocumentFormat.PDF,
    output: OutputOption = None,
) -> None:
    """Write an issued invoice's document, byte for byte as stored."""
    with refusals(), database() as engine:
        rendered = customer_invoices.document(uow_factory(engine)(), ident, document_format)
    _write(rendered, output)


@customer_app.command("deliver")
def deliver() -> None:
    """Send every due delivery of the outbox (SMTP from BILLABLE_SMTP_URL)."""
    with refusals(), database() as engine:
        result = delivery.deliver_due(uow_factory(engine))
    console.print(f"{len(result.sent)} sent, {len(result.failed)} failed (retried later).")
    for ident, why in result.failed.items():
        console.print(f"  outbox {ident}: {why}")
