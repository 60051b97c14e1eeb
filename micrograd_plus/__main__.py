"""`python -m micrograd_plus`: the same command line as `micrograd-plus`."""
from .cli import main

raise SystemExit(main())
