"""Use cases. Each takes a unit of work, does its work in one transaction and commits."""
