"""GET /limits/: the limits of a Developer Edition org, each at its maximum but the daily API requests.

The names and maxima are those of a real Developer Edition org's answer (tests/emulator/recordings/
swiftly_limits.json); a client reading any of them finds it. Per-connected-app counters, which real orgs
nest under some daily limits, are left out: they name the recorded org's own apps."""

from __future__ import annotations

from typing import Any

DEVELOPER_EDITION_MAXIMA = {
    "AnalyticsExternalDataSizeMB": 40960,
    "BOZosCalloutHourlyLimit": 20000,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentEinsteinDataInsightsStoryCreation": 5,
    "ConcurrentEinsteinDiscoveryStoryCreation": 2,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAnalyticsUploadedFilesSizeMB": 51200,
    "DailyAsyncApexExecutions": 250000,
    "DailyBulkApiBatches": 15000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyEinsteinDataInsightsStoryCreation": 1000,
    "DailyEinsteinDiscoveryPredictAPICalls": 50000,
    "DailyEinsteinDiscoveryPredictionsByCDC": 500000,
    "DailyEinsteinDiscoveryStoryCreation": 100,
    "DailyFunctionsApiCallLimit": 50000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyStandardVolumePlatformEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 195,
    "DataStorageMB": 5,
    "DurableStreamingApiConcurrentClients": 20,
    "FileStorageMB": 20,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5000,
    "HourlyDashboardStatuses": 999999999,
    "HourlyLongTermIdMapping": 100000,
    "HourlyManagedContentPublicRequests": 50000,
    "HourlyODataCallout": 1000,
    "HourlyPublishedPlatformEvents": 50000,
    "HourlyPublishedStandardVolumePlatformEvents": 1000,
    "HourlyShortTermIdMapping": 100000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 50,
    "MassEmail": 10,
    "MonthlyEinsteinDiscoveryStoryCreation": 500,
    "MonthlyPlatformEventsUsageEntitlement": 0,
    "Package2VersionCreates": 6,
    "Package2VersionCreatesWithoutValidation": 500,
    "PermissionSets": 1500,
    "PrivateConnectOutboundCalloutHourlyLimitMB": 0,
    "SingleEmail": 15,
    "StreamingApiConcurrentClients": 20,
}


def limits_answer(daily_api_limit: int, api_calls: int) -> dict[str, Any]:
    answer: dict[str, Any] = {n: {"Max": m, "Remaining": m} for n, m in DEVELOPER_EDITION_MAXIMA.items()}
    answer["DailyApiRequests"] = {"Max": daily_api_limit, "Remaining": max(0, daily_api_limit - api_calls)}
    answer["PermissionSets"]["CreateCustom"] = {"Max": 1000, "Remaining": 1000}
    return dict(sorted(answer.items()))
