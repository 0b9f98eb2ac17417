"""Start moto's server on loopback for one test, and stop it when the test ends.

Started by tests/common/mod.rs as `$GDAUDIT_MOTO_PYTHON tests/support/moto.py`, with
MOTO_ACCOUNT_ID set by the caller. Prints exactly one line, `READY http://127.0.0.1:<port>`,
once the server accepts connections -- that line is the only synchronisation the tests
use -- then serves until stdin is closed, so the server cannot outlive the test process
that started it (its end of the pipe closes however that process ends).

moto (5.2.5) answers two reads gdaudit makes on every run with a bare HTTP 404, which
would make every moto-backed audit "incomplete". Unless `--no-shims` is given, this
launcher adds minimal read-only handlers for them, built on moto's own state:
  - GuardDuty ListMembers: an empty member list for a detector that exists (moto has
    no members model), BadRequestException for one that does not, as AWS does.
  - Account ListRegions: the commercial-partition regions of moto's EC2 DescribeRegions,
    opt-in-not-required -> ENABLED_BY_DEFAULT, not-opted-in -> DISABLED.
Members in other relationship states, and faults, are tested with aws-smithy-mocks.
The configuration objects of issue 12 (ListFilters, IP sets, threat lists, publishing
destinations, Malware Protection plans, findings statistics) are shimmed the same way by
install_config_object_shims, seeded with `--seed FILE`; see there.

GDAUDIT_MOTO_VERBOSE=1 logs every request to stderr (which calls gdaudit makes).

Standard library and moto only.
"""

import json
import logging
import os
import sys

# This file is itself named moto.py, and Python puts its folder first on sys.path, where
# it would shadow the moto package. Drop that entry before importing moto.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]


def install_shims() -> None:
    """Teach moto the two reads it lacks; must run before the server's first request."""
    import moto.account.urls
    import moto.guardduty.urls
    from moto.account.responses import AccountResponse
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
    from moto.guardduty.responses import GuardDutyResponse

    def list_members(self: GuardDutyResponse) -> str:
        # GET /detector/{detectorId}/member
        detector_id = self.path.split("?")[0].split("/")[-2]
        self.guardduty_backend.get_detector(detector_id)  # raises as AWS does if unknown
        return json.dumps({"members": []})

    def list_regions(self: AccountResponse) -> str:
        # POST /listRegions
        wanted = self._get_param("RegionOptStatusContains") or []
        statuses = {
            "opt-in-not-required": "ENABLED_BY_DEFAULT",
            "not-opted-in": "DISABLED",
        }
        regions = [
            {"RegionName": r.name, "RegionOptStatus": statuses[r.opt_in_status]}
            for r in RegionsAndZonesBackend.regions
            if r.endpoint.endswith(".amazonaws.com") and not r.name.startswith("us-gov-")
        ]
        if wanted:
            regions = [r for r in regions if r["RegionOptStatus"] in wanted]
        return json.dumps({"Regions": regions})

    GuardDutyResponse.list_members = list_members
    moto.guardduty.urls.url_paths[
        "{0}/detector/(?P<detector_id>[^/]+)/member$"
    ] = GuardDutyResponse.dispatch
    AccountResponse.list_regions = list_regions
    moto.account.urls.url_paths["{0}/listRegions$"] = AccountResponse.dispatch


# ---------------------------------------------------------------------------------------
# Configuration objects (issue 12). moto 5.2.5 serves CreateFilter/GetFilter but not
# ListFilters, and none of IP sets, threat lists, publishing destinations, Malware
# Protection plans or findings. These read-only handlers answer them: ListFilters from
# moto's own filters, the rest from a seed file (`--seed FILE`, JSON) read at start-up,
# per region:
#   {"regions": {"eu-west-1": {
#       "ip_sets": [{"id", "name", "status", "location", "format", "tags"}],
#       "threat_intel_sets": [same],
#       "publishing_destinations": [{"id", "status", "destinationArn", "kmsKeyArn"}],
#       "malware_protection_plans": [{"id", "status", "bucket", "statusReasons"}],
#       "findings": [{"type", "severity", "age_days", "archived"}],
#       "deny": ["ListFilters", ...]}}}
# Detector-scoped objects answer for any detector that exists in the region (the seed is
# written before the detectors are created). "deny" answers AccessDeniedException, as AWS
# does for a caller without the permission.


