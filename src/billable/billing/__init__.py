"""Billing use cases: entries, approval, the backlog, proforma invoices."""
