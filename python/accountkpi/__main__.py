"""``python -m accountkpi``: the command line."""

from .cli import main

raise SystemExit(main())
