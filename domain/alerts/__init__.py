"""Instructor alerts: a student of a class turns at risk, the class's staff hear of it once per episode."""
