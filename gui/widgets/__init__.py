"""The window's widgets. They hold no HTTP or file-format logic: that is gui.core."""
