"""CLI subcommands: every module here has ``register(subparsers)``; :mod:`ti10cu2_lib.cli` discovers them."""
