"""Statistics and live dashboards: the figures managers follow (revenue, margins, order book,
pipeline, unpaid invoices), each measure defined once in `measures` and computed by SQL
aggregation over what the other areas keep. Statistics reads every area; no area reads it."""
