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
Faults are tested with aws-smithy-mocks.

GuardDuty's organization operations, which moto 5.2.5 lacks or answers for one account
only, are served over a small seeded state (the GuardDuty organization: who is the
delegated administrator per region, its members, auto-enable, coverage), while everything
else comes from moto's own state -- the organization and its accounts (moto
Organizations), each member's detector and its features (moto GuardDuty, in the member's
own account), and who the caller is (moto's STS/IAM access keys):
  - ListOrganizationAdminAccounts: the seeded administrator, answered to the management
    account and to the administrator; AccessDeniedException to anyone else.
  - GetAdministratorAccount: the seeded administrator and the caller's relationship
    status when the caller is a seeded member; nothing otherwise.
  - ListMembers: for the administrator, the seeded members, paginated (maxResults,
    nextToken), onlyAssociated=false for every relationship status, else only Enabled
    ones; each member's detectorId is its real moto detector in that region.
  - DescribeOrganizationConfiguration: the seeded auto-enable settings, to the
    administrator; BadRequestException to anyone else, as AWS answers.
  - GetMemberDetectors: each account's real detector features (or the member's seeded
    `features`, which benchmarks use instead of creating thousands of detectors);
    unprocessedAccounts, with a reason, for accounts that are not members, not Enabled, or
    have no detector in the region.
  - GetCoverageStatistics: the seeded counts.
  - Organizations reads from a member account that is a registered delegated administrator
    (RegisterDelegatedAdministrator, served by moto) answer from the management account's
    organization, as AWS lets a delegated administrator read it; moto would answer an empty
    list. Other member accounts get AccessDeniedException.
Until a state is seeded, GuardDuty behaves as moto's own (with the ListMembers shim above).

Started with `--multi-account` (organization tests), requests act in the account of their
access key: see use_access_key_accounts().

With `"require_roles": true` in the seeded state, sts:AssumeRole answers AccessDenied for a
role that does not exist in its account's IAM (moto alone lets any role be assumed).

