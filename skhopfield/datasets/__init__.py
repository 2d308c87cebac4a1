"""Data sets and corruption helpers.

:func:`load_mnist` reads the MNIST handwritten digits from the standard IDX
files in a folder the user points to and, only when asked to
(``download_if_missing=True``), falls back on the copy that OpenML serves.
:func:`flip_noise` and :func:`mask_noise` corrupt patterns the way retrieval
experiments do: flip the sign of a fixed number of spins per pattern, or
occlude ("nullify") a fixed number of pixels per pattern (Campagne 2025,
Sec. 3.1). :func:`make_bars` and :func:`make_bars_and_stripes` build the
Bars and Bars-and-Stripes images of ±1 spins, split into training and test
sets that keep every image with its negative (Pozas-Kerstjens et al. 2021,
Sec. V.A.3 and Sec. V.B).

Every public function validates its arguments with scikit-learn's
``validate_params``: a bad value raises
:class:`~sklearn.utils._param_validation.InvalidParameterError` (a
``ValueError`` and a ``TypeError``) that names the parameter and the values
it accepts.

References
----------
.. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
   learning applied to document recognition", Proceedings of the IEEE 86(11),
   1998 (the MNIST data set).
.. [2] J.-E. Campagne, "Elements on J. Hopfield networks and G. Hinton's
   Boltzmann machines", 2025.
.. [3] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
   A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
   energy-based models via spin-glass control", Machine Learning: Science
   and Technology, 2021.
"""

from ._bars import make_bars, make_bars_and_stripes
from ._corruption import flip_noise, mask_noise
from ._mnist import DATA_ENV as DATA_ENV  # the environment variable searched
from ._mnist import load_mnist

__all__ = [
    "flip_noise",
    "load_mnist",
    "make_bars",
    "make_bars_and_stripes",
    "mask_noise",
]
