"""Transforming terms: the reduction engine (``engine``, ``patterns``), the FMC, FMC III and RMC
rule sets, reduction graphs, the egglog bridge and theories (``egraph``, ``theories``), the
optimizer, first-order TRSs and the confluence checker.

May import ``calculus`` and ``machine``, never ``embeddings``.
"""
