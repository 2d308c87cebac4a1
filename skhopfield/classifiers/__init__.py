"""Classifiers built from Hopfield networks and Boltzmann machines.

:class:`HopfieldPoEClassifier`, a product of per-class RBM experts, and
:class:`DeepHNNClassifier`, a network of modern Hopfield layers trained with
PyTorch (imported only when it trains or predicts).
"""

from ._deep import DeepHNNClassifier
from ._poe import HopfieldPoEClassifier

__all__ = ["DeepHNNClassifier", "HopfieldPoEClassifier"]
