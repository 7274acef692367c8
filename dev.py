#!/usr/bin/env python3
"""Billable's commands, with nothing but Python 3.11+ installed.

    python3 dev.py demo         # a virtualenv in .venv, Billable installed, the demo served
    python3 dev.py test         # the same with test tools, then ruff, mypy and pytest
    python3 dev.py bench-smoke  # every script in benchmarks/ once, at its small size

Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str | Path) -> None:
    """Run a command in the repository, stopping on failure."""
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_venv(extras: str) -> None:
    """Create .venv once and install Billable (editable) with ``extras``."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on any python3
        sys.exit(f"Billable needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".{extras}" if extras else "."
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--editable", target)


def demo(args: list[str]) -> None:
    """Install and serve the demo on the embedded SQLite default."""
    ensure_venv("")
    run(BIN / "billable", "demo", *args)


def test(args: list[str]) -> None:
    """Install the test tools and run every check CI runs."""
    ensure_venv("[test]")
    run(BIN / "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py")
    run(BIN / "mypy")
    run(BIN / "python", "-m", "pytest", *args)


def smoke_args(path: Path) -> list[str] | None:
    """The ``SMOKE_ARGS`` a benchmark declares (a module-level tuple or list of strings),
    read from its source without importing it; None when it declares none."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "SMOKE_ARGS" for t in targets):
            assert node.value is not None
            return [str(arg) for arg in ast.literal_eval(node.value)]
    return None


def benchmarks() -> list[Path]:
    """Every benchmark script: ``benchmarks/*.py`` but helpers (``_name.py``)."""
    return sorted(p for p in (ROOT / "benchmarks").glob("*.py") if not p.name.startswith("_"))


def bench_smoke(args: list[str]) -> None:
    """Run every benchmark once at the small size it declares, so that a benchmark the
    code has outgrown turns CI red instead of waiting for the next measurement."""
    ensure_venv("[test]")
    failed: list[str] = []
    for path in benchmarks():
        declared = smoke_args(path)
        name = path.relative_to(ROOT)
        if declared is None:
            print(f"{name} declares no SMOKE_ARGS (its arguments for a small run)", flush=True)
            failed.append(str(name))
            continue
        command = [str(BIN / "python"), str(path), *declared, *args]
        print("+", " ".join([str(name), *declared, *args]), flush=True)
        # Generous: a shared, loaded machine may be slow; a hang must still end.
        try:
            completed = subprocess.run(command, cwd=ROOT, timeout=900)
        except subprocess.TimeoutExpired:
            print(f"{name} did not finish in 900 s", flush=True)
            failed.append(str(name))
            continue
        if completed.returncode != 0:
            failed.append(str(name))
    if failed:
        sys.exit(f"benchmark smoke runs failed: {', '.join(failed)}")
    print(f"{len(benchmarks())} benchmarks ran at their smoke size.")


COMMANDS = {"demo": demo, "test": test, "bench-smoke": bench_smoke}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [args...]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
