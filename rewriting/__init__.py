"""Rewriting: named reduction rules, reduction graphs, the egglog bridge, confluence checks.

Owned by the rewriting issue; this package is empty until then. It may import ``calculus`` and
``machine``, never ``embeddings``.
"""
