"""In-process chains for identity unit tests (real LevelDB, signed txs)."""

from zrchain.testing.identity_policy import chain, free_chain

__all__ = ["chain", "free_chain"]
