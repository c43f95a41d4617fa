"""Django's PostgreSQL backend with a health check that runs only on an idle connection (base.py)."""
