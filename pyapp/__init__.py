"""crashstats: the thin Python layer over the PostgreSQL "breakpad" schema."""

__version__ = "0.1.0"
