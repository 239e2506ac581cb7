"""The left panes: the collections tree and Sent requests."""
