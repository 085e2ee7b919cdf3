"""Answering, grading, XP, streaks and lesson progress."""
