"""``python -m machine_calculus``: the ``mcalc`` command line."""

from machine_calculus.cli import main

raise SystemExit(main())
