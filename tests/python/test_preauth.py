"""Pre-authorization through the Python binding: the illustrative payer pack, decisions per
payer (Virginia pends 2.1 without a signed assessment, California's DMC-ODS prohibits
authorization for IOP, the commercial per-diem rules, the Medicare Advantage session threshold,
no rule -> pended), CMS-0057-F deadlines, estimates, strict requests (paths, no quoted values),
the batch entry point (order, error records, byte-identical to single decisions, and the GIL
released while it runs), the ledger, and None refused.

Mirrors tests/lua/test_preauth.lua (parity is the point). SPDX-License-Identifier: MIT
"""

import gc
import json
import os
import threading
import time
import unittest

import iop

UNDER_VALGRIND = bool(os.environ.get("IOP_UNDER_VALGRIND"))
DATA = os.path.join(os.environ.get("IOP_TEST_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "data")),
                    "preauth")

with open(os.path.join(DATA, "valid", "request-va-2.1.json"), encoding="utf-8") as f:
    BASE = json.load(f)

POLICY = iop.PreauthPolicy()


def request(**patch):
    """The base Virginia 2.1 request with top-level members replaced (None removes one)."""
    doc = json.loads(json.dumps(BASE))
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return json.dumps(doc)


def decide(**patch):
    return POLICY.decide(iop.PreauthRequest.from_json(request(**patch)))


def codes(decision):
    return [decision.get_reason_code(i) for i in range(decision.get_n_reasons())]


class PolicyTest(unittest.TestCase):
    def test_default_pack(self):
        self.assertTrue(POLICY.is_illustrative())
        self.assertEqual(POLICY.get_n_payers(), 4)
        ids = [POLICY.get_payer_id(i) for i in range(POLICY.get_n_payers())]
        self.assertEqual(ids, ["va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage"])
        self.assertIsNone(POLICY.get_payer_id(4))
        self.assertTrue(POLICY.get_payer_cms_0057f("va-medicaid-arts"))
        self.assertFalse(POLICY.get_payer_cms_0057f("example-commercial"))
        with self.assertRaises(iop.NotFoundError):
            POLICY.get_payer_cms_0057f("nobody")
        text = iop.PreauthPolicy.default_pack_json()
        self.assertEqual(iop.PreauthPolicy.from_json(text).get_id(), "libiop-illustrative-payers")
        self.assertEqual(iop.PreauthPolicy.from_file(os.path.join(DATA, "valid", "payers-minimal.json")).get_id(),
                         "test-minimal-payers")

    def test_invalid_pack_has_a_path(self):
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.PreauthPolicy.from_file(os.path.join(DATA, "invalid-packs", "duplicate-payer.json"))
        self.assertEqual(cm.exception.path, "$.payers[1].id")
        with self.assertRaises(iop.IoError):
            iop.PreauthPolicy.from_file(os.path.join(DATA, "nope.json"))


class DecisionTest(unittest.TestCase):
    def test_virginia_pends_2_1_without_a_signed_assessment(self):
        d = decide(documents=None)
        self.assertEqual(d.get_outcome(), "pended")
        self.assertEqual(codes(d), ["missing-document"])
        self.assertEqual(d.get_missing_document(0), "asam-assessment")
        self.assertEqual(d.get_reason_source(0), "va-arts-authorization")
        d = decide(documents=[{"kind": "asam-assessment", "date": "2026-02-24"}])
        self.assertEqual(codes(d), ["unsigned-document"])
        self.assertEqual(d.get_authorized_units(), -1)
        self.assertIsNone(d.get_period_start())

    def test_virginia_approves_and_modifies(self):
        d = decide(units=20, end="2026-03-31")
        self.assertEqual(d.get_outcome(), "approved")
        self.assertEqual(d.get_authorized_units(), 20)
        self.assertEqual((d.get_period_start(), d.get_period_end()), ("2026-03-02", "2026-03-31"))
        self.assertEqual(d.get_next_review(), "2026-03-16")
        d = decide()
        self.assertEqual(d.get_outcome(), "approved-modified")
        self.assertEqual(codes(d), ["period-shortened", "units-reduced", "criteria-met"])
        self.assertEqual(d.get_authorized_units(), 30)

    def test_california_prohibits_authorization_for_iop(self):
        d = decide(coverage={"payer": "ca-dmc-ods", "in_network": True})
        self.assertEqual(d.get_outcome(), "not-required")
        self.assertEqual(codes(d), ["authorization-prohibited"])
        self.assertEqual(d.get_reason_source(0), "ca-dmc-ods-authorization")

    def test_denials_carry_a_specific_reason(self):
        d = decide(diagnoses=["F32.1"])
        self.assertEqual(d.get_outcome(), "denied")
        self.assertEqual(codes(d), ["diagnosis-not-covered"])
        d = decide(coverage={"payer": "example-commercial", "in_network": True}, services=["H0015", "H0035"])
        self.assertEqual((d.get_outcome(), codes(d)), ("denied", ["exclusive-services"]))
        self.assertEqual(d.get_reason_source(0), "bcbsnc-per-diem")

    def test_no_rule_pends(self):
        d = decide(level={"edition": "asam3", "code": "3.7-WM"}, services=None,
                   coverage={"payer": "ca-dmc-ods", "in_network": True})
        self.assertEqual((d.get_outcome(), codes(d), d.get_rule()), ("pended", ["no-matching-rule"], None))
        self.assertIsNone(d.get_reason_source(0))

    def test_threshold(self):
        ma = {"payer": "example-medicare-advantage", "in_network": True}
        self.assertEqual(decide(coverage=ma, units=15).get_outcome(), "not-required")
        d = decide(coverage=ma, units=10, sessions_used=10, end="2026-03-31")
        self.assertEqual((d.get_outcome(), d.get_authorized_units()), ("approved", 5))
        self.assertEqual(d.get_out_of_pocket(), 150.0)

    def test_deadlines(self):
        d = decide(urgency="expedited", received_at="2026-12-29T10:00:00+01:00")
        self.assertEqual(d.get_decision_due(), "2027-01-01T10:00:00+01:00")
        d = decide(received_at="2026-02-27T16:30:00-05:00")
        self.assertEqual(d.get_decision_due(), "2026-03-06T16:30:00-05:00")
        self.assertIsNone(decide(received_at="2025-12-31T18:59:59-05:00").get_decision_due())
        d = decide(coverage={"payer": "example-commercial", "in_network": True})
        self.assertEqual(json.loads(d.to_json())["timeframe"], "payer")
        self.assertEqual(d.get_decision_due(), "2026-03-14T16:30:00-05:00")

    def test_out_of_pocket(self):
        docs = [{"kind": "stage-of-change", "date": "2026-02-20"}, {"kind": "drug-screen", "date": "2026-02-25"}]
        d = decide(coverage={"payer": "example-commercial", "in_network": True}, units=12, end="2026-03-29",
                   documents=docs)
        self.assertEqual(d.get_out_of_pocket(), 1000.0)
        oop = json.loads(d.to_json())["out_of_pocket"]
        self.assertEqual((oop["network"], oop["allowed"], oop["deductible"], oop["member_pays"]),
                         ("in-network", 3000, 500, 1000))
        d = decide(coverage={"payer": "example-commercial", "in_network": False}, units=12, end="2026-03-29",
                   documents=docs)
        self.assertEqual(d.get_out_of_pocket(), 2100.0)
        self.assertEqual(decide(documents=None).get_out_of_pocket(), -1)

    def test_json(self):
        d = decide(documents=None)
        doc = json.loads(d.to_json())
        self.assertEqual(doc["outcome"], "pended")
        self.assertEqual([r["code"] for r in doc["reasons"]], ["missing-document"])
        self.assertEqual(doc["decision_due"], "2026-03-06T16:30:00-05:00")
        self.assertEqual(POLICY.decide_json(request(documents=None)), d.to_json())

    def test_request_round_trip_and_errors(self):
        r = iop.PreauthRequest.from_json(request())
        text = r.to_json()
        self.assertEqual(iop.PreauthRequest.from_json(text).to_json(), text)
        self.assertEqual(json.loads(text), BASE)
        self.assertEqual(r.get_id(), "REQ-0001")
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.PreauthRequest.from_json(request(member={"id": "SECRET-MEMBER", "birth_date": "1988-02-30"}))
        self.assertEqual(cm.exception.path, "$.member.birth_date")
        self.assertNotIn("1988", str(cm.exception))
        with self.assertRaises(iop.ParseError) as cm:
            iop.PreauthRequest.from_json(request(unit=3))
        self.assertEqual(cm.exception.path, "$.unit")
        with self.assertRaises(iop.InvalidDataError) as cm:
            POLICY.decide(iop.PreauthRequest.from_json(request(coverage={"payer": "acme", "in_network": True})))
        self.assertEqual(cm.exception.path, "$.coverage.payer")
        self.assertNotIn("acme", str(cm.exception))

    def test_none_refused(self):
        with self.assertRaises(ValueError):
            iop.PreauthRequest.from_json(None)
        with self.assertRaises(ValueError):
            POLICY.decide(None)
        with self.assertRaises(ValueError):
            POLICY.decide_json(None)


class BatchTest(unittest.TestCase):
    def test_order_error_records_and_identity(self):
        payers = ["va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage"]
        reqs = [request(id="R%d" % i, units=1 + i % 40, coverage={"payer": payers[i % 4], "in_network": True})
                for i in range(300)]
        reqs[100] = "{not json"
        reqs[200] = request(urgency="soon")
        one = POLICY.decide_batch(reqs)
        four = POLICY.decide_batch(reqs, 4)
        self.assertEqual(one, four)
        self.assertEqual(len(one), 300)
        for i, out in enumerate(one):
            doc = json.loads(out)
            if i == 100:
                self.assertEqual((doc["line"], doc["error"]["code"], doc["error"]["path"]), (101, "IOP_ERROR_PARSE", None))
            elif i == 200:
                self.assertEqual((doc["line"], doc["error"]["code"], doc["error"]["path"]),
                                 (201, "IOP_ERROR_INVALID_DATA", "$.urgency"))
                self.assertNotIn("soon", out)
            else:
                self.assertEqual(doc["request"], "R%d" % i)
                self.assertEqual(out, POLICY.decide_json(reqs[i]))
        self.assertEqual(POLICY.decide_batch([]), [])

    def test_bad_arguments(self):
        with self.assertRaises(iop.InvalidArgumentError):
            POLICY.decide_batch([request()], 0)
        with self.assertRaises(TypeError):
            POLICY.decide_batch([request(), 3])
        with self.assertRaises(TypeError):
            POLICY.decide_batch(None)
        with self.assertRaises(ValueError):
            POLICY.decide_batch(["{\0}"])

    @unittest.skipIf(UNDER_VALGRIND, "timing test; too slow under valgrind")
    def test_gil_is_released_during_the_batch(self):
        reqs = [request(id="G%d" % i) for i in range(20000)]
        ticks = []
        started = threading.Event()
        stop = threading.Event()

        def ticker():
            started.set()
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.001)

        thread = threading.Thread(target=ticker, daemon=True)
        thread.start()
        try:
            started.wait()
            begin = time.monotonic()
            out = POLICY.decide_batch(reqs, 1)
            end = time.monotonic()
        finally:
            stop.set()
            thread.join()
        self.assertEqual(len(out), len(reqs))
        inside = [t for t in ticks if begin < t < end]
        # The batch takes a good part of a second; with the GIL held the ticker could not run at all.
        self.assertGreater(end - begin, 0.05)
        self.assertGreater(len(inside), 5, "the other thread did not run while the batch was in C")


