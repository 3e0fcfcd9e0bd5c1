import sys

from services_directory.cli import main

sys.exit(main())
