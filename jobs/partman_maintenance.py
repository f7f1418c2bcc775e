"""partman-maintenance: pg_partman's run_maintenance() for the tables handed to pg_partman
(upcoming partitions, its retention); a no-op with a notice when the extension is not installed
or manages no table."""

from __future__ import annotations

from jobs.base import ProcedureCronApp


class PartmanMaintenanceCronApp(ProcedureCronApp):
    app_name = "partman-maintenance"
    procedure = "run_partman_maintenance"
