"""42 CFR Part 2 consent through the Python binding: every 2.31(a) element missing is reported
under its element id, incomplete consents still load, the disclosure check (covered recipient,
class and purpose; before signing; revoked before/on/after; expired before/on/after; wrong
recipient, purpose and data class; counseling notes under a TPO consent; no consent), the gate
raising PermissionDeniedError (a PermissionError, code 8) with bad arguments raising
InvalidArgumentError, byte-identical round trips, malformed documents with JSON paths and no
values in messages, the FHIR Consent, None refused where required, ownership across garbage
collection.

Mirrors tests/lua/test_consent.lua (parity is the point). SPDX-License-Identifier: MIT
"""

import copy
import gc
import json
import os
import pathlib
import unittest

import iop

DATA = pathlib.Path(os.environ.get("IOP_TEST_DATA_DIR", pathlib.Path(__file__).resolve().parents[1] / "data")) / "consent"
PHI = ("Test Patient", "pt-000", "Riverside", "Hillside", "NPI:", "Lakeview", "Guardian", "2026-02-30", "marketing")


def doc(name):
    return json.loads((DATA / "valid" / name).read_text())


def load(name):
    return iop.Consent.from_file(str(DATA / "valid" / name))


def reasons(decision):
    return [r["code"] for r in decision.reasons()]


class Elements(unittest.TestCase):
    # (document, mutation, element expected; None: still valid)
    ROWS = [
        ("tpo.json", lambda d: d.pop("patient"), "patient"),
        ("specific.json", lambda d: d["patient"].update(name=None), "patient"),
        ("tpo.json", lambda d: d.pop("disclosing_party"), "disclosing_party"),
        ("specific.json", lambda d: d["disclosing_party"].update({"class": None}), "disclosing_party"),
        ("tpo.json", lambda d: d["information"].update(description=""), "information"),
        ("specific.json", lambda d: d["information"].update(data_classes=[]), "information"),
        ("tpo.json", lambda d: d.update(recipients=[]), "recipients"),
        ("specific.json", lambda d: d["recipients"][1].update(participants=[]), "recipients"),
        ("tpo.json", lambda d: d.update(purposes=[]), "purpose"),
        ("tpo.json", lambda d: d.update(purposes=["treatment", "research"]), "purpose"),
        ("tpo.json", lambda d: d.pop("revocation_statement"), "revocation_statement"),
        ("specific.json", lambda d: d["revocation_statement"].update(reliance_exception=False), "revocation_statement"),
        ("tpo.json", lambda d: d.pop("expiration"), "expiration"),
        ("specific.json", lambda d: d.update(expiration={"type": "none"}), "expiration"),
        ("specific.json", lambda d: d.update(expiration={"type": "event", "event": "end of treatment"}), "expiration"),
        ("tpo.json", lambda d: d.update(expiration={"type": "event", "event": "end of treatment"}), None),
        ("tpo.json", lambda d: d.pop("signature"), "signature"),
        ("specific.json", lambda d: d["signature"].update(role=None), "signature"),
        ("tpo.json", lambda d: d.pop("date_signed"), "date_signed"),
        ("tpo.json", lambda d: d.pop("redisclosure_statement"), "redisclosure_statement"),
        ("tpo.json", lambda d: d.pop("refusal_consequences_statement"), "refusal_consequences_statement"),
        ("specific.json", lambda d: d.pop("refusal_consequences_statement", None), None),
    ]

    def test_complete_documents_are_valid(self):
        for name in ("tpo.json", "specific.json", "tpo-revoked.json", "tpo-end-of-treatment.json"):
            report = load(name).validate()
            self.assertTrue(report.is_valid(), (name, report.issues()))
            self.assertEqual(report.get_n_issues(), 0)

    def test_every_missing_element_is_reported(self):
        for i, (name, mutate, element) in enumerate(self.ROWS):
            with self.subTest(row=i, element=element):
                d = copy.deepcopy(doc(name))
                mutate(d)
                report = iop.Consent.from_json(json.dumps(d)).validate()
                if element is None:
                    self.assertTrue(report.is_valid(), report.issues())
                    continue
                self.assertFalse(report.is_valid())
                self.assertEqual({x["element"] for x in report.issues()}, {element})
                for x in report.issues():
                    for value in PHI:
                        self.assertNotIn(value, x["text"])
                self.assertIsNone(report.get_element(report.get_n_issues()))

    def test_incomplete_document_loads(self):
        c = iop.Consent.from_file(str(DATA / "incomplete.json"))
        report = c.validate()
        elements = {x["element"] for x in report.issues()}
        self.assertTrue({"patient", "disclosing_party", "information", "recipients", "revocation_statement",
                         "expiration", "signature", "redisclosure_statement",
                         "refusal_consequences_statement"} <= elements)
        self.assertNotIn("date_signed", elements)
        parsed = json.loads(report.to_json())
        self.assertFalse(parsed["valid"])
        self.assertEqual(len(parsed["issues"]), report.get_n_issues())


