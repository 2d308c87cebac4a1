"""Modern Hopfield networks as torch layers.

Importing this package imports torch (``import skhopfield`` alone never
does); install it with ``pip install skhopfield[torch]``.
"""

from .._backend import import_torch

import_torch()

from ._conv import ConvHNN2d  # noqa: E402
from ._deephnn import DeepHNN  # noqa: E402
from ._retrieval import HopfieldLayer, HopfieldRetrieval  # noqa: E402
from ._vhnn import VHNN  # noqa: E402

__all__ = [
    "HopfieldRetrieval",
    "HopfieldLayer",
    "DeepHNN",
    "ConvHNN2d",
    "VHNN",
]
