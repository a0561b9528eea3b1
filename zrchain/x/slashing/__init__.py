"""x/slashing: downtime jailing and slashing, unjail, signing infos (cosmos.slashing.v1beta1)."""
