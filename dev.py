#!/usr/bin/env python3
"""Billable's two commands, with nothing but Python 3.11+ installed.

    python3 dev.py demo   # a virtualenv in .venv, Billable installed, the demo served
    python3 dev.py test   # the same with test tools, then ruff, mypy and pytest

Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

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


COMMANDS = {"demo": demo, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [args...]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
