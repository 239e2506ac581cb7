"""Running requests with checks: assertions and captures declared in request files,
evaluated in Python (no scripts), a run over a collection, and its reports.

- declare.py  the YAML form of assertions and captures, read strictly and written back
- queries.py  what a query finds in an exchange (status, header, jmespath, xpath, ...)
- assertions.py / captures.py  evaluating them: results with expected vs actual
- data.py     CSV and JSON data files: one iteration per row
- run.py      Run: plan (Workspace) -> send (Engine) -> check -> capture, request by request
- reports.py  the terminal summary, the JSON report and the JUnit XML report

Nothing here imports Qt; the window runs a Run in a worker and shows its results.
"""
