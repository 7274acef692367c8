"""Automated invoice runs: schedules, run dates, catch-up."""
