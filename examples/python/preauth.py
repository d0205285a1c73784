"""Example: pre-authorization from Python: one decision, a batch, and a consent-gated PAS export."""
import json
import os

import iop

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")

policy = iop.PreauthPolicy()  # the built-in, ILLUSTRATIVE payer pack
print("illustrative pack:", policy.is_illustrative())

request = {
    "format": "libiop-preauth-request", "format_version": 1, "id": "REQ-0001",
    "member": {"id": "M-7f3a", "birth_date": "1988-04-12"},
    "coverage": {"payer": "va-medicaid-arts", "plan": "ARTS", "in_network": True},
    "level": {"edition": "asam3", "code": "2.1"}, "services": ["H0015"], "units": 40,
    "start": "2026-03-02", "end": "2026-04-30", "diagnoses": ["F10.20", "F32.1"],
    "documents": [], "urgency": "standard", "received_at": "2026-02-27T16:30:00-05:00",
}

# Virginia requires a signed multidimensional assessment for 2.1: without one, the request pends.
decision = policy.decide(iop.PreauthRequest.from_json(json.dumps(request)))
print("outcome:", decision.get_outcome(), "due:", decision.get_decision_due())
print("reasons:", [decision.get_reason_code(i) for i in range(decision.get_n_reasons())])

request["documents"] = [{"kind": "asam-assessment", "date": "2026-02-24", "signed_by": "CATP"}]
print("with the assessment:", policy.decide(iop.PreauthRequest.from_json(json.dumps(request))).get_outcome())

# Many requests at once: the work runs in C on two threads, with the GIL released.
batch = []
for i, payer in enumerate(("va-medicaid-arts", "ca-dmc-ods", "example-commercial")):
    r = dict(request, id="REQ-%d" % i, coverage=dict(request["coverage"], payer=payer))
    batch.append(json.dumps(r))
for line in policy.decide_batch(batch, 2):
    d = json.loads(line)
    print(d["request"], d["payer"], d["outcome"])

# The PAS request Bundle leaves only with the member's consent (42 CFR Part 2).
req = iop.PreauthRequest.from_json(json.dumps(request))
try:
    req.to_pas(None, "Riverside Intensive Outpatient Program", "2026-02-27")
except PermissionError as error:
    print("without consent:", error)
consent = iop.Consent.from_file(os.path.join(DATA, "consent-member.json"))
bundle = json.loads(req.to_pas(consent, "Riverside Intensive Outpatient Program", "2026-02-27"))
print("PAS Bundle:", [e["resource"]["resourceType"] for e in bundle["entry"]])
