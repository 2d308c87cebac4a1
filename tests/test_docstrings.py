"""numpydoc validation of every public docstring, and no citation of a file
that is not in the repository.

Every public class, its public methods, and every public function of the
public modules (their ``__all__``) are validated with
:func:`numpydoc.validate.validate`. The checks left out are the ones
scikit-learn leaves out too: a "See Also" or "Examples" section and an
extended summary are not required of every method (GL01, SA01, EX01,
ES01), and ``self : object`` is an accepted Returns line (RT02).
"""

import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

numpydoc_validate = pytest.importorskip(
    "numpydoc.validate", reason="numpydoc checks the docstrings (pip install numpydoc)"
)

PUBLIC_MODULES = [
    "skhopfield",
    "skhopfield.hopfield",
    "skhopfield.mapping",
    "skhopfield.datasets",
    "skhopfield.metrics",
    "skhopfield.energy.layers",
    "skhopfield.energy.rbm",
    "skhopfield.energy.ising",
    "skhopfield.energy.dense",
    "skhopfield.energy.modern",
]
#: skhopfield.nn imports torch: validated where torch is installed
if importlib.util.find_spec("torch") is not None:
    PUBLIC_MODULES.append("skhopfield.nn")
IGNORED = {"GL01", "SA01", "EX01", "ES01", "RT02"}
ROOT = Path(__file__).resolve().parents[1]
#: what a user reads: the package, the gallery's scripts and the docs' pages
USER_FACING = [ROOT / "skhopfield", ROOT / "examples", ROOT / "docs"]


def _defined_here(cls, name):
    """True if ``name`` is defined by a class of skhopfield in ``cls``'s MRO
    (methods inherited from scikit-learn are scikit-learn's to document)."""
    return any(
        name in vars(klass)
        for klass in cls.__mro__
        if klass.__module__.split(".")[0] == "skhopfield"
    )


def _public_objects():
    seen = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if name.startswith("_") or not (inspect.isclass(obj) or callable(obj)):
                continue
            path = f"{module_name}.{name}"
            seen.setdefault(id(obj), path)
            if inspect.isclass(obj):
                for attr in dir(obj):
                    if attr.startswith("_") or not _defined_here(obj, attr):
                        continue
                    member = getattr(obj, attr)
                    if callable(member) or isinstance(
                        inspect.getattr_static(obj, attr), property
                    ):
                        seen.setdefault((id(obj), attr), f"{path}.{attr}")
    return sorted(seen.values())


PUBLIC_OBJECTS = _public_objects()


def test_public_objects_found():
    assert len(PUBLIC_OBJECTS) > 100


@pytest.mark.parametrize("import_path", PUBLIC_OBJECTS)
def test_numpydoc_validation(import_path):
    result = numpydoc_validate.validate(import_path)
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in IGNORED
    ]
    assert not errors, f"{import_path}:\n" + "\n".join(errors)


def test_no_citation_of_files_outside_the_repository():
    """The package, the examples and the docs cite papers (authors, title,
    year), never the source documents' file names or notes that live outside
    the repository."""
    pattern = re.compile(
        r"[0-9]{3}_[0-9a-f]{16}\.txt|DESIGN\.md|seeds/|\bseeds? `*00[0-9]",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in USER_FACING
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".py", ".rst", ".txt")
        and not {"_build", "auto_examples", "generated"} & set(path.parts)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)
