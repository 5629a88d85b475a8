"""The Relational Machine Calculus (spec rmc.md): first-order terms and unification so far."""
