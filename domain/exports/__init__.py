"""Exports: what graph/exports/ streams over HTTP, as rows read with server-side cursors.

Each export is an async generator of rows (tuples of plain values, or dicts for the JSON export)
over one read session that the caller opens with `reading_snapshot` and closes when the download
ends. Nothing here collects all rows: queries run with `yield_per`, so memory stays constant
whatever the size (bench/exports.py measures it).
"""
