"""machine-calculus: the Functional and Relational Machine Calculi."""

__version__ = "0.2.0"
