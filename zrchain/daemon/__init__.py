"""What the two daemons (the MPC keeper, ``zrchain.mpc``, and the EVM bridge, ``evm_bridge``)
share: structured logs with secret redaction (``logs``), TOML config reading with typed
tables (``config``), crash-safe private files and single-owner locks (``files``)."""
