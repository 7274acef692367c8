"""The ERP side: setup, defaults, integration journal, proposals, posting, ledger."""