class Check(unittest.TestCase):
    def test_permitted_for_covered_recipient_purpose_and_date(self):
        c = load("tpo.json")
        d = c.check("Lakeview Primary Care", "treating-providers", "treatment", "2026-05-01", "medications")
        self.assertTrue(d.is_permitted())
        self.assertEqual(d.get_n_reasons(), 0)
        self.assertTrue(c.require("Acme Health Plan", "health-plans", "payment", "2026-05-01"))

    def test_signing_day(self):
        c = load("tpo.json")
        self.assertEqual(reasons(c.check("X", "treating-providers", "treatment", "2026-03-01")), ["not-yet-signed"])
        self.assertEqual(reasons(c.check("X", "treating-providers", "treatment", "2026-03-02")), [])

    def test_revoked_before_on_after(self):
        c = load("tpo-revoked.json")
        self.assertEqual(c.get_revocation_date(), "2026-06-01")
        for date, expected in (("2026-05-31", []), ("2026-06-01", ["revoked"]), ("2026-06-02", ["revoked"])):
            self.assertEqual(reasons(c.check("X", "treating-providers", "treatment", date)), expected, date)

    def test_expired_day_before_on_after(self):
        c = load("specific.json")
        for date, expected in (("2026-12-30", []), ("2026-12-31", []), ("2027-01-01", ["expired"])):
            self.assertEqual(reasons(c.check("Hillside Outpatient Counseling", None, "treatment", date)), expected, date)
        e = load("tpo-end-of-treatment.json")
        self.assertEqual(reasons(e.check("X", "treating-providers", "treatment", "2026-09-30")), [])
        self.assertEqual(reasons(e.check("X", "treating-providers", "treatment", "2026-10-01")), ["expired"])

    def test_wrong_recipient_purpose_data_class(self):
        c = load("specific.json")
        self.assertEqual(reasons(c.check("Someone Else", None, "treatment", "2026-05-01")), ["recipient-not-covered"])
        self.assertEqual(reasons(c.check("NPI:1234567893", None, "treatment", "2026-05-01")), [])
        self.assertEqual(reasons(c.check("Lakeview Primary Care", None, "treatment", "2026-05-01")), [])
        self.assertEqual(reasons(c.check("Hillside Outpatient Counseling", None, "payment", "2026-05-01")),
                         ["purpose-not-covered"])
        self.assertEqual(reasons(c.check("Hillside Outpatient Counseling", None, "treatment", "2026-05-01", "attendance")),
                         ["data-class-not-covered"])
        self.assertEqual(reasons(c.check("Hillside Outpatient Counseling", None, "treatment", "2026-05-01",
                                         "counseling-notes")), [])
        self.assertEqual(reasons(c.check("Someone Else", None, "payment", "2027-02-01", "attendance")),
                         ["expired", "recipient-not-covered", "purpose-not-covered", "data-class-not-covered"])

    def test_counseling_notes_never_under_tpo(self):
        c = load("tpo.json")
        d = c.check("X", "treating-providers", "treatment", "2026-05-01", "counseling-notes")
        self.assertEqual(reasons(d), ["counseling-notes-need-separate-consent"])
        parsed = json.loads(d.to_json())
        self.assertFalse(parsed["permitted"])
        self.assertEqual(parsed["reasons"][0]["code"], "counseling-notes-need-separate-consent")
        self.assertEqual(parsed["data_class"], "counseling-notes")

    def test_no_consent_on_file(self):
        d = iop.consent_check(None, "X", "treating-providers", "treatment", "2026-05-01", None)
        self.assertEqual(reasons(d), ["no-consent"])
        self.assertFalse(d.is_permitted())


