"""The iop command-line tool: `iop intensity` (--week and --schedule, rule sets, taper, age,
edition, usage errors), `iop claims` (violations, clean files, malformed files with the JSON
path), `iop pack compliance` and --help.

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite. SPDX-License-Identifier: MIT
"""
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
PACK_FILE = pathlib.Path(__file__).resolve().parents[2] / "libiop" / "data" / "compliance.json"


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
    fd, path = tempfile.mkstemp(prefix="iop-compliance-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    testcase.addCleanup(os.unlink, path)
    return path


def rule(report, rule_id):
    found = [r for r in report["rules"] if r["id"] == rule_id]
    if len(found) != 1:
        raise AssertionError("%d results for %s in %s" % (len(found), rule_id, report))
    return found[0]


def claims(*lines):
    return {"format": "libiop-claims", "format_version": 1,
            "lines": [dict(zip(("date", "code", "units"), l)) for l in lines]}


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Intensity(unittest.TestCase):
    def test_compliant_week_json(self):
        rep = run_json("intensity", "--level", "2.1", "--week", "mon:180,wed:180,fri:180", "--json")
        self.assertIs(rep["compliant"], True)
        self.assertEqual((rep["level"], rep["edition"], rep["age_group"]), ("2.1", "asam3", "adult"))
        self.assertIsNone(rep["recommendation"])
        self.assertEqual([r["id"] for r in rep["rules"]], ["weekly-hours-band", "service-day-minimum"])
        for r in rep["rules"]:
            self.assertLessEqual({"id", "passed", "measured", "required"}, set(r))
            self.assertIs(r["passed"], True)
        band = rule(rep, "weekly-hours-band")
        self.assertEqual((band["measured"], band["required"]), (9, "9-19 hours/week"))

    def test_below_band_exit_1(self):
        proc = run("intensity", "--level", "2.1", "--week", "mon:175,wed:175,fri:175", "--json")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        rep = json.loads(proc.stdout)
        self.assertIs(rep["compliant"], False)
        band = rule(rep, "weekly-hours-band")
        self.assertEqual((band["passed"], band["status"], band["measured"]), (False, "fail", 8.75))
        self.assertEqual((rep["recommendation"], rep["recommended_level"]), ("step-down", "1"))

    def test_text_output(self):
        proc = run("intensity", "--level", "2.1", "--week", "mon:175,wed:175,fri:175")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "Level 2.1 (asam3), adult: 8.75 hours/week over 3 days, 3 sessions")
        self.assertEqual(lines[1], "Not compliant")
        self.assertRegex(proc.stdout, r"\[fail \] weekly-hours-band +measured 8\.75, required 9-19 hours/week")
        self.assertEqual(lines[-1], "Recommendation: step-down to Level 1")
        proc = run("intensity", "--level", "2.1", "--week", "mon:180,wed:180,fri:180")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.splitlines()[1], "Compliant")

    def test_step_up(self):
        rep = run_json("intensity", "--level", "2.1", "--week", "mon:385,wed:385,fri:385", "--json", status=1)
        self.assertEqual((rep["recommendation"], rep["recommended_level"]), ("step-up", "2.5"))

    def test_rule_sets(self):
        rep = run_json("intensity", "--level", "2.1", "--week", "mon:180,wed:180,fri:180",
                       "--rules", "asam,h0015,medicare", "--json")
        self.assertIs(rep["compliant"], True)
        self.assertEqual([r["id"] for r in rep["rules"]],
                         ["weekly-hours-band", "h0015-hours-per-day", "h0015-days-per-week",
                          "medicare-certification"])
        self.assertEqual(rule(rep, "h0015-days-per-week")["measured"], 3)
        self.assertEqual(rule(rep, "medicare-certification")["required"], ">= 9 hours/week")
        rep = run_json("intensity", "--level", "2.1", "--week", "mon:300,tue:300", "-r", "h0015", "--json", status=1)
        self.assertIs(rule(rep, "h0015-days-per-week")["passed"], False)

    def test_taper(self):
        week = "mon:140,wed:140,fri:140"
        for weeks in ("1", "2"):
            rep = run_json("intensity", "--level", "2.1", "--week", week, "--rules", "asam",
                           "--weeks-below", weeks, "--json")
            band = rule(rep, "weekly-hours-band")
            self.assertEqual((band["status"], band["passed"], band["measured"]), ("taper", True, 7))
            self.assertIsNone(rep["recommendation"])
        rep = run_json("intensity", "--level", "2.1", "--week", week, "--rules", "asam", "--weeks-below", "3",
                       "--json", status=1)
        self.assertEqual(rule(rep, "weekly-hours-band")["status"], "fail")
        self.assertEqual(rep["recommendation"], "step-down")
        proc = run("intensity", "--level", "2.1", "--week", week, "--rules", "asam", "--weeks-below", "2")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("[taper] weekly-hours-band", proc.stdout)

    def test_adolescent(self):
        rep = run_json("intensity", "--level", "2.1", "--age", "adolescent", "--week", "mon:120,wed:120,fri:120",
                       "--rules", "asam", "--json")
        self.assertEqual(rep["age_group"], "adolescent")
        self.assertEqual(rule(rep, "weekly-hours-band")["required"], "6-19 hours/week")
        run_json("intensity", "--level", "2.1", "--week", "mon:120,wed:120,fri:120", "--rules", "asam",
                 "--json", status=1)

    def test_edition_4(self):
        rep = run_json("intensity", "--level", "2.1", "--edition", "4", "--week", "mon:180,wed:180,fri:180", "--json")
        self.assertEqual(rep["edition"], "asam4")
        self.assertIs(rep["compliant"], True)

    def test_schedule_file(self):
        doc = {"format": "libiop-schedule", "format_version": 1, "sessions": [
            {"day": "mon", "start": "09:00", "minutes": 120, "kind": "group-therapy"},
            {"day": "mon", "start": "11:00", "minutes": 60, "kind": "individual-counseling"},
            {"day": "tue", "start": "09:00", "minutes": 180, "kind": "group-therapy"},
            {"day": "thu", "start": None, "minutes": 200, "kind": "psychoeducation"}]}
        path = write_temp(self, doc)
        rep = run_json("intensity", "--level", "2.1", "--schedule", path, "--json")
        self.assertIs(rep["compliant"], True)
        self.assertAlmostEqual(rule(rep, "weekly-hours-band")["measured"], 9.33)
        self.assertEqual(rule(rep, "service-day-minimum")["measured"], 3)
        proc = run("intensity", "--level", "2.1", "--schedule", path)
        self.assertIn("over 3 days, 4 sessions", proc.stdout.splitlines()[0])

    def test_malformed_schedule_file(self):
        doc = {"format": "libiop-schedule", "format_version": 1, "sessions": [
            {"day": "mon", "start": "09:00", "minutes": 60, "kind": "group-therapy"},
            {"day": "mon", "start": "09:30", "minutes": 60, "kind": "group-therapy"}]}
        proc = run("intensity", "--level", "2.1", "--schedule", write_temp(self, doc))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("$.sessions[1]", proc.stderr)
        proc = run("intensity", "--level", "2.1", "--schedule", "/nonexistent/iop-schedule.json")
        self.assertEqual(proc.returncode, 1)

    def test_usage_errors_exit_2(self):
        cases = [
            (["--week", "mon:180"], "--level is required"),
            (["--level", "2.1"], "give --week or --schedule"),
            (["--level", "2.1", "--week", "mon:180", "--schedule", "x.json"], "give --week or --schedule"),
            (["--level", "2.1", "--week", "mon:180,wed180"], "entry 2 is not DAY:MINUTES"),
            (["--level", "2.1", "--week", "mon:180,xyz:180"], "entry 2 is not DAY:MINUTES"),
            (["--level", "2.1", "--week", "mon:abc"], "entry 1 is not DAY:MINUTES"),
            (["--level", "2.1", "--week", "mon:0"], "entry 1"),
            (["--level", "2.1", "--week", "mon:180", "--weeks-below", "-1"], "--weeks-below must not be negative"),
            (["--level", "2.1", "--week", "mon:180", "--age", "child"], "child"),
            (["--level", "2.1", "--week", "mon:180", "--edition", "7"], "7"),
            (["--level", "2.1", "--week", "mon:180", "extra"], "unexpected argument 'extra'"),
        ]
        for args, message in cases:
            proc = run("intensity", *args)
            self.assertEqual(proc.returncode, 2, (args, proc.stderr))
            self.assertEqual(proc.stdout, "", args)
            self.assertIn(message, proc.stderr, args)
        self.assertIn("xyz", run("intensity", "--level", "2.1", "--week", "mon:180,xyz:180").stderr)

    def test_unknown_level_and_rule_set_exit_1(self):
        proc = run("intensity", "--level", "9.9", "--week", "mon:180")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("unknown asam3 level '9.9'", proc.stderr)
        proc = run("intensity", "--level", "2.1", "--week", "mon:180", "--rules", "asam,nope")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn('unknown rule set "nope"', proc.stderr)
        proc = run("intensity", "--level", "2.1", "--week", "mon:180", "--rules", "")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no rule set selected", proc.stderr)

    def test_help(self):
        proc = run("intensity", "--help")
        self.assertEqual(proc.returncode, 0)
        for option in ("--level", "--edition", "--age", "--week", "--schedule", "--weeks-below", "--rules",
                       "--json", "--pack", "--continuum"):
            self.assertIn(option, proc.stdout)
        self.assertIn("iop intensity", proc.stdout)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Claims(unittest.TestCase):
    def test_violations(self):
        path = write_temp(self, claims(("2026-03-02", "H0015"), ("2026-03-02", "H0035"),
                                       ("2026-03-05", "S9480", 2), ("2026-03-10", "H0015"),
                                       ("2026-03-17", "S0201")))
        rep = run_json("claims", path, "--json", status=1)
        self.assertIs(rep["compliant"], False)
        self.assertEqual([(r["id"], r["date"]) for r in rep["rules"]],
                         [("exclusive-services", "2026-03-02"), ("medicare-php-window", "2026-03-02"),
                          ("one-unit-per-day", "2026-03-05"), ("medicare-php-window", "2026-03-10")])
        self.assertTrue(all(r["passed"] is False for r in rep["rules"]))
        self.assertEqual(rep["rules"][2]["measured"], 2)
        self.assertEqual(rep["rules"][3]["measured"], 7)
        proc = run("claims", path)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout.splitlines()[0], "Not compliant")
        self.assertRegex(proc.stdout, r"\[fail \] one-unit-per-day +2026-03-05  measured 2")

    def test_clean_file(self):
        path = write_temp(self, claims(("2026-03-02", "H0015"), ("2026-03-03", "S9480", 1),
                                       ("2026-03-02", "99213"), ("2026-03-01", "H0015"), ("2026-03-11", "H0035")))
        rep = run_json("claims", path, "--json")
        self.assertEqual((rep["compliant"], rep["rules"]), (True, []))
        proc = run("claims", path)
        self.assertEqual((proc.returncode, proc.stdout), (0, "Compliant\n"))

    def test_malformed_file(self):
        path = write_temp(self, claims(("2026-03-02", "H0015", "x")))
        proc = run("claims", path, "--json")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("$.lines[0].units", proc.stderr)
        proc = run("claims", write_temp(self, claims(("2026-02-30", "H0015"))))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.lines[0].date", proc.stderr)
        proc = run("claims", write_temp(self, "{"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("malformed JSON", proc.stderr)
        self.assertEqual(run("claims", "/nonexistent/iop-claims.json").returncode, 1)

    def test_usage(self):
        proc = run("claims")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("missing FILE", proc.stderr)
        proc = run("claims", "a.json", "b.json")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("unexpected argument 'b.json'", proc.stderr)

    def test_help(self):
        proc = run("claims", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("iop claims", proc.stdout)
        self.assertIn("FILE", proc.stdout)
        self.assertIn("--json", proc.stdout)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Pack(unittest.TestCase):
    def test_pack_compliance(self):
        pack = run_json("pack", "compliance")
        self.assertEqual(pack["format"], "libiop-compliance")
        self.assertEqual(pack["id"], "libiop-default-compliance")
        self.assertEqual([s["id"] for s in pack["rule_sets"]], ["asam", "service-day", "h0015", "medicare"])
        if PACK_FILE.exists():
            self.assertEqual(pack, json.loads(PACK_FILE.read_text(encoding="utf-8")))

    def test_edited_pack(self):
        pack = run_json("pack", "compliance")
        next(s for s in pack["rule_sets"] if s["id"] == "medicare")["rules"][0]["min_hours"] = 10
        path = write_temp(self, pack)
        rep = run_json("intensity", "--level", "2.1", "--week", "mon:180,wed:180,fri:180", "--rules", "medicare",
                       "--pack", path, "--json", status=1)
        self.assertEqual(rule(rep, "medicare-certification")["required"], ">= 10 hours/week")


if __name__ == "__main__":
    unittest.main()
