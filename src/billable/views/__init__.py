"""The read side: every query that serves a screen or a list, for the API, the CLI and
the web UI alike.

A view takes an open session, reads what one answer needs in a bounded number of
queries (never one per row of a list), and returns plain values: :class:`Record`
snapshots of rows and frozen dataclasses that compose them. Nothing it returns can
load more from the database, so whoever presents it cannot slip a query per row in.
Writes never pass through here: they are the use cases' (billing, runs, erp, ...).
"""
