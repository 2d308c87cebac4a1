"""Sphinx configuration of the skhopfield documentation.

Build it with ``sphinx-build -W -b html docs docs/_build/html`` after
``pip install -e ".[docs]"``. The build needs no network: there is no
intersphinx, and MathJax is served from the built site itself
(``sphinx-mathjax-offline``, a pip package), so the equations render in a
browser without a connection. Every script of ``examples/`` is run to make the
gallery; ``-D plot_gallery=0`` skips running them.
"""

import os
import re
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# build from the checkout even when skhopfield is not installed in editable mode
sys.path.insert(0, str(ROOT))

import skhopfield  # noqa: E402

# -- project -------------------------------------------------------------------
project = "skhopfield"
author = "the skhopfield developers"
copyright = "the skhopfield developers"
release = skhopfield.__version__
version = ".".join(release.split(".")[:2])

# -- extensions ----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # MathJax 3 copied into _build/html/_static/mathjax (no CDN)
    "sphinx-mathjax-offline",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"
# no intersphinx: the build must work offline, and references to NumPy,
# SciPy or scikit-learn objects are rendered as plain text

# -- autodoc / autosummary / numpydoc -----------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
# The estimators' pages list their own methods and those of the skhopfield
# classes they inherit from (BaseRBM, GaussianRBM, SpinRBM); the methods that
# come from scikit-learn's base classes (get_params, fit_transform, ...) are
# documented by scikit-learn.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

# -- sphinx-gallery -------------------------------------------------------------
# The examples draw off-screen; sphinx-gallery collects their figures (their
# helper examples/_figures.py writes no PNG files under sphinx-gallery).
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg, which is a non-GUI backend",
)

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"[/\\]plot_",
    # examples/_figures.py is a helper of the scripts, not an example: skip
    # every file whose own name starts with "_" (not its folders')
    "ignore_pattern": r"(^|[/\\])_[^/\\]*$",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skhopfield",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skhopfield": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "show_memory": False,
    # no sg_execution_times pages: they load their table scripts from a CDN
    "write_computation_times": False,
    "thumbnail_size": (320, 224),
    # an example that raises fails the build
    "abort_on_example_error": True,
}

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skhopfield {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# pages without sub-pages need no section navigation
html_sidebars = {
    page: [] for page in ("index", "install", "quickstart", "api", "references")
}
html_context = {"default_mode": "light"}
# the theme's version switcher and announcement banner, which fetch files from
# the web, are not used


# -- hooks ---------------------------------------------------------------------
_METADATA_ROUTING = re.compile(r"^(set_\w+_request|get_metadata_routing)$")


def _skip_metadata_routing(app, what, name, obj, skip, options):
    """Leave out scikit-learn's metadata-routing methods.

    scikit-learn adds ``set_fit_request``, ``set_score_request``... to every
    estimator class whose methods take extra arguments; they are documented
    by scikit-learn, and their docstrings refer to its own glossary.
    """
    if what == "class" and _METADATA_ROUTING.match(name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_routing)
