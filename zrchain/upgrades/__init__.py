"""Upgrade handlers shipped with this version, one module per upgrade (x/upgrade/handlers.py)."""