def install_config_object_shims(seed: dict) -> None:
    import datetime
    import time

    import moto.guardduty.urls
    from moto.guardduty.responses import GuardDutyResponse

    regions = seed.get("regions", {})
    now = time.time()

    def region_seed(self: GuardDutyResponse) -> dict:
        return regions.get(self.region, {})

    from moto.core.exceptions import JsonRESTError

    class AccessDenied(JsonRESTError):
        code = 403

    def denied(self: GuardDutyResponse, operation: str) -> None:
        if operation in region_seed(self).get("deny", []):
            raise AccessDenied("AccessDeniedException", f"not authorized to perform guardduty:{operation}")

    def detector_of(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        # /detector/{id}/...: raises as AWS does for a detector that does not exist.
        detector_id = self.path.split("?")[0].split("/")[2]
        return self.guardduty_backend.get_detector(detector_id)

    def last_part(self: GuardDutyResponse) -> str:
        return self.path.split("?")[0].rstrip("/").split("/")[-1]

    def list_filters(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "ListFilters")
        detector = detector_of(self)
        return json.dumps({"filterNames": sorted(detector.filters)})

    def listed(seed_key: str, result_key: str, operation: str):  # type: ignore[no-untyped-def]
        def handler(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
            denied(self, operation)
            detector_of(self)
            return json.dumps({result_key: [x["id"] for x in region_seed(self).get(seed_key, [])]})

        return handler

    def find(self: GuardDutyResponse, seed_key: str) -> dict:
        wanted = last_part(self)
        for item in region_seed(self).get(seed_key, []):
            if item["id"] == wanted:
                return item
        raise KeyError(wanted)

    def got_list(seed_key: str, operation: str):  # type: ignore[no-untyped-def]
        def handler(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
            denied(self, operation)
            detector_of(self)
            item = find(self, seed_key)
            return json.dumps({
                "name": item.get("name", item["id"]),
                "format": item.get("format", "TXT"),
                "location": item.get("location", ""),
                "status": item.get("status", "ACTIVE"),
                "tags": item.get("tags", {}),
            })

        return handler

    def list_publishing_destinations(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "ListPublishingDestinations")
        detector_of(self)
        return json.dumps({"destinations": [
            {"destinationId": d["id"], "destinationType": "S3", "status": d.get("status", "PUBLISHING")}
            for d in region_seed(self).get("publishing_destinations", [])
        ]})

    def describe_publishing_destination(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "DescribePublishingDestination")
        detector_of(self)
        d = find(self, "publishing_destinations")
        properties = {"destinationArn": d.get("destinationArn", "")}
        if d.get("kmsKeyArn"):
            properties["kmsKeyArn"] = d["kmsKeyArn"]
        return json.dumps({
            "destinationId": d["id"],
            "destinationType": "S3",
            "status": d.get("status", "PUBLISHING"),
            "publishingFailureStartTimestamp": d.get("publishingFailureStartTimestamp", 0),
            "destinationProperties": properties,
        })

    def list_malware_protection_plans(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "ListMalwareProtectionPlans")
        return json.dumps({"malwareProtectionPlans": [
            {"malwareProtectionPlanId": p["id"]} for p in region_seed(self).get("malware_protection_plans", [])
        ]})

    def get_malware_protection_plan(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "GetMalwareProtectionPlan")
        p = find(self, "malware_protection_plans")
        return json.dumps({
            "arn": f"arn:aws:guardduty:{self.region}:{self.current_account}:malware-protection-plan/{p['id']}",
            "role": p.get("role", f"arn:aws:iam::{self.current_account}:role/malware-scan"),
            "protectedResource": {"s3Bucket": {"bucketName": p.get("bucket", ""), "objectPrefixes": []}},
            "status": p.get("status", "ACTIVE"),
            "statusReasons": p.get("statusReasons", []),
            "tags": {},
        })

    # Findings: seeded with an age; updatedAt is that many days before moto started.
    def findings_of(self: GuardDutyResponse) -> list:
        out = []
        for i, f in enumerate(region_seed(self).get("findings", [])):
            updated = now - float(f.get("age_days", 0)) * 86400
            out.append({
                "id": f.get("id", f"seeded{i:04d}"),
                "type": f.get("type", "Backdoor:EC2/C&CActivity.B"),
                "severity": float(f["severity"]),
                "archived": bool(f.get("archived", False)),
                "updated_ms": int(updated * 1000),
                "updatedAt": datetime.datetime.fromtimestamp(updated, datetime.timezone.utc)
                .strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            })
        return out

    def value_of(finding: dict, field: str):  # type: ignore[no-untyped-def]
        return {
            "severity": finding["severity"],
            "updatedAt": finding["updated_ms"],
            "service.archived": "true" if finding["archived"] else "false",
            "type": finding["type"],
            "id": finding["id"],
        }.get(field)

    def matches(finding: dict, criteria: dict) -> bool:
        for field, cond in (criteria or {}).get("criterion", {}).items():
            v = value_of(finding, field)
            if v is None:
                return False
            for op, arg in cond.items():
                if op in ("eq", "equals") and str(v) not in [str(a) for a in arg] and v not in arg:
                    return False
                if op in ("neq", "notEquals") and (str(v) in [str(a) for a in arg]):
                    return False
                if op in ("gt", "greaterThan") and not v > arg:
                    return False
                if op in ("gte", "greaterThanOrEqual") and not v >= arg:
                    return False
                if op in ("lt", "lessThan") and not v < arg:
                    return False
                if op in ("lte", "lessThanOrEqual") and not v <= arg:
                    return False
        return True

    def body(self: GuardDutyResponse) -> dict:
        return json.loads(self.body or "{}")

    def get_findings_statistics(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "GetFindingsStatistics")
        detector_of(self)
        criteria = body(self).get("findingCriteria")
        counts: dict = {}
        for f in findings_of(self):
            if matches(f, criteria):
                counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        return json.dumps({"findingStatistics": {"groupedBySeverity": [
            {"severity": sev, "totalFindings": n} for sev, n in sorted(counts.items())
        ]}})

    def list_findings(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "ListFindings")
        detector_of(self)
        request = body(self)
        found = [f for f in findings_of(self) if matches(f, request.get("findingCriteria"))]
        sort = request.get("sortCriteria") or {}
        if sort.get("attributeName") == "updatedAt":
            found.sort(key=lambda f: f["updated_ms"], reverse=sort.get("orderBy") == "DESC")
        limit = int(request.get("maxResults") or 50)
        return json.dumps({"findingIds": [f["id"] for f in found[:limit]]})

    def get_findings(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        denied(self, "GetFindings")
        detector_of(self)
        wanted = set(body(self).get("findingIds", []))
        return json.dumps({"findings": [
            {
                "accountId": self.current_account,
                "arn": f"arn:aws:guardduty:{self.region}:{self.current_account}:detector/x/finding/{f['id']}",
                "createdAt": f["updatedAt"],
                "id": f["id"],
                "region": self.region,
                "resource": {},
                "schemaVersion": "2.0",
                "severity": f["severity"],
                "type": f["type"],
                "updatedAt": f["updatedAt"],
            }
            for f in findings_of(self) if f["id"] in wanted
        ]})

    GuardDutyResponse.list_filters = list_filters
    GuardDutyResponse.list_ip_sets = listed("ip_sets", "ipSetIds", "ListIPSets")
    GuardDutyResponse.get_ip_set = got_list("ip_sets", "GetIPSet")
    GuardDutyResponse.list_threat_intel_sets = listed("threat_intel_sets", "threatIntelSetIds", "ListThreatIntelSets")
    GuardDutyResponse.get_threat_intel_set = got_list("threat_intel_sets", "GetThreatIntelSet")
    GuardDutyResponse.list_publishing_destinations = list_publishing_destinations
    GuardDutyResponse.describe_publishing_destination = describe_publishing_destination
    GuardDutyResponse.list_malware_protection_plans = list_malware_protection_plans
    GuardDutyResponse.get_malware_protection_plan = get_malware_protection_plan
    GuardDutyResponse.get_findings_statistics = get_findings_statistics
    GuardDutyResponse.list_findings = list_findings
    GuardDutyResponse.get_findings = get_findings
    detector = "{0}/detector/(?P<detector_id>[^/]+)"
    for path in [
        "/ipset$", "/ipset/(?P<id>[^/]+)$",
        "/threatintelset$", "/threatintelset/(?P<id>[^/]+)$",
        "/publishingDestination$", "/publishingDestination/(?P<id>[^/]+)$",
        "/findings$", "/findings/statistics$", "/findings/get$",
    ]:
        moto.guardduty.urls.url_paths[detector + path] = GuardDutyResponse.dispatch
    moto.guardduty.urls.url_paths["{0}/malware-protection-plan$"] = GuardDutyResponse.dispatch
    moto.guardduty.urls.url_paths["{0}/malware-protection-plan/(?P<id>[^/]+)$"] = GuardDutyResponse.dispatch


def seed_from_args(args: list) -> dict:
    """`--seed FILE`: the configuration objects to serve (see above); none by default."""
    for i, arg in enumerate(args):
        if arg == "--seed" and i + 1 < len(args):
            with open(args[i + 1], encoding="utf-8") as f:
                return json.load(f)
    return {}


def latency_from_args(args: list) -> float:
    """`--latency-ms N`: seconds of delay before each request (benchmarks only)."""
    for i, arg in enumerate(args):
        if arg == "--latency-ms" and i + 1 < len(args):
            return float(args[i + 1]) / 1000.0
    return 0.0


def add_latency(seconds: float) -> None:
    """Delay every request, as the network does between a client and AWS (tens of ms).

    Used by scripts/bench-detectors only: moto answers from one Python process in a few
    milliseconds, so without it a benchmark measures moto's own CPU time, not how well the
    client overlaps its calls. The delay sleeps (releasing the GIL), so concurrent requests
    wait concurrently, as they would on a network.
    """
    import time

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__

    def delayed(self, environ, start_response):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return original(self, environ, start_response)

    DomainDispatcherApplication.__call__ = delayed  # type: ignore[method-assign]


def main() -> int:
    if not os.environ.get("MOTO_ACCOUNT_ID"):
        print("moto.py: MOTO_ACCOUNT_ID must be set by the caller", file=sys.stderr)
        return 2

    # werkzeug logs every request; the tests only want to hear about failures.
    if not os.environ.get("GDAUDIT_MOTO_VERBOSE"):
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from moto.server import ThreadedMotoServer

    if "--no-shims" not in sys.argv[1:]:
        install_shims()
        install_config_object_shims(seed_from_args(sys.argv[1:]))
    latency = latency_from_args(sys.argv[1:])
    if latency:
        add_latency(latency)

    # Port 0: the kernel picks a free port while binding, and start() returns only once
    # the socket is bound and listening, so READY is true when printed and no other
    # process can take the port in between. verbose=False: moto would otherwise print a
    # banner to stdout ahead of READY.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    sys.stdout.write(f"READY http://{host}:{port}\n")
    sys.stdout.flush()

    # Serve until the parent closes our stdin, which also happens if it dies.
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
