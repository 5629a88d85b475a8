from mcalc.cli import main

raise SystemExit(main())
