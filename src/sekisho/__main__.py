"""`python -m sekisho`: the command line."""

from sekisho.cli.app import main

main()
