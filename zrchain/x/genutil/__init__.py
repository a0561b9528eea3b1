"""x/genutil: genesis transactions (gentxs) that create the first validators."""