FIXTURES = os.environ.get("IOP_SHARED_FIXTURES_DIR", "")


class PasTest(unittest.TestCase):
    @unittest.skipUnless(os.path.isdir(os.path.join(FIXTURES, "pas")), "no PAS fixtures (IOP_SHARED_FIXTURES_DIR)")
    def test_hl7_examples(self):
        expected = {"Bundle-ReferralAuthorizationResponseBundleExample.json": "approved",
                    "Bundle-RejectionResponseBundleExample.json": "denied",
                    "Bundle-ReferralPendingAuthorizationResponseBundleExample.json": "pended"}
        for name, outcome in expected.items():
            with open(os.path.join(FIXTURES, "pas", name), encoding="utf-8") as f:
                d = iop.PreauthDecision.from_pas_json(f.read())
            self.assertEqual(d.get_outcome(), outcome, name)
            self.assertEqual(json.loads(d.to_json())["outcome"], outcome)
        with open(os.path.join(FIXTURES, "pas", "Bundle-ErrorResponseBundleExample.json"), encoding="utf-8") as f:
            with self.assertRaises(iop.InvalidDataError) as cm:
                iop.PreauthDecision.from_pas_json(f.read())
        self.assertEqual(cm.exception.path, "$.entry[0].resource.outcome")

    def test_not_a_bundle(self):
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.PreauthDecision.from_pas_json('{"resourceType":"Patient"}')
        self.assertEqual(cm.exception.path, "$.resourceType")


