"""Clients of a running node: CometBFT RPC, queries and tx building."""
