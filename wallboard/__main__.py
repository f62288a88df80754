"""`python -m wallboard` is the same as the `wallboard` command."""

from wallboard.cli.main import main

raise SystemExit(main())
