"""The FMC and FMC III: nodes (``syntax``), labels, parser, printers (Unicode, ASCII, LaTeX),
the papers' sequencing function and simple types (``types``)."""
