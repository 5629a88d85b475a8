"""The Relational Machine Calculus: first-order terms (``firstorder``), unification with the
occurs check (``unify``), nodes and the converse (``syntax``), parser and printer."""
