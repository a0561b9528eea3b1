"""x/authz: grants of Msg types from a granter to a grantee, MsgExec, expiry pruning."""
