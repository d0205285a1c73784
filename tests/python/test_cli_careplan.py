"""The iop command-line tool for continuing care: `iop plan` (text and the plan document, --start,
--template, dates checked against datetime), `iop escalate` (exit 1 when a rule fires, JSON),
`iop readiness` (exit 1 when an item fails, JSON, --program for an episode of a program's own
pack), `iop export` (a FHIR Bundle or a transition package; with a consent that does not permit
the disclosure nothing on stdout and exit 1), malformed documents with the JSON path and no
values in messages, usage errors with exit 2, and --help.

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite. SPDX-License-Identifier: MIT
"""
import calendar
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
DATA = pathlib.Path(os.environ.get("IOP_TEST_DATA_DIR", pathlib.Path(__file__).resolve().parents[1] / "data")) / "careplan"
SOURCE = pathlib.Path(__file__).resolve().parents[2]
EPISODE = str(DATA / "episode-ready.json")
PLAN = str(DATA / "plan-ready.json")
TPO = str(DATA / "consent-tpo.json")
SPECIFIC = str(DATA / "consent-specific.json")
CUSTOM = str(DATA / "template-custom.json")
HILLSIDE = "Hillside Outpatient Counseling"
PHI = ("C-0042", "C-7731", "Hillside", "Test Patient", "Telephone check-in", "Dr. Example", "Friday evenings", "Sponsor")


