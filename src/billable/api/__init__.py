"""The REST API of shared/spec/api.md: a thin layer over the use cases."""
