"""The learning record in the API: User.learningEvents and the LearningEvent type."""
