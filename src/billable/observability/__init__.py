"""What an operator sees: structured logs, Prometheus metrics, health and readiness."""
