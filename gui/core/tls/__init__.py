"""TLS: trust, CA bundles and client certificates, per host; what a hop saw."""
