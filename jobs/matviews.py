"""The report procedures as jobs (Socorro's socorro/cron/jobs/matviews.py).

Each class names the stored procedure it calls and the day it computes: the daily ("matview")
jobs compute yesterday (UTC) of the interval they run for; reports-clean cleans the hour
before last; duplicates looks at two overlapping hours before that. Adding a report is a few
lines here plus a line in :data:`jobs.registry.DEFAULT_JOBS`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import MatviewCronApp, ProcedureCronApp, hour_start

SOCORRO = "socorro.cron.jobs.matviews."


class DuplicatesCronApp(ProcedureCronApp):
    """update_reports_duplicates over [hour-3h, hour-2h) and [hour-2h30, hour-1h30), hourly."""

    app_name = "duplicates"
    procedure = "update_reports_duplicates"
    backfill = True
    socorro_class = SOCORRO + "DuplicatesCronApp"

    def calls(self, when: dt.datetime) -> list[tuple[str, tuple[Any, ...]]]:
        start = hour_start(when) - dt.timedelta(hours=3)
        later = start + dt.timedelta(minutes=30)
        hour = dt.timedelta(hours=1)
        return [(self.procedure, (start, start + hour)), (self.procedure, (later, later + hour))]


class ReportsCleanCronApp(ProcedureCronApp):
    """update_reports_clean(the hour before last), hourly; one-hour window (the default)."""

    app_name = "reports-clean"
    procedure = "update_reports_clean"
    backfill = True
    depends_on = ("duplicates",)
    socorro_class = SOCORRO + "ReportsCleanCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (hour_start(when) - dt.timedelta(hours=2),)


class ProductVersionsCronApp(ProcedureCronApp):
    """update_product_versions(): cumulative, no day (Socorro's _MatViewBase)."""

    app_name = "product-versions-matview"
    procedure = "update_product_versions"
    depends_on = ("reports-clean",)
    socorro_class = SOCORRO + "ProductVersionsCronApp"
    refreshes_web_cache = True


class SignaturesCronApp(MatviewCronApp):
    app_name = "signatures-matview"
    procedure = "update_signatures"
    depends_on = ("reports-clean",)
    socorro_class = SOCORRO + "SignaturesCronApp"


class TCBSCronApp(MatviewCronApp):
    app_name = "tcbs-matview"
    procedure = "update_tcbs"
    depends_on = ("product-versions-matview", "signatures-matview", "reports-clean")
    socorro_class = SOCORRO + "TCBSCronApp"


class TCBSBuildCronApp(MatviewCronApp):
    app_name = "tcbs-build-matview"
    procedure = "update_tcbs_build"
    depends_on = ("product-versions-matview", "signatures-matview", "reports-clean")
    socorro_class = SOCORRO + "TCBSBuildCronApp"


class ExploitabilityCronApp(MatviewCronApp):
    app_name = "exploitability-matview"
    procedure = "update_exploitability"
    depends_on = ("tcbs-matview", "reports-clean")
    socorro_class = SOCORRO + "ExploitabilityCronApp"


class RankCompareCronApp(MatviewCronApp):
    app_name = "rank-compare-matview"
    procedure = "update_rank_compare"
    depends_on = ("product-versions-matview", "reports-clean")
    socorro_class = SOCORRO + "RankCompareCronApp"


class _SignatureSummary(MatviewCronApp):
    depends_on = ("reports-clean", "product-versions-matview")


class SignatureSummaryProductsCronApp(_SignatureSummary):
    app_name = "update-signature-summary-products"
    procedure = "update_signature_summary_products"
    socorro_class = SOCORRO + "SignatureSummaryProductsCronApp"


class SignatureSummaryInstallationsCronApp(_SignatureSummary):
    app_name = "update-signature-summary-installations"
    procedure = "update_signature_summary_installations"
    socorro_class = SOCORRO + "SignatureSummaryInstallationsCronApp"


class SignatureSummaryUptimeCronApp(_SignatureSummary):
    app_name = "update-signature-summary-uptime"
    procedure = "update_signature_summary_uptime"
    socorro_class = SOCORRO + "SignatureSummaryUptimeCronApp"


class SignatureSummaryOsCronApp(_SignatureSummary):
    app_name = "update-signature-summary-os"
    procedure = "update_signature_summary_os"
    socorro_class = SOCORRO + "SignatureSummaryOsCronApp"


class SignatureSummaryProcessTypeCronApp(_SignatureSummary):
    app_name = "update-signature-summary-process-type"
    procedure = "update_signature_summary_process_type"
    socorro_class = SOCORRO + "SignatureSummaryProcessTypeCronApp"


class SignatureSummaryArchitectureCronApp(_SignatureSummary):
    app_name = "update-signature-summary-architecture"
    procedure = "update_signature_summary_architecture"
    socorro_class = SOCORRO + "SignatureSummaryArchitectureCronApp"


class SignatureSummaryFlashVersionCronApp(_SignatureSummary):
    app_name = "update-signature-summary-flash-version"
    procedure = "update_signature_summary_flash_version"
    socorro_class = SOCORRO + "SignatureSummaryFlashVersionCronApp"


class SignatureSummaryDeviceCronApp(_SignatureSummary):
    app_name = "update-signature-summary-device"
    procedure = "update_signature_summary_device"
    socorro_class = SOCORRO + "SignatureSummaryDeviceCronApp"


class SignatureSummaryGraphicsCronApp(_SignatureSummary):
    app_name = "update-signature-summary-graphics"
    procedure = "update_signature_summary_graphics"
    socorro_class = SOCORRO + "SignatureSummaryGraphicsCronApp"


class ADUCronApp(MatviewCronApp):
    app_name = "adu-matview"
    procedure = "update_adu"
    depends_on = ("fetch-adi", "reports-clean")
    socorro_class = SOCORRO + "ADUCronApp"


class BuildADUCronApp(MatviewCronApp):
    app_name = "build-adu-matview"
    procedure = "update_build_adu"
    depends_on = ("fetch-adi", "reports-clean")
    socorro_class = SOCORRO + "BuildADUCronApp"


class CrashesByUserCronApp(MatviewCronApp):
    app_name = "crashes-by-user-matview"
    procedure = "update_crashes_by_user"
    depends_on = ("adu-matview", "reports-clean")
    socorro_class = SOCORRO + "CrashesByUserCronApp"


class CrashesByUserBuildCronApp(MatviewCronApp):
    app_name = "crashes-by-user-build-matview"
    procedure = "update_crashes_by_user_build"
    depends_on = ("build-adu-matview", "reports-clean")
    socorro_class = SOCORRO + "CrashesByUserBuildCronApp"


class HomePageGraphCronApp(MatviewCronApp):
    app_name = "home-page-graph-matview"
    procedure = "update_home_page_graph"
    depends_on = ("adu-matview", "reports-clean")
    socorro_class = SOCORRO + "HomePageGraphCronApp"


class HomePageGraphBuildCronApp(MatviewCronApp):
    app_name = "home-page-graph-matview-build"
    procedure = "update_home_page_graph_build"
    depends_on = ("build-adu-matview", "reports-clean")
    socorro_class = SOCORRO + "HomePageGraphBuildCronApp"


class CrashAduByBuildSignatureCronApp(MatviewCronApp):
    app_name = "update-crash-adu-by-build-signature"
    procedure = "update_crash_adu_by_build_signature"
    depends_on = ("adu-matview", "reports-clean", "build-adu-matview")
    socorro_class = SOCORRO + "CrashAduByBuildSignatureCronApp"


class GCCrashes(MatviewCronApp):
    app_name = "update-gccrashes"
    procedure = "update_gccrashes"
    depends_on = ("reports-clean", "build-adu-matview")
    socorro_class = SOCORRO + "GCCrashes"


class ExplosivenessCronApp(MatviewCronApp):
    app_name = "explosiveness-matview"
    procedure = "update_explosiveness"
    depends_on = ("tcbs-matview", "adu-matview", "reports-clean")
    socorro_class = SOCORRO + "ExplosivenessCronApp"


class SearchFacetsCronApp(MatviewCronApp):
    """update_search_facets(yesterday): Super Search's daily roll-up of reports (its totals and
    facets over whole days; Socorro counted those in Elasticsearch, so it has no such job). The
    numbers Super Search gives do not change, so the web cache is left alone."""

    app_name = "search-facets"
    procedure = "update_search_facets"
    refreshes_web_cache = False