def run(*args):
    proc = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, text=True, timeout=300)
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
    fd, path = tempfile.mkstemp(prefix="iop-careplan-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    testcase.addCleanup(os.unlink, path)
    return path


def doc(path):
    return json.loads(pathlib.Path(path).read_text())


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def assert_no_phi(testcase, text):
    for value in PHI:
        testcase.assertNotIn(value, text)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Plan(unittest.TestCase):
    def test_plan_document(self):
        plan = run_json("plan", EPISODE, "--start", "2027-12-31", "--json")
        self.assertEqual((plan["format"], plan["template"], plan["client"]),
                         ("libiop-careplan", "libiop-default-continuing-care", "C-0042"))
        self.assertEqual((plan["start_date"], plan["end_date"]), ("2027-12-31", "2029-06-30"))
        start = datetime.date(2027, 12, 31)
        three = add_months(start, 3)
        weekly = [i["date"] for i in plan["items"] if i["kind"] == "phone-check-in" and i["source"] == "mckay-2005-tel"]
        self.assertEqual(weekly, [(start + datetime.timedelta(days=7 * k)).isoformat() for k in range(1, 14)])
        self.assertEqual(weekly[-1], three.isoformat())  # 91 days: the 13th call on start + 3 months
        biweekly = [i["date"] for i in plan["items"] if i["source"] == "state-phone-protocol" and i["kind"] == "phone-check-in"]
        self.assertEqual(biweekly[0], (three + datetime.timedelta(days=14)).isoformat())
        self.assertEqual([i["date"] for i in plan["items"] if i["kind"] == "alumni-meeting"],
                         [add_months(start, m).isoformat() for m in range(1, 13)])
        self.assertEqual(plan["relapse_prevention"], {"triggers": [], "coping_strategies": [], "people_to_call": []})
        self.assertEqual(plan["measures"], [])
        self.assertTrue(all(i["status"] == "planned" for i in plan["items"]))

    def test_text_output(self):
        proc = run("plan", EPISODE, "--start", "2026-02-27")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "Continuing-care plan from 2026-02-27 to 2027-08-27")
        self.assertEqual(lines[1], "Receiving provider: (none); first appointment: (none)")
        self.assertRegex(lines[2], r"^  2026-03-06  phone-check-in\s+planned\s+Telephone check-in .*\(15 min\)$")
        self.assertEqual(len(lines), 2 + len(doc(PLAN)["items"]))

    def test_the_document_reads_back(self):
        text = run("plan", EPISODE, "--start", "2026-02-27", "--json").stdout
        path = write_temp(self, text)
        proc = run("escalate", path, "--as-of", "2026-03-01")
        self.assertEqual((proc.returncode, proc.stdout), (0, "No escalation as of 2026-03-01\n"), proc.stderr)

    def test_custom_template(self):
        plan = run_json("plan", EPISODE, "--start", "2026-01-31", "--template", CUSTOM, "--json")
        self.assertEqual(plan["template"], "test-custom-care")
        self.assertEqual(plan["end_date"], "2026-07-31")
        self.assertEqual([(i["date"], i["kind"]) for i in plan["items"]],
                         [("2026-01-31", "relapse-prevention-review"), ("2026-02-10", "phone-check-in"),
                          ("2026-02-20", "phone-check-in"), ("2026-02-21", "support-group"),
                          ("2026-03-14", "support-group"), ("2026-05-31", "phone-check-in"),
                          ("2026-07-31", "phone-check-in"), ("2026-07-31", "referral")])

    def test_start_defaults_to_today(self):
        before = datetime.date.today().isoformat()
        plan = run_json("plan", EPISODE, "--json")
        self.assertIn(plan["start_date"], (before, datetime.date.today().isoformat()))

    def test_errors(self):
        for start in ("2026-02-30", "2026-01-04"):
            with self.subTest(start=start):
                proc = run("plan", EPISODE, "--start", start)
                self.assertEqual(proc.returncode, 1)
                self.assertEqual(proc.stdout, "")
                self.assertIn("iop plan: error:", proc.stderr)
        proc = run("plan", EPISODE, "--template", str(DATA / "invalid-template" / "phases-overlap.json"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.series[0].phases[1].from_month", proc.stderr)
        for args in (("plan",), ("plan", EPISODE, EPISODE), ("plan", EPISODE, "--bogus")):
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Escalate(unittest.TestCase):
    def plan_with(self, statuses=(), measures=()):
        d = doc(PLAN)
        for i, status, relapse in statuses:
            d["items"][i]["status"] = status
            d["items"][i]["relapse"] = relapse
        d["measures"].extend(measures)
        return write_temp(self, d)

    def test_nothing_fires(self):
        proc = run("escalate", PLAN, "--as-of", "2026-03-20")
        self.assertEqual((proc.returncode, proc.stdout), (0, "No escalation as of 2026-03-20\n"))
        self.assertEqual(run_json("escalate", PLAN, "--as-of", "2026-03-20", "--json"),
                         {"as_of": "2026-03-20", "escalations": []})

    def test_rules_fire_with_exit_1(self):
        # items 0 and 3 are the calls of 2026-03-06 and 2026-03-13
        path = self.plan_with([(0, "missed", False), (3, "missed", True)],
                              [{"date": "2026-03-10", "instrument": "phq9", "total": 3,
                                "flags": [{"id": "self-harm-thoughts", "severity": "urgent"}]}])
        out = run_json("escalate", path, "--as-of", "2026-03-14", "--json", status=1)
        self.assertEqual([(e["rule"], e["action"], e["date"]) for e in out["escalations"]],
                         [("missed-contacts", "outreach", "2026-03-13"), ("phq9-item9", "reassessment", "2026-03-10"),
                          ("relapse", "reassessment", "2026-03-13")])
        proc = run("escalate", path, "--as-of", "2026-03-14")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("outreach: Two consecutive missed contacts", proc.stdout)
        self.assertIn("(missed-contacts, evidence 2026-03-13; state-phone-protocol)", proc.stdout)
        # outside the windows, and before the second miss
        self.assertEqual(run_json("escalate", path, "--as-of", "2026-03-12", "--json", status=1)["escalations"][0]["rule"],
                         "phq9-item9")
        out = run_json("escalate", path, "--as-of", "2026-04-13", "--json", status=1)
        self.assertEqual([e["rule"] for e in out["escalations"]], ["missed-contacts"])

    def test_template_and_errors(self):
        proc = run("escalate", PLAN, "--template", CUSTOM, "--as-of", "2026-03-20")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.template", proc.stderr)
        proc = run("escalate", PLAN, "--as-of", "2026-03-32")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        for name, path in (("items-out-of-order.json", "$.items[2].date"),
                           ("relapse-prevention-entry-too-long.json", "$.relapse_prevention.coping_strategies[1]"),
                           ("appointment-before-start.json", "$.first_appointment")):
            with self.subTest(name=name):
                proc = run("escalate", str(DATA / "invalid-plan" / name))
                self.assertEqual(proc.returncode, 1)
                self.assertIn("at JSON path " + path, proc.stderr)
                self.assertNotIn("(null)", proc.stderr)
                assert_no_phi(self, proc.stderr)
                self.assertIsNone(re.search(r"\d{4}-\d\d-\d\d", proc.stderr), proc.stderr)
        self.assertEqual(run("escalate").returncode, 2)
        self.assertEqual(run("escalate", str(DATA / "no-such-plan.json")).returncode, 1)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Readiness(unittest.TestCase):
    def test_ready(self):
        proc = run("readiness", PLAN, "--episode", EPISODE, "--consent", SPECIFIC, "--as-of", "2026-02-27")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "Ready for transition")
        self.assertEqual(len(lines), 7)
        self.assertTrue(all(line.startswith("  [ok  ]") for line in lines[1:]))
        out = run_json("readiness", PLAN, "--episode", EPISODE, "--consent", TPO, "--as-of", "2026-02-27", "--json")
        self.assertIs(out["ready"], True)
        self.assertEqual([i["id"] for i in out["items"]], ["final-stage-goals", "stage-of-change", "recent-measures",
                                                          "receiving-provider", "first-appointment", "consent"])

    def test_not_ready_exit_1(self):
        out = run_json("readiness", PLAN, "--episode", EPISODE, "--as-of", "2026-02-27", "--json", status=1)
        self.assertEqual([i["id"] for i in out["items"] if not i["passed"]], ["consent"])
        out = run_json("readiness", PLAN, "--episode", EPISODE, "--consent", SPECIFIC, "--as-of", "2026-03-27", "--json",
                       status=1)
        self.assertEqual([i["id"] for i in out["items"] if not i["passed"]], ["recent-measures"])
        d = doc(PLAN)
        d["first_appointment"] = "2026-03-07"
        out = run_json("readiness", write_temp(self, d), "--episode", EPISODE, "--consent", SPECIFIC, "--as-of",
                       "2026-02-27", "--json", status=1)
        self.assertEqual([i["id"] for i in out["items"] if not i["passed"]], ["first-appointment"])
        proc = run("readiness", PLAN, "--episode", EPISODE, "--as-of", "2026-02-27")
        self.assertIn("  [FAIL] consent", proc.stdout)
        assert_no_phi(self, proc.stdout)

    def test_a_programs_own_pack(self):
        # A program whose transition-planning stage leads on to aftercare: not a final stage.
        program = json.loads((SOURCE / "libiop" / "data" / "program.json").read_text())
        program["id"] = "test-program"
        last = dict(program["stages"][-1])
        program["stages"][-1]["next"] = ["aftercare"]
        last.update(id="aftercare", name="Aftercare")
        program["stages"].append(last)
        program_path = write_temp(self, program)
        ep = doc(EPISODE)
        ep["program"] = "test-program"
        ep_path = write_temp(self, ep)
        proc = run("readiness", PLAN, "--episode", ep_path, "--consent", TPO, "--as-of", "2026-02-27")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.program", proc.stderr)
        out = run_json("readiness", PLAN, "--episode", ep_path, "--program", program_path, "--consent", TPO,
                       "--as-of", "2026-02-27", "--json", status=1)
        self.assertEqual([i["id"] for i in out["items"] if not i["passed"]], ["final-stage-goals"])
        bundle = run_json("export", PLAN, "--episode", ep_path, "--program", program_path, "--consent", TPO,
                          "--date", "2026-02-27")
        self.assertEqual(bundle["resourceType"], "Bundle")
        self.assertEqual(run("export", PLAN, "--episode", ep_path, "--consent", TPO, "--date", "2026-02-27").returncode, 1)

    def test_usage_errors(self):
        for args in (("readiness", PLAN), ("readiness", "--episode", EPISODE), ("readiness", PLAN, PLAN, "--episode", EPISODE)):
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Export(unittest.TestCase):
    def refused(self, *extra, reason, fmt="fhir"):
        proc = run("export", PLAN, "--episode", EPISODE, "--format", fmt, *extra)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertIn("not permitted", proc.stderr)
        self.assertIn(reason, proc.stderr)
        assert_no_phi(self, proc.stderr)

    def test_refusals_print_nothing(self):
        revoked = doc(TPO)
        revoked["revocation"] = {"date": "2026-02-20", "how": "in writing"}
        other = doc(SPECIFIC)
        other["patient"]["id"] = "C-0099"
        no_treatment = doc(SPECIFIC)
        no_treatment["purposes"] = ["patient-request"]
        no_diagnoses = doc(SPECIFIC)
        no_diagnoses["information"]["data_classes"] = ["sud-treatment", "care-plan", "attendance", "outcome-measures"]
        no_attendance = doc(SPECIFIC)
        no_attendance["information"]["data_classes"] = ["sud-treatment", "diagnoses", "care-plan", "outcome-measures"]
        for fmt in ("fhir", "package"):
            with self.subTest(format=fmt):
                self.refused("--date", "2026-02-27", reason="no-consent", fmt=fmt)
                self.refused("--consent", write_temp(self, revoked), "--date", "2026-02-27", reason="revoked", fmt=fmt)
                self.refused("--consent", SPECIFIC, "--date", "2027-01-01", reason="expired", fmt=fmt)
                self.refused("--consent", SPECIFIC, "--recipient", "Lakeside Recovery Center", "--date", "2026-02-27",
                             reason="recipient-not-covered", fmt=fmt)
                self.refused("--consent", write_temp(self, no_treatment), "--date", "2026-02-27",
                             reason="purpose-not-covered", fmt=fmt)
                self.refused("--consent", write_temp(self, no_diagnoses), "--date", "2026-02-27",
                             reason="data-class-not-covered", fmt=fmt)
                self.refused("--consent", write_temp(self, other), "--date", "2026-02-27", reason="other-patient", fmt=fmt)
        self.refused("--consent", write_temp(self, no_attendance), "--date", "2026-02-27", reason="data-class-not-covered",
                     fmt="package")
        run_json("export", PLAN, "--episode", EPISODE, "--consent", write_temp(self, no_attendance), "--date", "2026-02-27")

    def test_fhir_bundle(self):
        first = run("export", PLAN, "--episode", EPISODE, "--consent", SPECIFIC, "--date", "2026-02-27")
        self.assertEqual(first.returncode, 0, first.stderr)
        again = run("export", PLAN, "--episode", EPISODE, "--consent", SPECIFIC, "--date", "2026-02-27",
                    "--recipient", HILLSIDE, "--format", "fhir")
        self.assertEqual(first.stdout, again.stdout)
        bundle = json.loads(first.stdout)
        self.assertEqual((bundle["resourceType"], bundle["type"]), ("Bundle", "collection"))
        types = [e["resource"]["resourceType"] for e in bundle["entry"]]
        self.assertEqual(types[0], "CarePlan")
        self.assertEqual(types.count("ServiceRequest"), len(doc(PLAN)["items"]))
        self.assertEqual(types.count("Goal"), 6)
        self.assertEqual(types.count("Condition"), 2)

    def test_package(self):
        out = run_json("export", PLAN, "--episode", EPISODE, "--consent", TPO, "--recipient", "Lakeside Recovery Center",
                       "--date", "2026-02-27", "--format", "package")
        self.assertEqual(out["format"], "libiop-transition-package")
        self.assertEqual(out["recipient"], "Lakeside Recovery Center")
        self.assertEqual(out["careplan"], doc(PLAN))
        self.assertEqual(out["episode"]["client"]["id"], "C-0042")
        self.assertEqual({s["code"] for s in out["security"]}, {"R", "ETH", "42CFRPart2", "NORDSCLCD"})

    def test_recipient_defaults_to_the_receiving_provider(self):
        d = doc(PLAN)
        d["receiving_provider"] = None
        proc = run("export", write_temp(self, d), "--episode", EPISODE, "--consent", TPO, "--date", "2026-02-27")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("--recipient", proc.stderr)
        d["receiving_provider"] = "Lakeside Recovery Center"
        proc = run("export", write_temp(self, d), "--episode", EPISODE, "--consent", SPECIFIC, "--date", "2026-02-27")
        self.assertEqual((proc.returncode, proc.stdout), (1, ""))
        self.assertIn("recipient-not-covered", proc.stderr)

    def test_errors(self):
        proc = run("export", PLAN, "--episode", EPISODE, "--consent", TPO, "--date", "2026-02-30")
        self.assertEqual((proc.returncode, proc.stdout), (1, ""))
        for args in (("export", PLAN, "--episode", EPISODE, "--consent", TPO, "--format", "pdf"),
                     ("export", PLAN, "--consent", TPO), ("export",)):
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual((proc.returncode, proc.stdout), (2, ""), proc.stderr)
        proc = run("export", PLAN, "--episode", EPISODE, "--consent", str(DATA / "no-such-consent.json"))
        self.assertEqual((proc.returncode, proc.stdout), (1, ""))

    def test_help(self):
        for command, options in (("plan", ("--start", "--template", "--json", "--pack", "--program")),
                                 ("escalate", ("--as-of", "--template", "--json")),
                                 ("readiness", ("--episode", "--consent", "--as-of", "--program", "--json")),
                                 ("export", ("--episode", "--consent", "--recipient", "--date", "--format", "--program"))):
            with self.subTest(command=command):
                proc = run(command, "--help")
                self.assertEqual(proc.returncode, 0)
                for opt in options:
                    self.assertIn(opt, proc.stdout)
        top = run("--help").stdout
        for command in ("plan", "escalate", "readiness", "export"):
            self.assertIn(command, top)


if __name__ == "__main__":
    unittest.main()
