"""Run every example script of the gallery (``examples/plot_*.py``).

Each script runs in its own interpreter, as sphinx-gallery and a user would
run it, with the non-interactive Agg backend so that ``plt.show()`` returns
at once. New examples are picked up automatically.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_runs(script, tmp_path):
    pytest.importorskip(
        "matplotlib",
        reason="the examples need matplotlib (pip install skhopfield[examples])",
    )
    env = dict(os.environ, MPLBACKEND="Agg")
    # Run from an empty folder, so that a script cannot depend on (or litter)
    # the working directory.
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"{script.name} exited with code {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


def test_examples_found():
    assert EXAMPLES, f"no plot_*.py script found in {EXAMPLES_DIR}"
