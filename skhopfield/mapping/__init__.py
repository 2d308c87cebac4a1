"""Hopfield network ↔ RBM: the exact map and the approximate reverse map.

Smart & Zilman (2021), §2, show that the projection Hopfield
network storing ``p`` linearly independent patterns (Eq. 1),

.. math::

    H(s) = -\\tfrac12 s^T J s, \\qquad J = \\xi (\\xi^T \\xi)^{-1} \\xi^T,

is *exactly* the visible marginal of a binary-visible, gaussian-hidden RBM
(Eq. 6) whose weights ``W`` are any matrix with orthonormal columns spanning
the patterns, ``J = W W^T`` (Eqs. 2–5, App. B): the QR factor ``Q`` of
``ξ = QR``, the left singular vectors ``U`` of ``ξ``, or the square-root
(Löwdin) factor ``ξ(ξ^Tξ)^{-1/2}``. App. D goes the other way: given RBM
weights ``W``, find an invertible ``X`` that makes ``B_p = W X`` nearly binary
(Eq. 12–13) and read ``B = sgn(B_p)`` as Hopfield patterns.

Conventions
-----------
The paper writes the pattern matrix ``ξ`` as ``N × p`` with the patterns as
**columns**. This package keeps samples and patterns as **rows**: every
``patterns`` argument or attribute here has shape ``(p, N)`` and is the
paper's ``ξ^T``. RBM weights keep the paper's shape: ``W`` is ``(N, p)``
(estimators store ``components_ = W^T``). Every formula below is written in
the paper's notation; the code transposes where needed.

The visible marginal of the RBM with weights ``W``, visible bias ``b`` and
hidden bias ``c`` at inverse temperature ``β`` is
``p(s) ∝ exp(β[½ s^T W W^T s + (b + W c)^T s])`` (the ``½`` comes from the
gaussian integral over the hidden units; Eqs. 10, D.3 and 16 of Smart &
Zilman (2021) drop it): a Hopfield network ``E(s) = −½ s^T J s − θ^T s``
with ``J = W W^T`` (diagonal included) and ``θ = b + W c`` at the *same*
``β``.

References
----------
M. Smart and A. Zilman, "On the mapping between Hopfield networks and
Restricted Boltzmann Machines", International Conference on Learning
Representations (ICLR), 2021.
"""

from ._forward import hopfield_to_rbm
from ._orthogonalize import lowdin, orthogonalize
from ._patterns import class_patterns
from ._reverse import rbm_to_hopfield, reverse_map_conditions

__all__ = [
    "orthogonalize",
    "lowdin",
    "hopfield_to_rbm",
    "rbm_to_hopfield",
    "reverse_map_conditions",
    "class_patterns",
]
