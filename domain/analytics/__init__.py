"""Grade analytics computed in SQL and cached: per student (student.py) and per class (class_stats.py,
items.py), with the rules in rules.py and cache invalidation in invalidation.py."""
