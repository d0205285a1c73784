"""The iop command-line tool: `iop consent check` (permitted and denied disclosures with exit 0/1,
JSON with permitted and reasons, the date defaulting to today, usage errors with exit 2),
`iop consent validate` (missing elements, exit 1), `iop consent fhir` (a Consent resource),
malformed documents with the JSON path and no values in messages, and --help.

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite. SPDX-License-Identifier: MIT
"""
import datetime
import json
import os
import pathlib
import re
import shlex
import subprocess
import tempfile
import unittest

CLI = os.environ.get("IOP_CLI")
WRAPPER = shlex.split(os.environ.get("IOP_CLI_WRAPPER", ""))
DATA = pathlib.Path(os.environ.get("IOP_TEST_DATA_DIR", pathlib.Path(__file__).resolve().parents[1] / "data")) / "consent"
TPO = str(DATA / "valid" / "tpo.json")
SPECIFIC = str(DATA / "valid" / "specific.json")
REVOKED = str(DATA / "valid" / "tpo-revoked.json")
PHI = ("Test Patient", "pt-000", "Riverside", "Hillside", "Lakeview", "Guardian", "2026-02-30")


def run(*args):
    proc = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode == 99 and WRAPPER:
        raise AssertionError("valgrind reported errors:\n" + proc.stderr)
    if WRAPPER:
        proc.stderr = re.sub(r"(?m)^==\d+==.*\n?", "", proc.stderr)
    return proc


def run_json(*args, status=0):
    proc = run(*args)
    if proc.returncode != status:
        raise AssertionError("iop %s exited %d, expected %d: %s" % (" ".join(args), proc.returncode, status,
                                                                   proc.stderr))
    return json.loads(proc.stdout)


