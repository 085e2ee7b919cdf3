"""Courses, lessons, problems, topics: authoring, import, reads and demo content."""
