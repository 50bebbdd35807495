"""`python -m speech ...`: see speech/cli.py."""

import sys

from speech.cli import main

sys.exit(main())
