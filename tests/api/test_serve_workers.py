"""``billable serve --workers N`` on SQLite: several processes answer on one port and
write one database file, in line, without refusing a write for a busy database."""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
from pathlib import Path
from typing import Any

from benchmarks._runs import process_stats

from tests.served import prepare_demo, serving

CLIENTS = 6
ENTRIES_EACH = 5


def _call(conn: http.client.HTTPConnection, token: str, method: str, path: str, body: Any = None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, "/api/v1" + path, json.dumps(body) if body is not None else None, headers)
    answer = conn.getresponse()
    return answer.status, json.loads(answer.read() or b"null")


def test_two_server_processes_on_one_sqlite_file_write_every_entry_of_parallel_clients() -> None:
    with tempfile.TemporaryDirectory(prefix="billable-workers-") as folder:
        url = f"sqlite:///{Path(folder) / 'served.db'}"
        token = prepare_demo(url)["admin"]
        with serving(url, workers=2, log=Path(folder) / "server.log") as server:
            host, port = server.base.removeprefix("http://").split(":")
            probe = http.client.HTTPConnection(host, int(port), timeout=120)
            status, sample = _call(probe, token, "GET", "/time-entries?limit=1")
            assert status == 200
            keys = ("resource_id", "project_id", "task_id", "role_id", "category_id", "date")
            entry = {k: sample["items"][0][k] for k in keys if sample["items"][0].get(k)}
            answers: list[tuple[int, Any]] = []

            def client() -> None:
                conn = http.client.HTTPConnection(host, int(port), timeout=120)
                for _ in range(ENTRIES_EACH):
                    # 0.25 h each: 30 entries stay within the day's 24 hours.
                    answers.append(
                        _call(conn, token, "POST", "/time-entries", {**entry, "quantity": "0.25"})
                    )
                conn.close()

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            made = [body["id"] for status, body in answers if status == 201]
            assert [s for s, _ in answers] == [201] * (CLIENTS * ENTRIES_EACH), answers[:3]
            assert len(set(made)) == CLIENTS * ENTRIES_EACH
            for ident in made:
                assert _call(probe, token, "GET", f"/time-entries/{ident}")[0] == 200
            probe.close()
            workers = [i for i, fields in process_stats() if fields[1] == str(server.process.pid)]
            assert len(workers) >= 2  # the two worker processes
            assert (Path(folder) / "served.db-writer").exists()  # they wrote in line
