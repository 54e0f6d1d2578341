"""Local stand-ins for outside services the store talks to, for tests on machines without them."""
