"""Helpers that run real nodes (CometBFT + zrchaind) for tests, benchmarks and localnets."""
