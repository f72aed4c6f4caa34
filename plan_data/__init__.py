"""plan_data."""
