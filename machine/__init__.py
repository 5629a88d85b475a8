"""Running terms. ``fmc`` holds the FMC's machines, ``rmc`` the relational machine; ``memory``,
``stacks`` and ``traces`` are what they share, ``render`` and ``display`` how they are shown.

Imports ``calculus`` only; the machines never import their renderers.
"""
