"""
Save the figures of an example script as PNG files
==================================================

Not an example: a helper that every ``plot_*.py`` script calls at its end,
just before ``plt.show()``. Without a display, matplotlib falls back to its
Agg backend and ``plt.show()`` returns without showing anything, so the
figures are also written as files:

- into the folder named by the environment variable ``SKHOPFIELD_FIGURES``
  (created if needed), or else into the current working folder;
- as ``<script>.png``, ``<script>_2.png``, ... for the script's first,
  second, ... figure (in the order they were opened);
- each one announced on the standard output as
  ``saved figure: /absolute/path/<script>.png``.

Under sphinx-gallery, which captures the open figures itself and runs the
scripts from inside the docs' source tree, nothing is written.
"""

import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt

FOLDER_VARIABLE = "SKHOPFIELD_FIGURES"


def save_figures():
    """Write every open figure as ``<script>[_n].png``; return their paths.

    The figures stay open, so ``plt.show()`` (or sphinx-gallery's scraper)
    still finds them.
    """
    if "sphinx_gallery" in sys.modules:
        return []
    # sphinx-gallery runs scripts without __file__, but never gets here
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None) or sys.argv[0] or "figure"
    stem = Path(script).stem
    folder = Path(os.environ.get(FOLDER_VARIABLE) or os.curdir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, number in enumerate(plt.get_fignums(), start=1):
        path = folder / (f"{stem}.png" if k == 1 else f"{stem}_{k}.png")
        plt.figure(number).savefig(path)
        print(f"saved figure: {path}")
        paths.append(path)
    return paths
