"""Figures of merit for fitted RBMs: reconstruction and ground-state access.

- :func:`hamming_reconstruction_error`: clamp the first pixels of each image,
  blank the rest, run Gibbs sampling with the clamped pixels held, and
  measure the normalized Hamming distance to the original (Pozas-Kerstjens
  et al. 2021, App. C, Figs. 3 and 5).
- :func:`gibbs_accessibility`: the lowest energy that Gibbs sampling reaches
  from random states, relative to the exact ground-state energy
  (Pozas-Kerstjens et al. 2021, Sec. V.A.1, Figs. 1–2).

The SVD spectrum of the weights (Pozas-Kerstjens et al. 2021, Sec. V.A.4,
Fig. 4) is ``numpy.linalg.svd(model.components_, compute_uv=False)``.

Both functions validate their arguments with scikit-learn's
``validate_params``: a bad value raises
:class:`~sklearn.utils._param_validation.InvalidParameterError` (a
``ValueError`` and a ``TypeError``) that names the parameter and the values
it accepts.

References
----------
.. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
   A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
   energy-based models via spin-glass control", Machine Learning: Science
   and Technology, 2021.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._backend import get_engine
from ._validation import Interval, validate_params, validate_spins
from .boltzmann import RAPIDRBM, GaussianRBM, SpinRBM
from .energy.rbm import RBM

__all__ = ["hamming_reconstruction_error", "gibbs_accessibility"]

#: Constraint of a number of Gibbs steps or chains.
_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]


@validate_params(
    {
        # every RBM of the suite: RAPIDRBM is a SpinRBM and
        # ProjectionHopfieldRBM a GaussianRBM
        "model": [SpinRBM, RAPIDRBM, GaussianRBM],
        "X": ["array-like"],
        "n_clamped": [Interval(Integral, 0, None, closed="left")],
        "n_steps": _POSITIVE_INT,
        "return_per_sample": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def hamming_reconstruction_error(
    model, X, n_clamped, *, n_steps=10, return_per_sample=False, random_state=None
):
    """Normalized Hamming distance of Gibbs reconstructions from a clamped part.

    Pozas-Kerstjens et al. (2021), App. C: the first ``n_clamped`` pixels
    of each image (the top row, across the bars) are kept, the others are
    set to 0 (no field), and ``n_steps`` block-Gibbs steps update the free
    visible units while the clamped ones are held. The distance between the
    result and the original, divided by the number of pixels, is 0 for a
    perfect reconstruction and about 0.5 for a random one.

    Parameters
    ----------
    model : fitted RBM of skhopfield
        :class:`~skhopfield.SpinRBM`, :class:`~skhopfield.RAPIDRBM`,
        :class:`~skhopfield.GaussianRBM` or
        :class:`~skhopfield.ProjectionHopfieldRBM`.
    X : array-like of shape (n_samples, n_features)
        Images, mapped to ±1 by the model's ``binarize``.
    n_clamped : int
        Number of leading pixels kept (``n`` for the first row of ``n × n``
        images), ``0 <= n_clamped <= n_features``.
    n_steps : int, default=10
        Gibbs steps (``>= 1``).
    return_per_sample : bool, default=False
        Return the distance of each image instead of the mean.
    random_state : int, RandomState instance or None, default=None
        Seed of the Gibbs sampling; an int gives the same result on every
        call.

    Returns
    -------
    distance : float or ndarray of shape (n_samples,)
        The mean over the images of the fraction of pixels that differ, or
        (``return_per_sample=True``) that fraction for each image.

    Raises
    ------
    InvalidParameterError
        If an argument has a wrong type or value, e.g. ``model`` is not an
        RBM of skhopfield or ``n_steps < 1``.
    NotFittedError
        If ``model`` is not fitted.
    ValueError
        If X is not a non-empty 2-dimensional array of finite numbers with
        the model's number of features, or ``n_clamped`` exceeds that
        number.
    """
    check_is_fitted(model)
    S = validate_spins(model, X, reset=False)
    n_features = S.shape[1]
    n_clamped = int(n_clamped)
    if n_clamped > n_features:
        raise ValueError(
            f"n_clamped={n_clamped} is larger than the number of features "
            f"({n_features}); pass at most {n_features} (n_features clamps "
            "every pixel)."
        )
    n_steps = int(n_steps)
    engine = get_engine(model.backend, model.device, check_random_state(random_state))
    rbm = model.rbm_.astype(lambda a: engine.asarray(a, dtype=S.dtype))
    start = S.copy()
    start[:, n_clamped:] = 0.0
    clamped = engine.asarray(S[:, :n_clamped], dtype=S.dtype)
    state = engine.asarray(start, dtype=S.dtype)
    for _ in range(n_steps):
        state, _ = rbm.gibbs(state, engine)
        state[:, :n_clamped] = clamped
    R = engine.to_numpy(state)
    distance = np.mean(R != S, axis=1)
    return distance if return_per_sample else float(distance.mean())


@validate_params(
    {
        "model": [SpinRBM, RAPIDRBM],
        "n_chains": _POSITIVE_INT,
        "n_steps": _POSITIVE_INT,
        # E_0 <= 0: the energy averages to 0 over all states
        "ground_energy": [Interval(Real, None, 0, closed="right"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def gibbs_accessibility(
    model, n_chains=10, n_steps=10, *, ground_energy=None, random_state=None
):
    """Lowest energy reached by Gibbs sampling over the ground-state energy.

    Pozas-Kerstjens et al. (2021), Sec. V.A.1: ``n_chains`` visible
    configurations drawn uniformly at random each run ``n_steps`` block-Gibbs
    steps; the energy ``E(v, h)`` of the final visible state and the hidden
    state it was drawn from is computed, and the lowest of them is divided
    by the exact ground-state energy ``E_0``
    (:meth:`skhopfield.energy.rbm.RBM.ground_state`, which enumerates the
    smaller layer). 1 means that a chain
    reached the ground state; values near 0 mean thermal noise (Fig. 2a).

    Parameters
    ----------
    model : fitted SpinRBM or RAPIDRBM
        The ±1 RBM to probe.
    n_chains : int, default=10
        Number of independent Gibbs chains (``>= 1``).
    n_steps : int, default=10
        Block-Gibbs steps of each chain (``>= 1``).
    ground_energy : float <= 0 or None, default=None
        ``E_0`` if known already (saves the enumeration); computed exactly
        when None. It cannot be positive: the energy averages to 0 over all
        states, so its minimum is at most 0.
    random_state : int, RandomState instance or None, default=None
        Seed of the start states and of the sampling; an int gives the same
        result on every call.

    Returns
    -------
    accessibility : float
        ``min E / E_0``. When ``E_0 = 0`` (every parameter zero, so every
        state is a ground state) it is 1.

    Raises
    ------
    InvalidParameterError
        If an argument has a wrong type or value, e.g. ``model`` is not a
        SpinRBM or RAPIDRBM, ``n_chains < 1`` or ``ground_energy > 0``.
    NotFittedError
        If ``model`` is not fitted.
    """
    check_is_fitted(model)
    n_chains, n_steps = int(n_chains), int(n_steps)
    rbm = model.rbm_
    if ground_energy is None:
        # E_0 from the dense W, also for RAPID's patterns
        dense = RBM(rbm.visible, rbm.hidden, rbm.W, rbm.beta)
        ground_energy, _, _ = dense.ground_state()
    rng = check_random_state(random_state)
    engine = get_engine("numpy", None, rng)
    V = rng.choice([-1.0, 1.0], size=(n_chains, model.n_features_in_))
    V, H = rbm.gibbs(V, engine, n_steps)
    energy = float(np.min(rbm.energy(V, H)))
    ground_energy = float(ground_energy)
    if ground_energy == 0.0:
        return 1.0
    return energy / ground_energy
