"""The MPC keeper: the daemon a keyring party runs to answer key and signature requests.

Layout: ``derivation`` (BIP32 / SLIP-0010 and the per-key path scheme), ``seed`` (the party
seed, encrypted at rest), ``backend`` (the signer interface, shaped for threshold protocols),
``local`` (keys derived from the party seed), ``threshold`` (DKLs23 / FROST shares; its
schemes in ``tss``, peer network in ``peers`` over ``noise`` channels, share files in
``shares``), ``signatures`` (wire formats), ``answers`` (request -> fulfilment or
rejection), ``chainview`` (what the keeper reads and sends), ``state`` (the crash-safe
local state file), ``keeper`` (the engine), ``follower`` (new blocks), ``metrics``,
``logs``, ``config`` and ``cli``. See ``docs/mpc-keeper.md``.
"""
