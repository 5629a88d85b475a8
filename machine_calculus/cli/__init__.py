"""The ``mcalc`` command line: a thin layer over calculus, machine, rewriting and embeddings.

``main`` (in :mod:`.main`) parses the arguments and runs a subcommand; each subcommand that
needs more than a few lines has its own module.
"""

from machine_calculus.cli.main import main

__all__ = ["main"]
