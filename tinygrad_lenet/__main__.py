"""``python -m tinygrad_lenet``: the same as the ``tinygrad-lenet`` command."""

import sys

from .cli import main

sys.exit(main())
