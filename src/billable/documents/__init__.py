"""Customer documents (issue 10): who issues and who receives, the customer invoices a
posted proposal issues, their PDF and e-invoice renderings, and their delivery."""
