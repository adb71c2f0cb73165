"""Storage: SQLite (WAL, FTS5) by default, PostgreSQL by URL; one schema, one API for both."""
