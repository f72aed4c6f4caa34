"""`python -m bot.cli`."""

import sys

from bot.cli.parser import main

sys.exit(main())
