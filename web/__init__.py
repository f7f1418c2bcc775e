"""The Bottle WSGI app: collector endpoint, report pages, API (collector and web issues)."""
