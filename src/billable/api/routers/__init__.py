"""HTTP routes, grouped as api.md groups them."""
