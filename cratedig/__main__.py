"""`python -m cratedig` is the `cratedig` command."""
import sys

from cratedig.cli.main import main

sys.exit(main())
