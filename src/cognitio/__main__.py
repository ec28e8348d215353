"""``python -m cognitio``."""

import sys

from cognitio.cli import main

sys.exit(main())
