"""x/auth: accounts (BaseAccount, module accounts), account numbers, sequences, params."""
