"""The `psoascare` command line: one module per command group, each a thin wrapper over plain functions."""
