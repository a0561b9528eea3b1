"""x/gov: the SDK's gov v1 (proposals of Msgs signed by the gov account, deposits, votes, tally)."""
