"""The Makefile's promises, read with `make -n` (nothing is run or installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str) -> str:
    # -B: as on a fresh clone (every stamp out of date); VENV points at a folder that does not exist.
    proc = subprocess.run(["make", "-n", "-B", target, "VENV=/nonexistent-venv"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_demo_installs_only_the_runtime() -> None:
    """`make demo` installed the test extras: a 957 MB venv for a 10-second demo."""
    out = dry_run("demo")
    assert "pip install -e ." in out and "[test]" not in out
    assert "finetune demo" in out


def test_test_adds_the_test_extras() -> None:
    assert "pip install -e '.[test]'" in dry_run("test")


def test_screenshots_refresh_the_readme_pictures() -> None:
    out = dry_run("screenshots")
    assert "FINETUNE_SCREENSHOTS=docs/screenshots" in out and "tests/review/test_review_browser.py" in out
