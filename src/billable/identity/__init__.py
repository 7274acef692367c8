"""Who may use Billable: users and their tokens."""
