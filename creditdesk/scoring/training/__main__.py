"""``python -m creditdesk.scoring.training``: see :mod:`creditdesk.scoring.training.cli`."""

import sys

from creditdesk.scoring.training.cli import main

sys.exit(main())
