"""The response side of a tab: status, body views, headers, Timeline."""
