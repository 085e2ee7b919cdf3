"""Live quiz games: a host runs a lesson as a timed game, players join by PIN (docs/games.md)."""