class LedgerTest(unittest.TestCase):
    def test_ledger(self):
        led = iop.PreauthLedger()
        led.add_authorization("A1", "va-medicaid-arts", "2.1", 30, "2026-03-02", "2026-03-31")
        for day in range(2, 7):
            led.record_use("A1", "2026-03-%02d" % day, 1)
        self.assertEqual(led.get_remaining_units("A1"), 25)
        reminders = json.loads(led.get_reminders_json("2026-03-24", 7))
        self.assertEqual([(r["kind"], r["date"]) for r in reminders], [("expiring", "2026-03-31")])
        self.assertEqual(json.loads(led.get_reminders_json("2026-04-01", 7))[0]["kind"], "expired")
        led.add_status("A1", "submitted", "2026-02-27T10:00:00-05:00")
        led.add_status("A1", "approved", "2026-02-28T16:00:00-05:00")
        metrics = json.loads(led.get_metrics_json())
        self.assertEqual((metrics["approved"], metrics["average_decision_hours_standard"]), (1, 30))
        text = led.to_json()
        self.assertEqual(iop.PreauthLedger.from_json(text).to_json(), text)
        with self.assertRaises(iop.NotFoundError):
            led.record_use("nope", "2026-03-02", 1)
        with self.assertRaises(iop.InvalidArgumentError):
            led.add_status("A1", "lost", "2026-02-27T10:00:00Z")
        with self.assertRaises(iop.InvalidArgumentError):
            led.add_authorization("A1", "p", "s", 1, "2026-01-01", "2026-01-02")

    def test_repeated_use(self):
        # Gives valgrind (memcheck/python/preauth) something to find if anything leaks.
        for i in range(10 if UNDER_VALGRIND else 100):
            p = iop.PreauthPolicy()
            d = p.decide(iop.PreauthRequest.from_json(request(units=1 + i)))
            d.to_json(), d.get_decision_due(), d.get_period_start(), d.get_next_review()
            p.decide_batch([request(), "[]"], 2)
            try:
                iop.PreauthRequest.from_json(request(units=0))
            except iop.InvalidDataError:
                pass
            del p, d
        gc.collect()


