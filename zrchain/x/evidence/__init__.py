"""x/evidence: double-signing reported by CometBFT (cosmos.evidence.v1beta1)."""
