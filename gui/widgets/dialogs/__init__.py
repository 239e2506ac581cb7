"""Dialogs: variables and environments, certificates, cookies, proxy, saving a request, a
new collection."""
