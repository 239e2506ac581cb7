"""Exporters: a collection, a request or an exchange written in other tools' formats."""
