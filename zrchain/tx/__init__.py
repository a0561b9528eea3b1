"""Cosmos transactions: decoding, signature checks, the ante pipeline and execution."""
