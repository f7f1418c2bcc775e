"""Cron job wrappers: one small module per stored procedure or external fetch (job-runner issue)."""
