"""pytest configuration shared by the tests and the doctests.

The doctests of the torch layers (``skhopfield.nn``) and of
:class:`skhopfield.DeepHNNClassifier` need torch; where it is not installed
they are not collected (the tests of ``tests/`` skip themselves).
"""

import importlib.util

collect_ignore_glob = []
if importlib.util.find_spec("torch") is None:
    collect_ignore_glob += ["skhopfield/nn/*", "skhopfield/classifiers/_deep*.py"]
