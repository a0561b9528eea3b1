"""x/bank: balances, supply, MsgSend/MsgMultiSend, module-account transfers."""
