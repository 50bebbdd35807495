"""Services: the rules of the app (roles, storage, reports) between the pages and the engine."""
