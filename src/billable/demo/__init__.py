"""The demo data set, built through the use cases."""
