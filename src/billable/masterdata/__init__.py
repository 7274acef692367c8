"""Master data use cases: customers, projects, price lists, contracts."""
