"""The weights of an RBM: a dense matrix, or RAPID's patterns.

Both have the interface :class:`~skhopfield.energy.rbm.RBM` uses: the
products with either layer (``forward``, ``backward``), the transpose, the
dense matrix, a change of dtype or device, and the likelihood gradients of
their own parameters. :class:`Patterns` computes its products through the
``K`` overlaps, ``W = ξ_vᵀ ξ_h / √K`` (Pozas-Kerstjens et al. (2021), Eq. 5),
without forming ``W``.

References
----------
A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March, A. Acín,
M. Lewenstein and P. R. Grzybowski, "Efficient training of energy-based
models via spin-glass control", Machine Learning: Science and Technology,
2021.
"""

import math

from ._xp import _max_abs, _namespace


class Dense:
    """Dense weights ``W`` of shape ``(n_visible, n_hidden)``.

    Parameters
    ----------
    W : array of shape (n_visible, n_hidden)
        The weight matrix, a NumPy array or torch tensor.
    """

    def __init__(self, W):
        self.W = W

    @property
    def shape(self):
        """Shape ``(n_visible, n_hidden)`` of the weights, a tuple of ints."""
        return tuple(int(d) for d in self.W.shape)

    @property
    def T(self):
        """The transposed weights ``Wᵀ``, a :class:`Dense` (a view of ``W``)."""
        return Dense(self.W.T)

    def dense(self):
        """Return the matrix ``W``.

        Returns
        -------
        W : array of shape (n_visible, n_hidden)
            The weight matrix itself (not a copy).
        """
        return self.W

    def forward(self, v):
        """Return ``v W``: the input of the hidden layer from visible rows ``v``.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, in the namespace of the weights.

        Returns
        -------
        inputs : array of shape (n_samples, n_hidden)
            ``v W``.
        """
        return v @ self.W

    def backward(self, h):
        """Return ``h Wᵀ``: the input of the visible layer from hidden rows ``h``.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, in the namespace of the weights.

        Returns
        -------
        inputs : array of shape (n_samples, n_visible)
            ``h Wᵀ``.
        """
        return h @ self.W.T

    def arrays(self):
        """Return the parameter arrays by name.

        Returns
        -------
        arrays : dict
            ``{"W": W}``, keyed as the gradients of :meth:`gradient`.
        """
        return {"W": self.W}

    def astype(self, convert):
        """Return the weights with the array passed through ``convert``.

        Parameters
        ----------
        convert : callable
            Function of an array that returns an array (a dtype or device
            change).

        Returns
        -------
        weights : Dense
            ``Dense(convert(W))``.
        """
        return Dense(convert(self.W))

    def gradient(self, V_pos, T_pos, V_neg, T_neg):
        """Return ``V_posᵀT_pos − V_negᵀT_neg``, the gradient of the weights.

        The rows of ``T`` are pre-scaled; the difference is computed as one
        product of the stacked rows, ``[V_pos; V_neg]ᵀ [T_pos; −T_neg]``
        (half the time of two products and a subtraction in float64).

        Parameters
        ----------
        V_pos : array of shape (n_pos, n_visible)
            Visible rows of the positive phase.
        T_pos : array of shape (n_pos, n_hidden)
            Their hidden statistics (``E[h | v]``), pre-scaled.
        V_neg : array of shape (n_neg, n_visible)
            Visible rows of the negative phase.
        T_neg : array of shape (n_neg, n_hidden)
            Their hidden statistics, pre-scaled.

        Returns
        -------
        grads : dict
            ``{"W": G}`` with ``G`` of shape ``(n_visible, n_hidden)``.
        """
        xp = _namespace(V_pos)
        V = xp.concat([V_pos, V_neg])
        T = xp.concat([T_pos, -T_neg])
        return {"W": V.T @ T}

    def add_gradient(self, V_pos, T_pos, V_neg, T_neg):
        """Add ``V_posᵀT_pos − V_negᵀT_neg`` to ``W`` in place.

        ``W += gradient(…)["W"]``. (Accumulating inside the product, BLAS
        ``gemm`` with ``β = 1`` through SciPy, was 4 times slower on a
        2-core machine: SciPy's BLAS is a second OpenBLAS, whose threads and
        NumPy's spin against each other.)

        Parameters
        ----------
        V_pos, T_pos, V_neg, T_neg : arrays
            As in :meth:`gradient` (``T`` pre-scaled).

        Returns
        -------
        bound : float
            An upper bound of the largest entry of the step, ``max_j Σ_k
            |V|_max |T_kj|`` over the rows of both phases (``inf`` or NaN
            where the rows are not finite): what a divergence check needs
            without a pass over ``W``.
        """
        xp = _namespace(V_pos)
        self.W += self.gradient(V_pos, T_pos, V_neg, T_neg)["W"]
        v_max = max(float(_max_abs(V_pos)), float(_max_abs(V_neg)))
        t_sum = xp.abs(T_pos).sum(0) + xp.abs(T_neg).sum(0)
        return v_max * float(_max_abs(t_sum))

    def gradient_from_dense(self, G):
        """Return the gradient of the parameters from the gradient ``G`` of ``W``.

        Parameters
        ----------
        G : array of shape (n_visible, n_hidden)
            Gradient with respect to the dense weight matrix.

        Returns
        -------
        grads : dict
            ``{"W": G}`` (``G`` itself).
        """
        return {"W": G}


