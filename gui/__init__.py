"""Gatepost: a desktop HTTP request builder that shows every hop of an exchange."""

__version__ = "0.1.0"