def write_temp(testcase, doc):
    fd, path = tempfile.mkstemp(prefix="iop-consent-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    testcase.addCleanup(os.unlink, path)
    return path


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Check(unittest.TestCase):
    def test_permitted_json(self):
        out = run_json("consent", "check", TPO, "--recipient", "Lakeview Primary Care", "--recipient-class",
                       "treating-providers", "--purpose", "treatment", "--date", "2026-05-01", "--data-class",
                       "medications", "--json")
        self.assertIs(out["permitted"], True)
        self.assertEqual(out["reasons"], [])
        self.assertEqual((out["purpose"], out["date"], out["data_class"]), ("treatment", "2026-05-01", "medications"))

    def test_denied_exit_1_with_every_reason(self):
        out = run_json("consent", "check", SPECIFIC, "--recipient", "Someone Else", "--purpose", "payment",
                       "--date", "2027-02-01", "--data-class", "attendance", "--json", status=1)
        self.assertIs(out["permitted"], False)
        self.assertEqual([r["code"] for r in out["reasons"]],
                         ["expired", "recipient-not-covered", "purpose-not-covered", "data-class-not-covered"])
        for r in out["reasons"]:
            self.assertTrue(r["text"])

    def test_revoked_on_and_after(self):
        for date, status in (("2026-05-31", 0), ("2026-06-01", 1), ("2026-06-02", 1)):
            out = run_json("consent", "check", REVOKED, "--recipient", "X", "--recipient-class", "health-plans",
                           "--purpose", "payment", "--date", date, "--json", status=status)
            self.assertEqual(out["permitted"], status == 0, date)

    def test_counseling_notes_under_tpo(self):
        out = run_json("consent", "check", TPO, "--recipient", "X", "--recipient-class", "treating-providers",
                       "--purpose", "treatment", "--date", "2026-05-01", "--data-class", "counseling-notes",
                       "--json", status=1)
        self.assertEqual([r["code"] for r in out["reasons"]], ["counseling-notes-need-separate-consent"])

    def test_text_output(self):
        proc = run("consent", "check", SPECIFIC, "--recipient", "Hillside Outpatient Counseling", "--purpose",
                   "treatment", "--date", "2027-01-01")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stdout.splitlines()[0], "Not permitted (treatment on 2027-01-01)")
        self.assertRegex(proc.stdout, r"\[expired\] ")
        proc = run("consent", "check", SPECIFIC, "--recipient", "Hillside Outpatient Counseling", "--purpose",
                   "treatment", "--date", "2026-12-31")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith("Permitted"))

    def test_date_defaults_to_today(self):
        before = datetime.date.today().isoformat()
        proc = run("consent", "check", TPO, "--recipient", "X", "--recipient-class", "health-plans", "--purpose",
                   "payment", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = json.loads(proc.stdout)
        self.assertIn(out["date"], (before, datetime.date.today().isoformat()))

    def test_usage_errors_exit_2(self):
        cases = [
            ("consent", "check", TPO, "--purpose", "treatment"),
            ("consent", "check", TPO, "--recipient", "X"),
            ("consent", "check", "--recipient", "X", "--purpose", "treatment"),
            ("consent", "check", TPO, "--recipient", "X", "--purpose", "marketing"),
            ("consent", "check", TPO, "--recipient", "X", "--purpose", "treatment", "--date", "2026-02-30"),
            ("consent", "check", TPO, "--recipient", "X", "--purpose", "treatment", "--data-class", "notes"),
            ("consent", "check", TPO, TPO, "--recipient", "X", "--purpose", "treatment"),
            ("consent", "check", TPO, "--recipient", "X", "--purpose", "treatment", "--bogus"),
            ("consent",),
            ("consent", "revoke", TPO),
        ]
        for args in cases:
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")
                self.assertIn("iop consent", proc.stderr)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Validate(unittest.TestCase):
    def test_valid(self):
        out = run_json("consent", "validate", TPO, "--json")
        self.assertEqual(out, {"valid": True, "kind": "tpo", "issues": []})
        proc = run("consent", "validate", SPECIFIC)
        self.assertEqual((proc.returncode, proc.stdout), (0, "Valid (specific consent)\n"))

    def test_missing_elements_exit_1(self):
        doc = json.loads(pathlib.Path(TPO).read_text())
        del doc["signature"]
        del doc["refusal_consequences_statement"]
        out = run_json("consent", "validate", write_temp(self, doc), "--json", status=1)
        self.assertIs(out["valid"], False)
        self.assertEqual([i["element"] for i in out["issues"]], ["signature", "refusal_consequences_statement"])
        proc = run("consent", "validate", str(DATA / "incomplete.json"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("[patient]", proc.stdout)
        self.assertIn("[expiration]", proc.stdout)

    def test_malformed_document_names_the_path_not_the_value(self):
        proc = run("consent", "validate", str(DATA / "invalid" / "date-signed-not-a-calendar-date.json"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.date_signed", proc.stderr)
        for value in PHI:
            self.assertNotIn(value, proc.stderr)
        proc = run("consent", "check", str(DATA / "invalid" / "unknown-data-class.json"), "--recipient", "X",
                   "--purpose", "treatment")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.information.data_classes[1]", proc.stderr)
        proc = run("consent", "validate", str(DATA / "no-such-file.json"))
        self.assertEqual(proc.returncode, 1)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Fhir(unittest.TestCase):
    def test_consent_resource(self):
        res = run_json("consent", "fhir", TPO)
        self.assertEqual((res["resourceType"], res["status"]), ("Consent", "active"))
        self.assertEqual(res["scope"]["coding"][0]["code"], "patient-privacy")
        self.assertEqual(res["provision"]["type"], "permit")
        self.assertEqual(run_json("consent", "fhir", REVOKED)["status"], "inactive")
        self.assertEqual(run("consent", "fhir").returncode, 2)

    def test_help(self):
        proc = run("consent", "--help")
        self.assertEqual(proc.returncode, 0)
        for sub in ("check", "validate", "fhir"):
            self.assertIn(sub, proc.stdout)
        proc = run("consent", "check", "--help")
        self.assertEqual(proc.returncode, 0)
        for opt in ("--recipient", "--recipient-class", "--purpose", "--date", "--data-class", "--json"):
            self.assertIn(opt, proc.stdout)
        self.assertIn("consent", run("--help").stdout)


if __name__ == "__main__":
    unittest.main()
