"""HTTP on the wire: the engine, its network backend, the exchange record."""
