"""Running background jobs: handlers per kind, and the queues that schedule them."""
