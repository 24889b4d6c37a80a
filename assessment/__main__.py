"""Command line: `python -m assessment COMMAND --help`."""

from assessment.cli import main

raise SystemExit(main())
