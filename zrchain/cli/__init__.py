"""zrchaind: the node and client command line."""
