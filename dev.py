#!/usr/bin/env python3
"""Billable's commands, with nothing but Python 3.11+ installed.

    python3 dev.py demo         # a virtualenv in .venv, Billable installed, the demo served
    python3 dev.py test         # the same with test tools, then ruff, mypy and pytest
    python3 dev.py mutate       # mutation testing of the domain; fails below 95 % killed
    python3 dev.py bench-smoke  # every script in benchmarks/ once, at its small size
    python3 dev.py fuzz         # schemathesis over every operation of a served demo

Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
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


#: Where mutmut writes the mutated copy and its results ([tool.mutmut] in pyproject.toml).
MUTANTS = ROOT / "mutants"
#: The lowest share of killed mutants CI accepts, in percent (docs/testing.md).
MUTATION_FLOOR = 95
#: mutmut's exit codes that mean a test caught the mutant: a test failed (1), pytest
#: itself failed (3), or the mutant ran past its time limit (36 and the CPU-limit signals).
CAUGHT = {1, 3, 24, -24, 36, 152, 255}
#: How the other exit codes read in the report; any code not listed is "suspicious".
STATUS = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", None: "not checked"}


def mutation_results() -> dict[str, tuple[Path, int | None]]:
    """Every mutant's name with its results file and mutmut's exit code for it."""
    results: dict[str, tuple[Path, int | None]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        results.update({name: (meta, code) for name, code in codes.items()})
    return results


def _function_source(
    mutated: Path, spans: dict[str, list[int]], name: str, shown: str
) -> list[str]:
    """The lines of generated function ``name`` in ``mutated``, with its name shown as ``shown``."""
    start, end = spans[name]
    lines = mutated.read_text(encoding="utf-8").splitlines()[start - 1 : end]
    return [line.replace(f"def {name}(", f"def {shown}(", 1) for line in lines]


def mutant_diff(name: str, meta: Path) -> str:
    """The mutant as a unified diff of its function against the original, read from the
    line index mutmut writes beside each mutated file (no mutmut process per mutant)."""
    mutated = meta.with_suffix("")  # mutants/src/.../module.py
    spans = json.loads(meta.with_suffix(".spans").read_text(encoding="utf-8"))["spans"]
    generated = name.rpartition(".")[2]  # x_function__mutmut_7 or xǁClassǁmethod__mutmut_7
    mangled = generated[: generated.rindex("__mutmut_")]
    shown = mangled.split("ǁ")[-1] if "ǁ" in mangled else mangled.removeprefix("x_")
    original = _function_source(mutated, spans, f"{mangled}__mutmut_orig", shown)
    mutant = _function_source(mutated, spans, generated, shown)
    source = str(mutated.relative_to(MUTANTS))
    return "\n".join(difflib.unified_diff(original, mutant, source, source, lineterm=""))


def mutate(args: list[str]) -> None:
    """Mutation-test the domain package with the domain tests, print the score and every
    mutant that was not caught, and fail below :data:`MUTATION_FLOOR`."""
    if args:  # a partial run would leave the rest unchecked: use mutmut itself for that
        sys.exit("usage: python3 dev.py mutate (no arguments; see docs/testing.md)")
    ensure_venv("[test]")
    shutil.rmtree(MUTANTS, ignore_errors=True)  # a fresh run: no verdict carried over
    children = str(os.cpu_count() or 2)
    print("+ mutmut run --max-children", children, flush=True)
    started = time.monotonic()
    completed = subprocess.run(
        [str(BIN / "mutmut"), "run", "--max-children", children],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:  # its progress lines only matter when it fails
        print(completed.stdout, completed.stderr, sep="\n")
        sys.exit(completed.returncode)
    for line in completed.stdout.replace("\r", "\n").splitlines():
        if "done in" in line or "mutations/second" in line:
            print(line.strip())
    print(f"mutation run took {time.monotonic() - started:.0f} s on {children} workers")
    results = mutation_results()
    missed = {name: found for name, found in results.items() if found[1] not in CAUGHT}
    for name, (meta, code) in sorted(missed.items()):
        print(f"\n# {name}: {STATUS.get(code, 'suspicious')}")
        print(mutant_diff(name, meta))
    killed, total = len(results) - len(missed), len(results)
    score = 100 * killed / total if total else 0.0
    print(f"\nmutation score: {score:.1f}% (killed {killed} of {total})")
    if not total or killed * 100 < MUTATION_FLOOR * total:
        sys.exit(f"mutation score below {MUTATION_FLOOR}%: see the mutants above")


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


def fuzz(args: list[str]) -> None:
    """Schemathesis over every operation of ``billable serve`` on a fresh demo database;
    fails on any failure it reports (docs/testing.md)."""
    ensure_venv("[test]")
    run(BIN / "python", ROOT / "tests" / "fuzz.py", *args)


COMMANDS = {
    "demo": demo,
    "test": test,
    "mutate": mutate,
    "bench-smoke": bench_smoke,
    "fuzz": fuzz,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [args...]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
