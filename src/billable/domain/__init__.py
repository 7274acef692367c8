"""The pure core of Billable: money, pricing, lifecycles, invoice arithmetic and corrections.

Nothing in this package imports anything beyond the standard library; a test enforces it.
"""
