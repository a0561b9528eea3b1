"""In-process chains for authz unit tests: alice, bob, carol, dave funded."""

from zrchain.testing.identity_policy import chain, free_chain

__all__ = ["chain", "free_chain"]
