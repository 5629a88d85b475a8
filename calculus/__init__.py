"""The calculi's terms and their syntax: the generic term interface (``terms``), the FMC and
FMC III (``fmc``: nodes, parser, printers, sequencing, types) and the RMC (``rmc``: first-order
terms, unification, nodes, parser, printer), and hypothesis strategies (``strategies``).

Knows nothing of machines: it imports no other package of the toolkit.
"""
