"""Where a run's conversation history is kept between runs.

`Session` (`base`) is the protocol a run talks to; `MemorySession` (`memory`) keeps history in
this process, `SQLiteSession` (`sqlite`) in an SQLite database, the embedded default, and
`SQLAlchemySession` (`sqlalchemy`, the `structagents[sqlalchemy]` extra) in PostgreSQL or any
other database SQLAlchemy supports.
"""
