"""Durable storage: SQLAlchemy models and the database behind the services."""