class Patterns:
    """RAPID's weights ``W = ξ_vᵀ ξ_h / √K`` from ``K`` patterns.

    Fields are computed through the ``K`` overlaps, ``(v ξ_vᵀ) ξ_h / √K``, in
    ``O(K (V + H))`` per row instead of the ``O(V H)`` of a dense product
    (Pozas-Kerstjens et al. (2021) [1]_, Eq. 5 and App. D), and the
    gradient with respect to the patterns follows by the chain rule (their
    Eqs. A7a–b): for the weight gradient ``G``, ``∂/∂ξ_v = ξ_h Gᵀ / √K`` and
    ``∂/∂ξ_h = ξ_v G / √K``.

    Parameters
    ----------
    xi_v : array of shape (K, n_visible)
        Visible parts of the patterns, a NumPy array or torch tensor.
    xi_h : array of shape (K, n_hidden)
        Hidden parts of the patterns, in the namespace of ``xi_v``.

    Attributes
    ----------
    xi_v : array of shape (K, n_visible)
        Visible parts of the patterns.
    xi_h : array of shape (K, n_hidden)
        Hidden parts of the patterns.
    scale : float
        ``1 / √K``.

    References
    ----------
    .. [1] A. Pozas-Kerstjens, G. Muñoz-Gil, E. Piñol, M. A. García-March,
       A. Acín, M. Lewenstein and P. R. Grzybowski, "Efficient training of
       energy-based models via spin-glass control", Machine Learning:
       Science and Technology, 2021.
    """

    def __init__(self, xi_v, xi_h):
        self.xi_v, self.xi_h = xi_v, xi_h
        self.scale = 1.0 / math.sqrt(int(xi_v.shape[0]))

    @property
    def shape(self):
        """Shape ``(n_visible, n_hidden)`` of the weights, a tuple of ints."""
        return int(self.xi_v.shape[1]), int(self.xi_h.shape[1])

    @property
    def T(self):
        """The transposed weights ``Wᵀ = ξ_hᵀ ξ_v / √K``: the parts swapped."""
        return Patterns(self.xi_h, self.xi_v)

    def dense(self):
        """Return the dense weight matrix ``W = ξ_vᵀ ξ_h / √K``.

        Returns
        -------
        W : array of shape (n_visible, n_hidden)
            The weights, a new array in the namespace and dtype of the
            patterns.
        """
        return (self.xi_v.T @ self.xi_h) * self.scale

    def forward(self, v):
        """Return ``v W = ((v ξ_vᵀ) / √K) ξ_h``: the input of the hidden layer.

        Computed through the ``K`` overlaps of each row, in ``O(K (V + H))``
        per row.

        Parameters
        ----------
        v : array of shape (n_samples, n_visible)
            Visible rows, in the namespace of the patterns.

        Returns
        -------
        inputs : array of shape (n_samples, n_hidden)
            ``v W``.
        """
        return ((v @ self.xi_v.T) * self.scale) @ self.xi_h

    def backward(self, h):
        """Return ``h Wᵀ = ((h ξ_hᵀ) / √K) ξ_v``: the input of the visible layer.

        Computed through the ``K`` overlaps of each row, in ``O(K (V + H))``
        per row.

        Parameters
        ----------
        h : array of shape (n_samples, n_hidden)
            Hidden rows, in the namespace of the patterns.

        Returns
        -------
        inputs : array of shape (n_samples, n_visible)
            ``h Wᵀ``.
        """
        return ((h @ self.xi_h.T) * self.scale) @ self.xi_v

    def arrays(self):
        """Return the parameter arrays by name.

        Returns
        -------
        arrays : dict
            ``{"xi_v": xi_v, "xi_h": xi_h}``, keyed as the gradients of
            :meth:`gradient`.
        """
        return {"xi_v": self.xi_v, "xi_h": self.xi_h}

    def astype(self, convert):
        """Return the patterns with every array passed through ``convert``.

        Parameters
        ----------
        convert : callable
            Function of an array that returns an array (a dtype or device
            change).

        Returns
        -------
        weights : Patterns
            ``Patterns(convert(xi_v), convert(xi_h))``.
        """
        return Patterns(convert(self.xi_v), convert(self.xi_h))

    def gradient(self, V_pos, T_pos, V_neg, T_neg):
        """Return the gradients of the patterns for ``G = V_posᵀT_pos − V_negᵀT_neg``.

        By the chain rule, ``∂/∂ξ_v = ξ_h Gᵀ / √K`` and ``∂/∂ξ_h = ξ_v G /
        √K`` (Pozas-Kerstjens et al. (2021), Eqs. A7a–b), computed without
        forming ``G``: ``ξ_h Gᵀ = (ξ_h T_posᵀ) V_pos − (ξ_h T_negᵀ) V_neg``,
        and likewise ``ξ_v G``, in ``O(n K (V + H))``.

        Parameters
        ----------
        V_pos : array of shape (n_pos, n_visible)
            Visible rows of the positive phase.
        T_pos : array of shape (n_pos, n_hidden)
            Their hidden statistics (``E[h | v]``), pre-scaled.
        V_neg : array of shape (n_neg, n_visible)
            Visible rows of the negative phase.
        T_neg : array of shape (n_neg, n_hidden)
            Their hidden statistics, pre-scaled.

        Returns
        -------
        grads : dict
            ``{"xi_v": array of shape (K, n_visible), "xi_h": array of shape
            (K, n_hidden)}``.
        """
        # ξ_h Gᵀ = (ξ_h T_posᵀ) V_pos − (ξ_h T_negᵀ) V_neg, and likewise
        # ξ_v G, without forming G: O(n K (V + H))
        xi_v, xi_h, s = self.xi_v, self.xi_h, self.scale
        grad_v = (xi_h @ T_pos.T) @ V_pos - (xi_h @ T_neg.T) @ V_neg
        grad_h = (xi_v @ V_pos.T) @ T_pos - (xi_v @ V_neg.T) @ T_neg
        return {"xi_v": grad_v * s, "xi_h": grad_h * s}

    def gradient_from_dense(self, G):
        """Return the gradients of the patterns from the gradient ``G`` of ``W``.

        By the chain rule, ``∂/∂ξ_v = ξ_h Gᵀ / √K`` and ``∂/∂ξ_h = ξ_v G /
        √K``.

        Parameters
        ----------
        G : array of shape (n_visible, n_hidden)
            Gradient with respect to the dense weight matrix.

        Returns
        -------
        grads : dict
            ``{"xi_v": array of shape (K, n_visible), "xi_h": array of shape
            (K, n_hidden)}``.
        """
        return {
            "xi_v": (self.xi_h @ G.T) * self.scale,
            "xi_h": (self.xi_v @ G) * self.scale,
        }
