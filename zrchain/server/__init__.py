"""The three doors onto one query router: ABCI Query, gRPC and the REST gateway."""
