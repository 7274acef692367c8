"""The ``billable`` command line: serve, db upgrade, users add, demo."""
