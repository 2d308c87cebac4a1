"""The exact map of a projection Hopfield network onto an RBM:
:func:`hopfield_to_rbm`.

M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", ICLR 2021, §2.1 (Eqs. 1–6) and App. B.
"""

from ..hopfield import HopfieldMemory
from ._orthogonalize import orthogonalize


def hopfield_to_rbm(patterns_or_memory, method="qr"):
    """RBM weights ``W`` whose visible marginal is a projection Hopfield network.

    Smart & Zilman (2021) [1]_, §2.1, Eqs. 1–6 (and App. B): with
    ``W`` from :func:`orthogonalize`, the binary-gaussian RBM

    ``H(s, λ) = ½‖λ‖² − s^T W λ``  (Eq. 6), ``p(s, λ) ∝ exp(−β H)``,

    with zero biases has the visible marginal

    ``p(s) ∝ exp(−β H(s))``, ``H(s) = −½ s^T J s``, ``J = W W^T``

    (Eq. 5), the Boltzmann distribution of the projection Hopfield network
    (Eq. 1) at the **same** inverse temperature ``β``. ``J`` here includes
    its diagonal ``J_ii``; for ±1 states the diagonal only adds the constant
    ``½ Σ_i J_ii s_i² = ½ trace(J) = p / 2`` to ``H``, so the Boltzmann
    distributions with and without the diagonal are identical (the
    deterministic dynamics ``sgn(J s)`` are not: the diagonal enters the
    fields).

    Parameters
    ----------
    patterns_or_memory : array-like of shape (n_patterns, n_features) or \
fitted HopfieldMemory
        The patterns as **rows** (the paper's ``ξ^T``), or a fitted
        :class:`~skhopfield.HopfieldMemory` with ``rule="projection"``,
        whose ``patterns_`` are used.
    method : {"qr", "svd", "sqrt"}, default="qr"
        Orthogonalization, see :func:`orthogonalize`. All give the same
        ``J`` and hence the same RBM marginal.

    Returns
    -------
    W : ndarray of shape (n_features, n_patterns)
        RBM weights (``components_ = W.T`` in the estimators), ``W^T W = I``.

    Raises
    ------
    ValueError
        For a memory fitted with another rule (the exact map holds for the
        projection rule only: Hebbian, Storkey and perceptron couplings are
        not projectors), for an unfitted memory, and for the pattern
        problems listed in :func:`orthogonalize`.

    References
    ----------
    .. [1] M. Smart and A. Zilman, "On the mapping between Hopfield networks
       and Restricted Boltzmann Machines", International Conference on
       Learning Representations (ICLR), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skhopfield import HopfieldMemory
    >>> from skhopfield.mapping import hopfield_to_rbm
    >>> rng = np.random.RandomState(0)
    >>> xi = rng.choice([-1.0, 1.0], size=(3, 20))
    >>> memory = HopfieldMemory(rule="projection", zero_diagonal=False).fit(xi)
    >>> W = hopfield_to_rbm(memory)
    >>> np.allclose(W @ W.T, memory.couplings_)
    True
    """
    if isinstance(patterns_or_memory, HopfieldMemory):
        memory = patterns_or_memory
        if not hasattr(memory, "patterns_"):
            raise ValueError(
                "This HopfieldMemory instance is not fitted yet; call fit "
                "before mapping it to an RBM."
            )
        if memory.rule != "projection":
            raise ValueError(
                f"The exact Hopfield → RBM map holds for the projection rule "
                f"only (Smart & Zilman 2021, Eq. 1), got a memory "
                f"fitted with rule={memory.rule!r}. Refit with "
                "rule='projection', or pass the patterns directly to map the "
                "projection network that stores them."
            )
        patterns = memory.patterns_
    else:
        patterns = patterns_or_memory
    return orthogonalize(patterns, method=method)
