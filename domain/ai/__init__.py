"""AI question generation and free-text evaluation: requests, validation, storage."""
