"""Modules (x/<name>), each owning its store."""
