"""The browser code's shared library (``static/js/lib/``), tested in Node.

``tests/js/*.test.mjs`` use Node's own runner (``node:test``) with a fake localStorage, fetch
and timers; this test runs them so ``make test`` does too. ``node --test tests/js/`` runs them
alone. The pages that use the library are checked in Chromium by ``tests/e2e/``.
"""
import shutil
import subprocess

import pytest

from app.config import ROOT


def test_js_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (it also fetches Pyodide): install nodejs")
    result = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"node --test tests/js/ failed:\n{result.stdout}\n{result.stderr}"
    assert "# fail 0" in result.stdout
