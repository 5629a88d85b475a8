"""Notebook widgets over the calculi, the machines and rewriting (above ``rewriting`` in the
architecture: they may import ``calculus``, ``machine`` and ``rewriting``).

:mod:`machine_calculus.widgets.stepper` is the stepper (``mc.stepper``): a machine run or a
reduction, stepped forward and back. Its history is plain Python (:class:`~.stepper.Stepper`);
the anywidget front end (:mod:`machine_calculus.widgets.widget`, ``stepper.js`` and
``stepper.css``) only renders it and sends commands. Importing this package imports nothing.
"""