class PasExportTest(unittest.TestCase):
    """The PAS request Bundle export and its 42 CFR Part 2 consent gate."""

    def consent(self, name):
        return iop.Consent.from_file(os.path.join(DATA, "pas", name))

    def request(self, **changes):
        return iop.PreauthRequest.from_json(request(**changes))

    def test_refused_without_a_permitting_consent(self):
        tpo = self.consent("consent-tpo.json")
        revoked = self.consent("consent-tpo.json")
        revoked.set_revocation("2026-02-25")
        specific = self.consent("consent-specific-payer.json")
        other = json.loads(request())
        other["member"]["id"] = "M-0000"
        other_payer = json.loads(request())
        other_payer["coverage"]["payer"] = "ca-dmc-ods"
        cases = [
            ("no consent", self.request(), None, "2026-02-27", "no-consent"),
            ("revoked", self.request(), revoked, "2026-02-27", "revoked"),
            ("not yet signed", self.request(), tpo, "2026-02-19", "not-yet-signed"),
            ("another payer", iop.PreauthRequest.from_json(json.dumps(other_payer)), specific, "2026-02-27",
             "recipient-not-covered"),
            ("another patient", iop.PreauthRequest.from_json(json.dumps(other)), tpo, "2026-02-27", "other-patient"),
        ]
        for what, req, consent, date, reason in cases:
            with self.subTest(what):
                with self.assertRaises(iop.PermissionDeniedError) as cm:
                    req.to_pas(consent, "Riverside IOP", date)
                self.assertIsInstance(cm.exception, PermissionError)
                self.assertEqual(cm.exception.code, iop.IOP_ERROR_PERMISSION_DENIED)
                self.assertIn(reason, str(cm.exception))
                self.assertNotIn("M-7f3a", str(cm.exception))

    def test_bundle(self):
        tpo = self.consent("consent-tpo.json")
        text = self.request().to_pas(tpo, "Riverside IOP", "2026-02-27")
        self.assertEqual(text, self.request().to_pas(tpo, "Riverside IOP", "2026-02-27"))
        bundle = json.loads(text)
        self.assertEqual(bundle["type"], "collection")
        claim = bundle["entry"][0]["resource"]
        self.assertEqual(claim["resourceType"], "Claim")
        self.assertEqual(claim["use"], "preauthorization")
        self.assertEqual([d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in claim["diagnosis"]],
                         ["F10.20", "F32.1"])
        self.assertEqual(claim["item"][0]["servicedPeriod"], {"start": "2026-03-02", "end": "2026-04-30"})
        urls = [e["fullUrl"] for e in bundle["entry"]]
        self.assertEqual(len(urls), len(set(urls)))
        # Every reference in the Claim resolves inside the Bundle.
        for ref in (claim["patient"], claim["insurer"], claim["provider"], claim["insurance"][0]["coverage"]):
            self.assertIn(ref["reference"], urls)
        with self.assertRaises(ValueError):
            self.request().to_pas(tpo, None, "2026-02-27")
        with self.assertRaises(iop.InvalidArgumentError):
            self.request().to_pas(tpo, "Riverside IOP", "2026-02-30")


