"""The AI tutor: threads of messages about one problem, replies streamed by a job (issue 17)."""
