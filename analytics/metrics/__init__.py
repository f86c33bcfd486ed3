"""Pure metric functions: (connection, snapshot, filters) -> DataFrame. Amounts in 万元."""
