"""Customer documents on the command line (issue 10, item 7): ``billable invoices pdf``
and ``billable customer-invoices export --format``, byte for byte what the API serves."""

from __future__ import annotations

from typer.testing import CliRunner

from billable.cli.main import app
from tests.documents.world import build_documents

runner = CliRunner()


def test_exports_write_the_stored_documents_and_the_proforma_pdf(make_api, engine, tmp_path):
    dw = build_documents(make_api)
    invoice = dw.pw.confirmed_invoice("4")
    issued = dw.post(invoice)
    env = {"BILLABLE_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    for fmt in ("ubl", "cii", "pdf", "facturx"):
        target = tmp_path / f"out.{fmt}"
        args = ["customer-invoices", "export", issued["id"], "--format", fmt, "-o", str(target)]
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert target.read_bytes() == dw.document(issued, fmt), fmt
    proforma = tmp_path / "proforma.pdf"
    result = runner.invoke(app, ["invoices", "pdf", invoice["id"], "-o", str(proforma)], env=env)
    assert result.exit_code == 0, result.output
    assert proforma.read_bytes()[:5] == b"%PDF-"


def test_exporting_an_invalid_e_invoice_is_refused_naming_the_field(make_api, engine, tmp_path):
    dw = build_documents(make_api)
    dw.accountant.patch(f"/legal-entities/{dw.entity['id']}", {"vat_id": None})
    issued = dw.issue("4")
    env = {"BILLABLE_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    args = [
        "customer-invoices",
        "export",
        issued["id"],
        "--format",
        "ubl",
        "-o",
        str(tmp_path / "x"),
    ]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2
    assert "seller.vat_id" in result.output
    assert not (tmp_path / "x").exists()
