"""One module per `keylint` subcommand: `configure(parser)` and `run(args) -> int`."""
