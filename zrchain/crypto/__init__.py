"""Account keys: BIP39 mnemonics, BIP32/BIP44 derivation, secp256k1 signing, the keyring."""
