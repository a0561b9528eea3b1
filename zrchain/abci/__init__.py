"""ABCI 2.0 transport: framing and the socket server. Knows nothing of modules."""
