"""Collections on disk: the tree, reading, writing, keychain places."""
