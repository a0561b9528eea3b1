"""x/upgrade: software upgrade plans (gov authority), the halt at the plan height, handlers."""
