"""Classes, membership and grades."""
