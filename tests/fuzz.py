"""Schemathesis over every operation of a served Billable (``python3 dev.py fuzz``).

Starts ``billable serve`` on a fresh SQLite database holding the demo data set,
waits until it is ready, and runs ``schemathesis run`` against its served OpenAPI
document as the admin: every operation, bounded examples, a derandomized generation, with the
server-error, status-code, content-type and response-schema checks. A second pass
runs the stateful phase (chains of calls along the links schemathesis finds or
infers). Exits non-zero when either pass reports a failure (docs/testing.md).

    .venv/bin/python tests/fuzz.py [--max-examples N] [--seed S] [--demo-copy FILE]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.served import BIN, prepare_demo, serving

CHECKS = (
    "not_a_server_error,status_code_conformance,"
    "content_type_conformance,response_schema_conformance"
)
#: The operations of the stateful pass: chains along the links schemathesis infers
#: (a created invoice's id into its lines, confirm, correct...).
LIFECYCLE = r"^/api/v1/(contracts|contract-lines|invoices|invoice-lines|invoice-line-details)"
#: A summary line of schemathesis 4: "=== 1234 passed, 3 failed in 81.2s ===" and kin.
SUMMARY = re.compile(r"^=+ .* in [\d.]+s =+$")


def schemathesis(
    base: str, schema: Path, token: str, phases: str, examples: int, args: argparse.Namespace
) -> int:
    """One schemathesis run over every operation; its exit code. Prints its output and
    then its summary line again, so a CI log shows it at the end."""
    command = [
        str(BIN / "schemathesis"),
        "run",
        str(schema),
        "--url",
        base,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        phases,
        "--max-examples",
        str(examples),
        "--generation-deterministic",
        "--workers",
        str(args.workers),
        "--request-timeout",
        "60",
        "--no-color",
        "--output-sanitize",
        "true",
    ]
    if phases == "stateful":  # the invoice lifecycle: contracts, invoices, lines, details
        command += ["--include-path-regex", LIFECYCLE]
    print("+ schemathesis run", base, "--phases", phases, flush=True)
    # In its own folder: schemathesis keeps a cache in the working directory.
    completed = subprocess.run(command, capture_output=True, text=True, cwd=schema.parent)
    print(completed.stdout, completed.stderr, sep="\n", flush=True)
    summary = [line for line in completed.stdout.splitlines() if SUMMARY.match(line.strip())]
    print(f"schemathesis ({phases}): {summary[-1].strip('= ') if summary else 'no summary line'}")
    return completed.returncode


def main() -> None:
    """Prepare the database, serve it and run both passes; exit non-zero on a failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=5, help="per operation")
    parser.add_argument(
        "--phases",
        default="examples,fuzzing",
        help="of the first pass; add 'coverage' for the slow boundary-value pass (docs/testing.md)",
    )
    parser.add_argument(
        "--stateful-examples", type=int, default=20, help="scenarios of the stateful pass"
    )
    parser.add_argument("--workers", type=int, default=2, help="schemathesis's own workers")
    parser.add_argument(
        "--demo-copy",
        type=Path,
        help="start from a copy of this demo database (made there first when missing)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="billable-fuzz-") as folder:
        database = Path(folder) / "fuzz.db"
        url = f"sqlite:///{database}"
        tokens_file = args.demo_copy.with_suffix(".tokens") if args.demo_copy else None
        if args.demo_copy and args.demo_copy.exists() and tokens_file and tokens_file.exists():
            shutil.copyfile(args.demo_copy, database)
            token = tokens_file.read_text().strip()
        else:
            print("loading the demo data set...", flush=True)
            token = prepare_demo(url)["admin"]
            if args.demo_copy and tokens_file:
                shutil.copyfile(database, args.demo_copy)
                tokens_file.write_text(token)
        failed = 0
        with serving(url, log=Path(folder) / "server.log") as server:
            # The served document, read once: it is what schemathesis judges against.
            schema = Path(folder) / "openapi.json"
            with urllib.request.urlopen(f"{server.base}/openapi.json", timeout=120) as answer:
                schema.write_bytes(answer.read())
            for phases, examples in (
                (args.phases, args.max_examples),
                ("stateful", args.stateful_examples),
            ):
                failed |= schemathesis(server.base, schema, token, phases, examples, args) != 0
        if failed:
            print((Path(folder) / "server.log").read_text()[-20000:])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
