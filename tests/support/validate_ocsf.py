"""Validate gdaudit's OCSF output (a JSON array of events) with py-ocsf-models' pydantic models.

    python tests/support/validate_ocsf.py FILE

Prints the number of events on success; on the first invalid event, prints its index and the
validation errors on stderr and exits 1.
"""

import json
import sys

from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from pydantic import ValidationError

MODELS = {2003: ComplianceFinding, 2004: DetectionFinding}


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        events = json.load(f)
    if not isinstance(events, list):
        print("not a JSON array", file=sys.stderr)
        return 1
    for index, event in enumerate(events):
        model = MODELS.get(event.get("class_uid"))
        if model is None:
            print(f"event {index}: unexpected class_uid {event.get('class_uid')!r}", file=sys.stderr)
            return 1
        try:
            model.model_validate(event)
        except ValidationError as error:
            print(f"event {index}: {error}", file=sys.stderr)
            return 1
    print(len(events))
    return 0


if __name__ == "__main__":
    sys.exit(main())