Seeding: a test POSTs the state as JSON to `<endpoint>/moto-api/gdaudit/guardduty-org`
(moto's test-only API path; never an AWS path), replacing any earlier state:
    {"regions": {"*": REGION, "eu-west-1": REGION, ...}}
where "*" applies to every region without an entry of its own, and REGION is
    {"admin": "ACCOUNT_ID",
     "auto_enable_members": "ALL" | "NEW" | "NONE",
     "features": [{"name": "S3_DATA_EVENTS", "auto_enable": "NEW",
                   "additional": [{"name": "EKS_ADDON_MANAGEMENT", "auto_enable": "NEW"}]}],
     "members": [{"account_id": "...", "email": "...", "relationship_status": "Enabled",
                  "features": [optional, as in GetDetector]}],
     "coverage": {"by_status": {"HEALTHY": 3}, "by_resource_type": {"EKS": 3}},
     "deny": ["ListOrganizationAdminAccounts"]}   (optional: that call is denied there)

With `--lookup-events PAGES`, CloudTrail LookupEvents (which moto answers with HTTP 500) is
served too, for the pacing tests: PAGES pages of two GuardDuty change events per region,
linked by NextToken. `--throttle RATE` answers that fraction of requests (a fixed pseudo-random
sequence per region) with ThrottlingException, and `--request-log FILE` appends one line per
LookupEvents request as it arrives: `<region> <monotonic seconds> <served|throttled>`.
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
    install_org_shims(list_members)


# The seeded GuardDuty organization (see the module docstring); replaced as a whole.
_org_state: dict = {}


def _org_region(region: str):
    regions = _org_state.get("regions") or {}
    return regions.get(region) or regions.get("*")


def install_org_shims(plain_list_members) -> None:  # type: ignore[no-untyped-def]
    """GuardDuty organization reads over the seeded state, and Organizations reads for a
    delegated administrator; see the module docstring."""
    import threading

    import moto.guardduty.urls
    import moto.moto_api._internal.urls
    from moto.core.exceptions import JsonRESTError
    from moto.guardduty.models import guardduty_backends
    from moto.guardduty.responses import GuardDutyResponse
    from moto.organizations.models import OrganizationsBackend, organizations_backends

    lock = threading.Lock()

    class AccessDenied(JsonRESTError):
        code = 403

        def __init__(self, message: str) -> None:
            super().__init__("AccessDeniedException", message)

        def get_headers(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return [("X-Amzn-ErrorType", "AccessDeniedException")]

    class BadRequest(JsonRESTError):
        code = 400

        def __init__(self, message: str) -> None:
            super().__init__("BadRequestException", message)

        def get_headers(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return [("X-Amzn-ErrorType", "BadRequestException")]

    def seed(request, full_url, headers):  # type: ignore[no-untyped-def]
        if request.method != "POST":
            return 400, {}, json.dumps({"Error": "POST the state as JSON"})
        size = int(headers.get("Content-Length") or 0)
        state = json.loads(request.environ["wsgi.input"].read(size) or b"{}")
        with lock:
            _org_state.clear()
            _org_state.update(state)
            # Indexes for the per-request lookups.
            for region in (state.get("regions") or {}).values():
                region["_by_id"] = {m["account_id"]: m for m in region.get("members", [])}
        return 200, {}, json.dumps({"status": "ok"})

    moto.moto_api._internal.urls.url_paths["{0}/moto-api/gdaudit/guardduty-org$"] = seed

    def management_account(account_id: str):  # type: ignore[no-untyped-def]
        """The management account of the organization `account_id` belongs to, if any."""
        if account_id in organizations_backends.master_accounts:
            return organizations_backends.master_accounts[account_id][0]
        org = organizations_backends[account_id]["aws"].org
        return org.master_account_id if org else None

    def own_detector(response: GuardDutyResponse) -> None:
        detector_id = response.path.split("?")[0].split("/")[2]
        response.guardduty_backend.get_detector(detector_id)  # raises as AWS does

    def member_detector(account_id: str, region: str):  # type: ignore[no-untyped-def]
        detectors = guardduty_backends[account_id][region].detectors
        return next(iter(detectors.values()), None)

    original_admins = GuardDutyResponse.list_organization_admin_accounts
    original_administrator = GuardDutyResponse.get_administrator_account

    def list_organization_admin_accounts(self: GuardDutyResponse) -> str:
        state = _org_region(self.region)
        if state is None:
            return original_admins(self)
        caller = self.current_account
        # A seeded fault: "deny": ["ListOrganizationAdminAccounts"] in a region's state, as
        # an SCP denying the call there would.
        if "ListOrganizationAdminAccounts" in state.get("deny", []):
            raise AccessDenied(
                "User is not authorized to perform: guardduty:ListOrganizationAdminAccounts "
                "with an explicit deny in a service control policy"
            )
        if caller != state.get("admin") and caller != management_account(caller):
            raise AccessDenied(
                "The request is rejected because the current account is not the "
                "organization's management account or delegated administrator."
            )
        admins = [{"adminAccountId": state["admin"], "adminStatus": "ENABLED"}]
        return json.dumps({"adminAccounts": admins})

    def get_administrator_account(self: GuardDutyResponse) -> str:
        state = _org_region(self.region)
        if state is None:
            return original_administrator(self)
        own_detector(self)
        member = state["_by_id"].get(self.current_account)
        if member is None:
            return json.dumps({})
        return json.dumps(
            {
                "administrator": {
                    "accountId": state["admin"],
                    "invitationId": "seeded",
                    "relationshipStatus": member["relationship_status"],
                }
            }
        )

    def list_members(self: GuardDutyResponse) -> str:
        state = _org_region(self.region)
        if state is None or self.current_account != state.get("admin"):
            return plain_list_members(self)
        own_detector(self)
        query = self.querystring
        only_associated = (query.get("onlyAssociated") or ["true"])[0] != "false"
        limit = int((query.get("maxResults") or ["50"])[0])
        start = int((query.get("nextToken") or ["0"])[0] or 0)
        members = state.get("members", [])
        if only_associated:
            members = [m for m in members if m["relationship_status"] == "Enabled"]
        page = members[start : start + limit]
        out = []
        for m in page:
            entry = {
                "accountId": m["account_id"],
                "masterId": state["admin"],
                "administratorId": state["admin"],
                "email": m.get("email", ""),
                "relationshipStatus": m["relationship_status"],
                "updatedAt": "2026-11-01T00:00:00.000Z",
            }
            detector = member_detector(m["account_id"], self.region)
            if detector is not None:
                entry["detectorId"] = detector.id
            out.append(entry)
        result = {"members": out}
        if start + limit < len(members):
            result["nextToken"] = str(start + limit)
        return json.dumps(result)

    def admin_state(self: GuardDutyResponse):  # type: ignore[no-untyped-def]
        state = _org_region(self.region)
        own_detector(self)
        if state is None or self.current_account != state.get("admin"):
            raise BadRequest(
                "The request is rejected because the current account is not the "
                "delegated administrator of the organization."
            )
        return state

    def describe_organization_configuration(self: GuardDutyResponse) -> str:
        state = admin_state(self)
        auto = state.get("auto_enable_members", "NONE")
        features = [
            {
                "name": f["name"],
                "autoEnable": f["auto_enable"],
                "additionalConfiguration": [
                    {"name": a["name"], "autoEnable": a["auto_enable"]}
                    for a in f.get("additional", [])
                ],
            }
            for f in state.get("features", [])
        ]
        return json.dumps(
            {
                "autoEnable": auto != "NONE",
                "autoEnableOrganizationMembers": auto,
                "memberAccountLimitReached": False,
                "features": features,
            }
        )

    def get_member_detectors(self: GuardDutyResponse) -> str:
        state = admin_state(self)
        configurations, unprocessed = [], []
        for account_id in self._get_param("accountIds") or []:
            member = state["_by_id"].get(account_id)
            if member is None:
                unprocessed.append(
                    {"accountId": account_id,
                     "result": "The request is rejected because the given account ID is not "
                               "associated with the administrator account."}
                )
                continue
            if member["relationship_status"] != "Enabled":
                unprocessed.append(
                    {"accountId": account_id,
                     "result": f"The member account is not enabled (relationship status "
                               f"{member['relationship_status']})."}
                )
                continue
            features = member.get("features")
            if features is None:
                detector = member_detector(account_id, self.region)
                if detector is None:
                    unprocessed.append(
                        {"accountId": account_id,
                         "result": "The member account has no detector in this region."}
                    )
                    continue
                features = detector.features
            configurations.append({"accountId": account_id, "features": features})
        return json.dumps(
            {"members": configurations, "unprocessedAccounts": unprocessed}
        )

    def get_coverage_statistics(self: GuardDutyResponse) -> str:
        state = admin_state(self)
        wanted = self._get_param("statisticsType") or []
        seeded = state.get("coverage") or {}
        stats = {}
        if "COUNT_BY_COVERAGE_STATUS" in wanted:
            stats["countByCoverageStatus"] = seeded.get("by_status", {})
        if "COUNT_BY_RESOURCE_TYPE" in wanted:
            stats["countByResourceType"] = seeded.get("by_resource_type", {})
        return json.dumps({"coverageStatistics": stats})

    GuardDutyResponse.list_organization_admin_accounts = list_organization_admin_accounts
    GuardDutyResponse.get_administrator_account = get_administrator_account
    GuardDutyResponse.list_members = list_members
    GuardDutyResponse.describe_organization_configuration = describe_organization_configuration
    GuardDutyResponse.get_member_detectors = get_member_detectors
    GuardDutyResponse.get_coverage_statistics = get_coverage_statistics
    for path in (
        "{0}/detector/(?P<detector_id>[^/]+)/admin$",
        "{0}/detector/(?P<detector_id>[^/]+)/member/detector/get$",
        "{0}/detector/(?P<detector_id>[^/]+)/coverage/statistics$",
    ):
        moto.guardduty.urls.url_paths[path] = GuardDutyResponse.dispatch

    # Organizations reads from a delegated administrator answer from the organization.
    def delegated(name: str) -> None:
        original = getattr(OrganizationsBackend, name)

        def read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.org is not None:
                return original(self, *args, **kwargs)
            master = organizations_backends.master_accounts.get(self.account_id)
            if master is None:
                return original(self, *args, **kwargs)  # not in an organization: moto's answer
            backend = organizations_backends[master[0]][master[1]]
            if not any(admin.account.id == self.account_id for admin in backend.admins):
                raise AccessDenied(
                    "You don't have permissions to access this resource."
                )
            return original(backend, *args, **kwargs)

        setattr(OrganizationsBackend, name, read)

    for name in (
        "list_accounts",
        "list_accounts_for_parent",
        "list_organizational_units_for_parent",
        "list_policies_for_target",
        "describe_policy",
    ):
        delegated(name)


def require_existing_roles() -> None:
    """sts:AssumeRole fails, as on AWS, for a role that does not exist in its account, once
    the seeded state says `"require_roles": true` (moto alone lets any role be assumed)."""
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSClientError
    from moto.sts.responses import TokenResponse

    original = TokenResponse.assume_role

    def assume_role(self):  # type: ignore[no-untyped-def]
        role_arn = self._get_param("RoleArn") or ""
        if _org_state.get("require_roles"):
            account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ""
            name = role_arn.split(":role/", 1)[-1].rsplit("/", 1)[-1]
            roles = iam_backends[account]["global"].roles.values() if account else []
            if not any(r.name == name for r in roles):
                raise STSClientError(
                    "AccessDenied",
                    f"User: {self.current_account} is not authorized to perform: "
                    f"sts:AssumeRole on resource: {role_arn}",
                )
        return original(self)

    TokenResponse.assume_role = assume_role  # type: ignore[method-assign]


def use_access_key_accounts() -> None:
    """`--multi-account`: each request acts in the account its access key belongs to.

    moto puts every request in MOTO_ACCOUNT_ID's account while that variable is set, so
    credentials from sts:AssumeRole into another account would still act in the first one.
    With this flag the variable only names the default account (the one plain `testing`
    keys act in), and keys issued by AssumeRole act in the role's account, as on AWS.
    """
    import moto.iam.models

    moto.iam.models.DEFAULT_ACCOUNT_ID = os.environ.pop("MOTO_ACCOUNT_ID")  # type: ignore[attr-defined]

    # moto finds a key's account by scanning every account's IAM backend on every request:
    # with a thousand accounts that scan, not the request, is what a benchmark measures.
    # A key never moves between accounts, so a key once found is remembered.
    find = moto.iam.models.get_account_id_from
    known: dict = {}

    def get_account_id_from(access_key: str) -> str:
        account = known.get(access_key)
        if account is None:
            account = find(access_key)
            if account != moto.iam.models.DEFAULT_ACCOUNT_ID:
                known[access_key] = account
        return account

    moto.iam.models.get_account_id_from = get_account_id_from


def remember_backends() -> None:
    """Resolve each host to its moto backend once.

    moto lists its own package folder on disk (os.listdir and an isdir per service) to
    route every request, under a lock all request threads share; remembering the answer
    per host takes that out of every request. The mapping never changes while serving.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.get_backend_for_host
    known: dict = {}

    def get_backend_for_host(self, host):  # type: ignore[no-untyped-def]
        if host not in known:
            known[host] = original(self, host)
        return known[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


def arg_value(args: list, name: str):
    """The value after `name` in `args`, or None."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
    return None


def install_lookup_events(pages: int, throttle: float, log_path) -> None:
    """Serve CloudTrail LookupEvents: `pages` pages per region, throttling a fixed share."""
    import random
    import threading
    import time

    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    # Arrival is stamped where the WSGI server hands the request over, before moto's own
    # routing and parsing, so that the server's processing time does not move it.
    original = DomainDispatcherApplication.__call__

    def stamped(self, environ, start_response):  # type: ignore[no-untyped-def]
        environ["gdaudit.arrived"] = time.monotonic()
        return original(self, environ, start_response)

    DomainDispatcherApplication.__call__ = stamped  # type: ignore[method-assign]

    lock = threading.Lock()
    draws = {}  # region -> its own seeded sequence, so throttling does not depend on timing
    account = os.environ["MOTO_ACCOUNT_ID"]

    def record(region: str, page: int, n: int) -> str:
        event_id = f"{region}-p{page}-e{n}"
        return json.dumps({
            "eventVersion": "1.08",
            "userIdentity": {"type": "IAMUser", "accountId": account,
                             "arn": f"arn:aws:iam::{account}:user/pacer"},
            "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60)),
            "eventSource": "guardduty.amazonaws.com",
            "eventName": "UpdateDetector",
            "awsRegion": region,
            "requestParameters": {"detectorId": "d1", "enable": True},
            "eventID": event_id,
            "eventType": "AwsApiCall",
            "recipientAccountId": account,
        })

    def lookup_events(self: CloudTrailResponse):  # type: ignore[no-untyped-def]
        environ = getattr(getattr(self, "request", None), "environ", None) or {}
        arrived = environ.get("gdaudit.arrived", time.monotonic())
        region = self.region
        with lock:
            rng = draws.setdefault(region, random.Random(f"lookup-{region}"))
            throttled = rng.random() < throttle
            if log_path:
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(f"{region} {arrived:.6f} {'throttled' if throttled else 'served'}\n")
        if throttled:
            body = {"__type": "ThrottlingException", "message": "Rate exceeded"}
            # moto takes the status from the "status" header of a (status, headers, body) answer.
            headers = {"status": 400, "Content-Type": "application/x-amz-json-1.1"}
            return 400, headers, json.dumps(body)
        token = self._get_param("NextToken")
        page = int(token[1:]) if token and token.startswith("p") else 0
        events = [
            {"EventId": f"{region}-p{page}-e{n}", "EventName": "UpdateDetector",
             "CloudTrailEvent": record(region, page, n)}
            for n in range(2)
        ]
        out = {"Events": events}
        if page + 1 < pages:
            out["NextToken"] = f"p{page + 1}"
        return json.dumps(out)

    CloudTrailResponse.lookup_events = lookup_events


# ---------------------------------------------------------------------------------------
# Configuration objects (issue 12). moto 5.2.5 serves CreateFilter/GetFilter but not
# ListFilters, and none of IP sets, threat lists, publishing destinations, Malware
# Protection plans or findings. These read-only handlers answer them: ListFilters from
# moto's own filters, the rest from a seed file (`--seed FILE`, JSON) read at start-up,
# per region:
#   {"regions": {"eu-west-1": {
#       "ip_sets": [{"id", "name", "status", "location", "format", "tags"}],
#       "threat_intel_sets": [same],
#       "trusted_entity_sets": [same], "threat_entity_sets": [same],
#       "publishing_destinations": [{"id", "status", "destinationArn", "kmsKeyArn"}],
#       "malware_protection_plans": [{"id", "status", "bucket", "statusReasons"}],
#       "findings": [{"type", "severity", "age_days", "archived"}],
#       "deny": ["ListFilters", ...]}}}
# Detector-scoped objects answer for any detector that exists in the region (the seed is
# written before the detectors are created). "deny" answers AccessDeniedException, as AWS
# does for a caller without the permission.


def install_config_object_shims(seed: dict) -> None:
    import datetime
    import fnmatch
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
                # Wildcard criteria (`*` any run, `?` one character), as GuardDuty's filters.
                if op == "matches" and not any(fnmatch.fnmatchcase(str(v), a) for a in arg):
                    return False
                if op == "notMatches" and any(fnmatch.fnmatchcase(str(v), a) for a in arg):
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
    GuardDutyResponse.list_trusted_entity_sets = listed(
        "trusted_entity_sets", "trustedEntitySetIds", "ListTrustedEntitySets")
    GuardDutyResponse.get_trusted_entity_set = got_list("trusted_entity_sets", "GetTrustedEntitySet")
    GuardDutyResponse.list_threat_entity_sets = listed(
        "threat_entity_sets", "threatEntitySetIds", "ListThreatEntitySets")
    GuardDutyResponse.get_threat_entity_set = got_list("threat_entity_sets", "GetThreatEntitySet")
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
        "/trustedentityset$", "/trustedentityset/(?P<id>[^/]+)$",
        "/threatentityset$", "/threatentityset/(?P<id>[^/]+)$",
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

    remember_backends()
    if "--multi-account" in sys.argv[1:]:
        require_existing_roles()
        use_access_key_accounts()
    if "--no-shims" not in sys.argv[1:]:
        install_shims()
    pages = arg_value(sys.argv[1:], "--lookup-events")
    if pages is not None:
        install_lookup_events(
            int(pages),
            float(arg_value(sys.argv[1:], "--throttle") or 0),
            arg_value(sys.argv[1:], "--request-log"),
        )
    if "--no-shims" not in sys.argv[1:]:
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
