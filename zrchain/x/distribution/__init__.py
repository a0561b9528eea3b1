"""x/distribution: the SDK F1 fee distribution (cosmos.distribution.v1beta1)."""
