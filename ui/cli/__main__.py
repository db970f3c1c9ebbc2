"""``python -m ui.cli``: the same as the ``speechqa`` console script."""
import sys

from ui.cli import main

sys.exit(main())
