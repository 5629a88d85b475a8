"""The ``mcalc`` command line: a thin layer over calculus, machine, rewriting and embeddings."""
