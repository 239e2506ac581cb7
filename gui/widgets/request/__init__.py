"""The request side of a tab: editor, body, auth, and the tab itself."""
