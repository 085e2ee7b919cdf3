"""The learning record: an append-only journal of what each learner did, and what it adds up to."""
