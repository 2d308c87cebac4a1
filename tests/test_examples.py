"""Run every example script of the gallery (``examples/plot_*.py``).

Each script runs in its own interpreter, as sphinx-gallery and a user would
run it, with the non-interactive Agg backend so that ``plt.show()`` returns
at once. New examples are picked up automatically. Without a display the
scripts write their figures as PNG files (``examples/_figures.py``): into the
current folder, or the one named by ``SKHOPFIELD_FIGURES``.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: an example whose source contains one of these needs PyTorch
TORCH_MARKERS = ("import torch", "from torch", "skhopfield.nn", "DeepHNNClassifier")


def needs_torch(script):
    source = Path(script).read_text(encoding="utf-8")
    return any(marker in source for marker in TORCH_MARKERS)


def run_script(script, cwd, **env_vars):
    """Run ``script`` with the Agg backend from ``cwd``; return the result."""
    pytest.importorskip(
        "matplotlib",
        reason="the examples need matplotlib (pip install skhopfield[examples])",
    )
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SKHOPFIELD_FIGURES", None)
    env.update(env_vars)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"{script.name} exited with code {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def saved_paths(stdout):
    """The paths announced by ``saved figure: <path>`` lines, in order."""
    prefix = "saved figure: "
    return [
        Path(line.removeprefix(prefix))
        for line in stdout.splitlines()
        if line.startswith(prefix)
    ]


def expected_names(stem, n_figures):
    return [f"{stem}.png"] + [f"{stem}_{k}.png" for k in range(2, n_figures + 1)]


@pytest.mark.parametrize("script", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_runs(script, tmp_path):
    if needs_torch(script):
        pytest.importorskip(
            "torch",
            reason=f"{script.name} needs PyTorch (pip install skhopfield[torch])",
        )
    # Run from an empty folder, so that a script cannot depend on the working
    # directory; the only files it leaves there are its figures.
    result = run_script(script, tmp_path)
    paths = saved_paths(result.stdout)
    assert paths, f"{script.name} announced no saved figure:\n{result.stdout}"
    assert all(path.is_absolute() for path in paths), paths
    assert [path.parent for path in paths] == [tmp_path.resolve()] * len(paths)
    assert [path.name for path in paths] == expected_names(script.stem, len(paths))
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        path.name for path in paths
    )
    for path in paths:
        content = path.read_bytes()
        assert content.startswith(PNG_SIGNATURE) and len(content) > 1000, path


def test_examples_found():
    assert EXAMPLES, f"no plot_*.py script found in {EXAMPLES_DIR}"


TINY_EXAMPLE = f"""
import sys

sys.path.insert(0, {str(EXAMPLES_DIR)!r})
if "--sphinx-gallery" in sys.argv:
    sys.modules["sphinx_gallery"] = type(sys)("sphinx_gallery")

import matplotlib.pyplot as plt
from _figures import save_figures

for k in range(3):
    plt.figure().gca().plot([0, k])
save_figures()
# the figures stay open for plt.show() and sphinx-gallery's scraper
print("open figures:", len(plt.get_fignums()))
"""


@pytest.fixture
def tiny_example(tmp_path):
    script = tmp_path / "plot_tiny.py"
    script.write_text(textwrap.dedent(TINY_EXAMPLE))
    return script


def test_figures_folder_from_environment(tiny_example, tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    # a relative folder is taken from the working folder, and created
    result = run_script(tiny_example, run_dir, SKHOPFIELD_FIGURES="out/figures")
    folder = (run_dir / "out" / "figures").resolve()
    assert saved_paths(result.stdout) == [
        folder / name for name in expected_names("plot_tiny", 3)
    ]
    assert sorted(path.name for path in folder.iterdir()) == expected_names(
        "plot_tiny", 3
    )
    assert "open figures: 3" in result.stdout


def test_no_figure_files_under_sphinx_gallery(tiny_example, tmp_path):
    pytest.importorskip("matplotlib")
    result = subprocess.run(
        [sys.executable, str(tiny_example), "--sphinx-gallery"],
        cwd=tmp_path,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert saved_paths(result.stdout) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plot_tiny.py"]
    assert "open figures: 3" in result.stdout