class Gate(unittest.TestCase):
    def test_permission_denied_is_a_permission_error(self):
        self.assertTrue(issubclass(iop.PermissionDeniedError, PermissionError))
        self.assertTrue(issubclass(iop.PermissionDeniedError, iop.Error))
        with self.assertRaises(PermissionError) as cm:
            iop.consent_require(None, "X", "treating-providers", "treatment", "2026-05-01", None)
        self.assertIsInstance(cm.exception, iop.PermissionDeniedError)
        self.assertEqual(cm.exception.code, iop.IOP_ERROR_PERMISSION_DENIED)
        self.assertEqual(cm.exception.code, 8)
        self.assertIn("no consent on file", str(cm.exception))

    def test_denials_name_the_first_reason_without_values(self):
        cases = [
            ("tpo-revoked.json", ("X", "treating-providers", "treatment", "2026-06-01"), "revoked"),
            ("specific.json", ("Hillside Outpatient Counseling", None, "treatment", "2027-01-01"), "expired"),
            ("specific.json", ("Someone Else", None, "treatment", "2026-05-01"), "recipient-not-covered"),
            ("specific.json", ("Hillside Outpatient Counseling", None, "payment", "2026-05-01"), "purpose-not-covered"),
        ]
        for name, args, code in cases:
            with self.subTest(code=code):
                with self.assertRaises(iop.PermissionDeniedError) as cm:
                    load(name).require(*args)
                self.assertIn(code, str(cm.exception))
                for value in PHI:
                    self.assertNotIn(value, str(cm.exception))

    def test_bad_arguments(self):
        c = load("tpo.json")
        for args in (("X", None, "treatment", "2026-02-30"), ("X", None, "marketing", "2026-05-01"),
                     ("X", "employers", "treatment", "2026-05-01"), ("", None, "treatment", "2026-05-01")):
            with self.subTest(args=args):
                with self.assertRaises(iop.InvalidArgumentError):
                    c.require(*args)
                with self.assertRaises(iop.InvalidArgumentError):
                    iop.consent_require(None, args[0], args[1], args[2], args[3], None)
        with self.assertRaises(iop.InvalidArgumentError):
            c.check("X", None, "treatment", "2026-05-01", "psychotherapy-notes")
        with self.assertRaises(ValueError):
            c.require(None, None, "treatment", "2026-05-01")
        with self.assertRaises(ValueError):
            c.check("X", None, None, "2026-05-01")

    def test_set_revocation(self):
        c = load("tpo.json")
        with self.assertRaises(iop.InvalidArgumentError):
            c.set_revocation("2026-13-01")
        self.assertIsNone(c.get_revocation_date())
        c.set_revocation("2026-08-01", "in writing")
        self.assertTrue(c.require("X", "health-plans", "payment", "2026-07-31"))
        with self.assertRaises(iop.PermissionDeniedError):
            c.require("X", "health-plans", "payment", "2026-08-01")
        self.assertEqual(json.loads(c.to_json())["revocation"], {"date": "2026-08-01", "how": "in writing"})


