"""The web UI: server-rendered pages over the same use cases and views as the API.

See docs/ui.md for how a page is added."""
