"""zrChain's x/mint (zrchain.mint.v1beta1): docs/mint.md."""
