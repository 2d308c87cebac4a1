"""The command line every MNIST benchmark shares: ``--data`` and ``--download``."""

import argparse
import os
from pathlib import Path

#: The shared data folder beside the repository (see ../shared/data/mnist).
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def mnist_parser(doc, download=True):
    """An argument parser described by the first line of ``doc``, with
    ``--data`` (the folder of the MNIST IDX files; ``SKHOPFIELD_DATA`` or the
    shared folder by default) and, if ``download``, ``--download``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--data",
        default=os.environ.get("SKHOPFIELD_DATA", DEFAULT_DATA),
        help="folder with the four MNIST IDX files",
    )
    if download:
        parser.add_argument(
            "--download",
            action="store_true",
            help="fetch MNIST from OpenML when the IDX files are not in --data",
        )
    return parser
