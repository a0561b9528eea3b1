"""x/validators: the authority-managed validator set (zrChain's hybrid `validation` module is
out of scope; see docs/COMPATIBILITY.md)."""
