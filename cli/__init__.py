"""The `cratedig` command line: one parser, where no subcommand opens the app. A front end beside
`tui/`: it reaches the engine only through `engine.api` and `engine.errors`."""
