"""Background job records and their models."""
