"""Services behind the web routes: each route makes one call into one of these."""
