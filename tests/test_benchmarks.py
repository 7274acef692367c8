"""Benchmarks cannot rot: each declares the arguments of a small run, and CI
(``python3 dev.py bench-smoke``, called by ``.ci/run``) runs every one of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = _dev()


def test_the_smoke_run_finds_every_benchmark_script_and_skips_helpers() -> None:
    names = [path.name for path in dev.benchmarks()]
    assert "invoice_run.py" in names
    assert not [name for name in names if name.startswith("_")]


@pytest.mark.parametrize("path", dev.benchmarks(), ids=lambda p: p.name)
def test_every_benchmark_declares_the_arguments_of_its_smoke_run(path: Path) -> None:
    declared = dev.smoke_args(path)
    assert declared is not None, f"{path.name} needs SMOKE_ARGS, the arguments of a small run"
    assert all(isinstance(arg, str) for arg in declared)
    assert "--record" not in declared, "a smoke run must not rewrite docs/performance.md"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('SMOKE_ARGS = ("--contracts", "3")\n', ["--contracts", "3"]),
        ('SMOKE_ARGS: list[str] = ["--smoke"]\n', ["--smoke"]),
        ("SMOKE_ARGS = ()\n", []),
        ('def main():\n    SMOKE_ARGS = ["--x"]\n', None),
        ("SIZE = 3\n", None),
    ],
)
def test_smoke_arguments_are_read_from_a_module_constant_without_importing_it(
    tmp_path: Path, source: str, expected: list[str] | None
) -> None:
    path = tmp_path / "bench.py"
    path.write_text("import not_installed_anywhere\n" + source)
    assert dev.smoke_args(path) == expected


def test_ci_runs_the_benchmark_smoke_after_the_tests() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert script.index("dev.py test") < script.index("dev.py bench-smoke")
