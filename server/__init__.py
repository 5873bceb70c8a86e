"""`cratedig serve`: the local HTTP API, a front end beside `cli/` and `tui/` (see server.app)."""
