"""What Gatepost keeps on this machine: keychain, scratch request, Sent requests, paths,
atomic writes."""
