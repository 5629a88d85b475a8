"""The imperative language While (our definition, docs/control.md) and its embedding into FMC III.

:mod:`.syntax` (the AST), :mod:`.parser`, :mod:`.interpreter` (the reference: direct big-step
semantics, independent of the machine), :mod:`.compiler` (While -> FMC III) and :mod:`.run`
(compile, run on the machine, read the outcome back).
"""
