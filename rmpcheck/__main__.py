"""``python -m rmpcheck``: the same as the ``rmpcheck`` command."""

from __future__ import annotations

import sys

from rmpcheck.cli import main

sys.exit(main())
