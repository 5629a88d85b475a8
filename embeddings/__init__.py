"""Embeddings: translations of other languages (lambda-calculus, While, Prolog, ...) into the calculi.

Owned by the encoding issues; this package is empty until then. It may import ``calculus``,
``machine`` and ``rewriting``.
"""
