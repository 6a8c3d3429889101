import sys

from fenghuang.cli import main

sys.exit(main())
