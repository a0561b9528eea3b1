"""Protobuf codecs, type registry, addresses and JSON."""
