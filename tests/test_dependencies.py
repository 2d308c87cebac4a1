"""Runtime dependencies: what ``import skhopfield`` and a fit load."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import skhopfield

CODE = """
import sys
import numpy as np
import skhopfield
X = np.random.RandomState(0).choice([-1.0, 1.0], size=(30, 8))
skhopfield.GaussianRBM(n_components=2, n_iter=1).fit(X).score(X)
skhopfield.HopfieldPoEClassifier(n_components=1).fit(X, np.arange(30) % 2)
print(sorted(m for m in ("torch", "dask", "distributed", "skops")
             if m in sys.modules))
"""


def test_import_and_fit_load_no_optional_dependency():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_no_module_imports_pandas():
    # (scikit-learn imports pandas itself when it is installed, so this reads
    # the sources instead of sys.modules)
    package = Path(skhopfield.__file__).resolve().parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "pandas" for n in names), path


def test_pandas_is_not_a_runtime_dependency():
    # no module imports pandas (datasets.load_mnist only uses it through
    # scikit-learn's OpenML parser when it is installed): it belongs to the
    # test extra, not to the runtime dependencies
    tomllib = pytest.importorskip("tomllib")
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.exists():
        pytest.skip("not run from a source checkout")
    project = tomllib.loads(pyproject.read_text())["project"]
    runtime = [d.split(">")[0].split("=")[0].strip() for d in project["dependencies"]]
    assert "pandas" not in runtime
    assert any(d.startswith("pandas") for d in project["optional-dependencies"]["test"])
    assert "threadpoolctl" in runtime
    dask = project["optional-dependencies"]["dask"]
    assert any(d.startswith("dask[distributed]") for d in dask)
    assert any(d.startswith("dask-ml") for d in dask)
