"""Pydantic models of the HTTP contract; separate from the tables on purpose."""
