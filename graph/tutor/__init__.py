"""The AI tutor in the schema: threads, messages, askTutor, cancelTutorReply, tutorReply (issue 17)."""
