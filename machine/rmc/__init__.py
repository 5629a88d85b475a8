"""The RMC's relational machine: the small-step rules, the fair and depth-first search over
their forks and the answers (``small_step``), and its renderer (``render``)."""
