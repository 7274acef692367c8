"""Persistence: typed tables, the exact decimal column type, engine and unit of work."""
