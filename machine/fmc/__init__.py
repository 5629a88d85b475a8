"""The FMC's machines: the paper-faithful small-step machine (``small_step``, the reference, with
traces), the fast run (``fast``), FMC III's primitives, symbolic execution, effects over every
draw, what a run returns (``result``) and its renderer (``render``)."""
