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

With `--lookup-events PAGES`, CloudTrail LookupEvents (which moto answers with HTTP 500) is
served too, for the pacing tests: PAGES pages of two GuardDuty change events per region,
linked by NextToken. `--throttle RATE` answers that fraction of requests (a fixed pseudo-random
sequence per region) with ThrottlingException, and `--request-log FILE` appends one line per
LookupEvents request as it arrives: `<region> <monotonic seconds> <served|throttled>`.

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
    pages = arg_value(sys.argv[1:], "--lookup-events")
    if pages is not None:
        install_lookup_events(
            int(pages),
            float(arg_value(sys.argv[1:], "--throttle") or 0),
            arg_value(sys.argv[1:], "--request-log"),
        )
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
