"""Billable: project invoicing from approved time, expenses and milestones to confirmed invoices."""

__version__ = "0.1.0"
