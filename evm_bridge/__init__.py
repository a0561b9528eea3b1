"""EVM bridge for zrSign: follows ZrSign contracts on several EVM networks and forwards their
requests to zrChain (Omni); optionally writes answers back (Direct) and relays signed txs.

Layout: ``config`` (TOML file), ``evm_rpc`` (JSON-RPC with batching), ``state`` (persisted
cursor, block hashes, deferred work; atomic writes), ``follower`` (reorg-safe log follower),
``ingest`` (events -> zrChain messages, ``cache_id``), ``gateway`` (zrChain side),
``responder`` (Direct responses and relaying), ``daemon`` (threads), ``cli`` (click group).
See docs/evm-bridge.md. Nothing is imported here, so mounting the CLI group costs no web3
import until a command runs.
"""
