"""zrChain in Python: an ABCI 2.0 application for the real CometBFT v0.38 binary."""

__version__ = "0.1.0"
APP_NAME = "zrchaind"