class LedgerAttendanceTest(unittest.TestCase):
    def test_one_unit_per_attended_date(self):
        e = iop.Episode("C-1", iop.IOP_EDITION_ASAM3, "2.1", "2026-03-01")
        for date, start, status in [("2026-03-02", "09:00", iop.IOP_ATTENDANCE_ATTENDED),
                                    ("2026-03-02", "13:00", iop.IOP_ATTENDANCE_ATTENDED),
                                    ("2026-03-04", "09:00", iop.IOP_ATTENDANCE_MISSED),
                                    ("2026-03-09", "09:00", iop.IOP_ATTENDANCE_ATTENDED),
                                    ("2026-04-01", "09:00", iop.IOP_ATTENDANCE_ATTENDED)]:
            e.add_attendance(date, start, 180, "group-therapy", status)
        led = iop.PreauthLedger()
        led.add_authorization("A1", "va-medicaid-arts", "H0015", 10, "2026-03-02", "2026-03-31")
        self.assertEqual(led.record_attendance("A1", e, "2026-03-05"), 1)
        self.assertEqual(led.record_attendance("A1", e), 1)
        self.assertEqual(led.record_attendance("A1", e), 0)
        self.assertEqual(led.get_remaining_units("A1"), 8)
        with self.assertRaises(iop.NotFoundError):
            led.record_attendance("nope", e)
        with self.assertRaises(ValueError):
            led.record_attendance("A1", None)


if __name__ == "__main__":
    unittest.main()