class Documents(unittest.TestCase):
    def test_round_trip_is_byte_identical(self):
        for name in ("tpo.json", "specific.json", "tpo-revoked.json", "tpo-end-of-treatment.json"):
            first = load(name).to_json()
            self.assertEqual(iop.Consent.from_json(first).to_json(), first)
            self.assertEqual(load(name).copy().to_json(), first)

    def test_malformed_documents_name_the_path(self):
        cases = [
            ("unknown-member.json", iop.ParseError, "$.notes"),
            ("date-signed-not-a-calendar-date.json", iop.InvalidDataError, "$.date_signed"),
            ("unknown-data-class.json", iop.InvalidDataError, "$.information.data_classes[1]"),
            ("unknown-purpose.json", iop.InvalidDataError, "$.purposes[0]"),
            ("recipient-not-an-object.json", iop.ParseError, "$.recipients[0]"),
            ("revocation-without-date.json", iop.ParseError, "$.revocation.date"),
        ]
        for name, cls, path in cases:
            with self.subTest(name=name):
                with self.assertRaises(cls) as cm:
                    iop.Consent.from_file(str(DATA / "invalid" / name))
                self.assertEqual(cm.exception.path, path)
                for value in PHI:
                    self.assertNotIn(value, str(cm.exception))
        with self.assertRaises(iop.IoError):
            iop.Consent.from_file(str(DATA / "no-such-consent.json"))
        with self.assertRaises(ValueError):
            iop.Consent.from_json(None)

    def test_getters_and_code_sets(self):
        c = load("specific.json")
        self.assertEqual(c.get_kind(), "specific")
        self.assertEqual(c.get_id(), "consent-specific-1")
        self.assertEqual(c.get_date_signed(), "2026-04-15")
        self.assertEqual(c.get_expiration_date(), "2026-12-31")
        self.assertTrue(iop.Consent.data_class_is_known("counseling-notes"))
        self.assertFalse(iop.Consent.data_class_is_known("psychotherapy-notes"))
        self.assertTrue(iop.Consent.recipient_class_is_known("health-plans"))
        self.assertEqual(iop.Consent.purpose_to_code("payment"), "HPAYMT")
        self.assertIsNone(iop.Consent.purpose_to_code("marketing"))

    def test_fhir_consent(self):
        tpo = json.loads(load("tpo.json").to_fhir())
        self.assertEqual(tpo["resourceType"], "Consent")
        self.assertEqual(tpo["status"], "active")
        self.assertEqual(tpo["scope"]["coding"][0]["code"], "patient-privacy")
        self.assertIn("59284-0", [c["coding"][0]["code"] for c in tpo["category"]])
        self.assertEqual(tpo["policyRule"]["coding"][0]["code"], "42CFRPart2")
        self.assertEqual(sorted(p["code"] for p in tpo["provision"]["purpose"]), ["HOPERAT", "HPAYMT", "TREAT"])
        self.assertEqual(tpo["provision"]["provision"][0]["type"], "deny")
        self.assertEqual({s["code"] for s in tpo["meta"]["security"]}, {"R", "ETH", "42CFRPart2", "NORDSCLCD"})
        self.assertEqual(json.loads(load("tpo-revoked.json").to_fhir())["status"], "inactive")
        spec = json.loads(load("specific.json").to_fhir())
        self.assertEqual(spec["provision"]["period"], {"start": "2026-04-15", "end": "2026-12-31"})
        self.assertNotIn("provision", spec["provision"])

    def test_built_from_scratch_equals_the_document(self):
        c = iop.Consent("tpo")
        self.assertFalse(c.validate().is_valid())
        c.set_id("consent-tpo-1")
        c.set_patient("Test Patient One", "pt-0001")
        c.set_disclosing_party("Riverside Intensive Outpatient Program", None)
        c.set_information("All my substance use disorder treatment records held by the program")
        for dc in ("sud-treatment", "diagnoses", "medications", "assessments", "outcome-measures", "care-plan",
                   "attendance"):
            c.add_data_class(dc)
        for rc in ("treating-providers", "health-plans", "third-party-payers", "program-operations"):
            c.add_recipient(None, None, rc)
        for p in ("treatment", "payment", "health-care-operations"):
            c.add_purpose(p)
        c.set_revocation_statement(True, "Send a signed letter to the program's privacy officer", True)
        c.set_expiration("none", None)
        c.set_signature("Test Patient One", "patient", True)
        c.set_date_signed("2026-03-02")
        d = doc("tpo.json")
        c.set_statements(d["redisclosure_statement"], d["refusal_consequences_statement"])
        self.assertEqual(c.to_json(), load("tpo.json").to_json())

    def test_setters_refuse_bad_arguments(self):
        c = iop.Consent("specific")
        with self.assertRaises(iop.InvalidArgumentError):
            iop.Consent("general")
        c.add_purpose("treatment")
        for call in (lambda: c.set_id("consent #1"), lambda: c.add_purpose("treatment"),
                     lambda: c.add_purpose("marketing"), lambda: c.add_data_class("psychotherapy-notes"),
                     lambda: c.add_recipient(None, None, None), lambda: c.add_recipient("Hillside", None, "employers"),
                     lambda: c.add_participant("Lakeview"), lambda: c.set_expiration("date", "12/31/2026"),
                     lambda: c.set_expiration("none", "2026-12-31"), lambda: c.set_event_occurred("2026-09-30"),
                     lambda: c.set_signature("Guardian", "friend", False), lambda: c.set_date_signed("2026-02-30")):
            with self.assertRaises(iop.InvalidArgumentError):
                call()
        c.add_intermediary("Valley Health Information Exchange", None, None)
        c.add_participant("Lakeview Primary Care")
        self.assertEqual(json.loads(c.to_json())["recipients"][0]["participants"], ["Lakeview Primary Care"])
        with self.assertRaises(ValueError):
            c.add_purpose(None)

    def test_objects_outlive_their_consent(self):
        c = load("tpo-revoked.json")
        d = c.check("X", None, "research", "2026-07-01")
        r = c.validate()
        del c
        gc.collect()
        self.assertEqual(reasons(d), ["revoked", "recipient-not-covered", "purpose-not-covered"])
        self.assertTrue(r.is_valid())


if __name__ == "__main__":
    unittest.main()
