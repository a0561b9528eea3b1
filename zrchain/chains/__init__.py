"""Chain-specific code, pure and deterministic: what an MPC key signs for each chain and how
its answers are checked (``keys``), transactions and addresses per chain (``cosmos``,
``evm``, ``bitcoin``, ``solana``) and the wallets of a key (``wallets``). Used by x/treasury
inside consensus, and by the MPC keeper and the EVM bridge outside it.
"""
