"""`python -m empathy_lint` is the same as the `empathy-lint` command."""
from empathy_lint.apps.cli import main

if __name__ == "__main__":
    main()
