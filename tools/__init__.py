"""Developer tools that are not part of the running app (the sample ledger generator)."""
