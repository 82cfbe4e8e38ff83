"""States of the third-party pages: clients, suppliers, CRM, segments, imports."""
