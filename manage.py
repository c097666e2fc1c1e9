#!/usr/bin/env python
"""Django's command-line utility; the installed `creditdesk` script does the same."""

from creditdesk.cli import main

if __name__ == "__main__":
    main()
