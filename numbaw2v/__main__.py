"""``python -m numbaw2v``: the numbaw2v command line."""
from numbaw2v.cli import main

raise SystemExit(main())
