"""Figures of merit for fitted RBMs: reconstruction and ground-state access.

- :func:`hamming_reconstruction_error`: clamp the first pixels of each image,
  blank the rest, run Gibbs sampling with the clamped pixels held, and
  measure the normalized Hamming distance to the original (seed
  ``001_e6498bbe15699f0a.txt`` App. C, Figs. 3 and 5).
- :func:`gibbs_accessibility`: the lowest energy that Gibbs sampling reaches
  from random states, relative to the exact ground-state energy (seed 001
  Sec. V.A.1, Figs. 1–2).

The SVD spectrum of the weights (seed 001 Sec. V.A.4, Fig. 4) is
``numpy.linalg.svd(model.components_, compute_uv=False)``.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._backend import get_engine
from ._validation import validate_spins
from .energy import spin as _spin
from .rbm._base import BaseRBM
from .rbm._spin import SpinRBM

__all__ = ["hamming_reconstruction_error", "gibbs_accessibility"]


def _check_count(value, name, low=1):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)


def hamming_reconstruction_error(
    model, X, n_clamped, *, n_steps=10, return_per_sample=False, random_state=None
):
    """Normalized Hamming distance of Gibbs reconstructions from a clamped part.

    Seed ``001_e6498bbe15699f0a.txt`` App. C: the first ``n_clamped`` pixels
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

    Returns
    -------
    distance : float or ndarray of shape (n_samples,)
    """
    _check_model(model, BaseRBM)
    S = validate_spins(model, X, reset=False)
    n_features = S.shape[1]
    n_clamped = _check_count(n_clamped, "n_clamped", low=0)
    if n_clamped > n_features:
        raise ValueError(
            f"n_clamped={n_clamped} is larger than the number of features "
            f"({n_features})."
        )
    n_steps = _check_count(n_steps, "n_steps")
    engine = get_engine(model.backend, model.device, check_random_state(random_state))
    params = model._params_from_attributes(engine, S.dtype)
    start = S.copy()
    start[:, n_clamped:] = 0.0
    clamped = engine.asarray(S[:, :n_clamped], dtype=S.dtype)
    state = engine.asarray(start, dtype=S.dtype)
    for _ in range(n_steps):
        state = model._gibbs(state, params, 1, engine)
        state[:, :n_clamped] = clamped
    R = engine.to_numpy(state)
    distance = np.mean(R != S, axis=1)
    return distance if return_per_sample else float(distance.mean())


def gibbs_accessibility(
    model, n_chains=10, n_steps=10, *, ground_energy=None, random_state=None
):
    """Lowest energy reached by Gibbs sampling over the ground-state energy.

    Seed ``001_e6498bbe15699f0a.txt`` Sec. V.A.1: ``n_chains`` visible
    configurations drawn uniformly at random each run ``n_steps`` block-Gibbs
    steps; the energy ``E(v, h)`` of the final visible state and the hidden
    state it was drawn from is computed, and the lowest of them is divided
    by the exact ground-state energy ``E_0`` (:func:`skhopfield.energy.spin.
    ground_state`, which enumerates the smaller layer). 1 means that a chain
    reached the ground state; values near 0 mean thermal noise (Fig. 2a).

    Parameters
    ----------
    model : fitted SpinRBM or RAPIDRBM
    n_chains : int, default=10
    n_steps : int, default=10
    ground_energy : float or None, default=None
        ``E_0`` if known already (saves the enumeration); computed exactly
        when None.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    accessibility : float
        ``min E / E_0``. When ``E_0 = 0`` (every parameter zero, so every
        state is a ground state) it is 1.
    """
    _check_model(model, SpinRBM)
    n_chains = _check_count(n_chains, "n_chains")
    n_steps = _check_count(n_steps, "n_steps")
    params = model._eval_params(np.float64)
    W = model._dense_weights(params)
    b, c = params["b"], params["c"]
    if ground_energy is None:
        ground_energy, _, _ = _spin.ground_state(W, b, c)
    rng = check_random_state(random_state)
    engine = get_engine("numpy", None, rng)
    V = rng.choice([-1.0, 1.0], size=(n_chains, model.n_features_in_))
    for _ in range(n_steps):
        H = _spin.sample_spins(model._hidden_field(V, params), engine)
        V = _spin.sample_spins(model._visible_field(H, params), engine)
    energy = float(np.min(_spin.joint_energy(V, H, W, b, c)))
    if ground_energy == 0.0:
        return 1.0
    return energy / float(ground_energy)


def _check_model(model, cls):
    if not isinstance(model, cls):
        raise TypeError(
            f"model must be a fitted {cls.__name__ if cls is SpinRBM else 'RBM'} "
            f"of skhopfield, got {type(model).__name__}."
        )
    check_is_fitted(model)
