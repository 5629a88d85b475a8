"""Other languages translated into the calculi: the lambda-calculus (``lam``), effects,
Moggi's metalanguage and call-by-push-value (``monadic``), the While language (``imperative``)
into FMC III; pure Prolog (``prolog``), regular expressions, Petri nets, Turing machines and the
kappa-calculus into the RMC.

May import ``calculus``, ``machine`` and ``rewriting``.
"""
