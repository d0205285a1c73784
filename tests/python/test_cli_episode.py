"""The iop command-line tool on episodes of care: `iop check` (exit 0 when compliant, 1 when a
rule fails or the input is bad, 2 for a bad command line; the JSON shape with `compliant` and
`rules[{id, passed, measured, required}]`; --as-of; --rules, --pack and --program files; a
malformed episode named by its JSON path without quoting the document) and `iop attendance`
(weeks, rate, flags; --json and --as-of).

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite. SPDX-License-Identifier: MIT
"""
import copy
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
ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(os.environ.get("IOP_TEST_DATA_DIR") or ROOT / "tests" / "data")
EXAMPLE = ROOT / "examples" / "data" / "episode.json"
BASE = DATA / "episode" / "valid" / "base.json"
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def run(*args):
    proc = subprocess.run(WRAPPER + [CLI, *map(str, args)], capture_output=True, text=True, timeout=120)
    if proc.returncode == 99 and WRAPPER:
        raise AssertionError("valgrind reported errors:\n" + proc.stderr)
    if WRAPPER:
        proc.stderr = re.sub(r"(?m)^==\d+==.*\n?", "", proc.stderr)
    return proc


def run_json(*args, status=0):
    proc = run(*args)
    if proc.returncode != status:
        raise AssertionError("iop %s exited %d, expected %d: %s" % (" ".join(map(str, args)), proc.returncode, status,
                                                                   proc.stderr))
    return json.loads(proc.stdout)


def write_temp(testcase, doc):
    fd, path = tempfile.mkstemp(prefix="iop-episode-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    testcase.addCleanup(os.unlink, path)
    return path


def base():
    with open(BASE, encoding="utf-8") as f:
        return json.load(f)


def rule(report, rule_id):
    found = [r for r in report["rules"] if r["id"] == rule_id]
    if len(found) != 1:
        raise AssertionError("%d results for %s in %s" % (len(found), rule_id, report))
    return found[0]


def compliant_episode():
    """The corpus base, made compliant on 2026-02-11: every session attended, a 9-hour week."""
    doc = base()
    doc["schedule"]["sessions"] = [{"day": d, "start": "09:00", "minutes": 180, "kind": "group-therapy"}
                                   for d in ("mon", "wed", "fri")]
    doc["attendance"] = [{"date": d, "start": "09:00", "minutes": 180, "kind": "group-therapy",
                          "status": "attended"} for d in ("2026-02-02", "2026-02-04", "2026-02-06", "2026-02-09",
                                                          "2026-02-11")]
    return doc


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Check(unittest.TestCase):
    def test_compliant_json_shape(self):
        rep = run_json("check", write_temp(self, compliant_episode()), "--as-of", "2026-02-11", "--json")
        self.assertIs(rep["compliant"], True)
        self.assertEqual((rep["level"], rep["edition"], rep["age_group"]), ("2.1", "asam3", "adult"))
        self.assertEqual([r["id"] for r in rep["rules"]],
                         ["weekly-hours-band", "service-day-minimum", "medicare-certification", "attendance-rate",
                          "consecutive-misses", "medicare-recertification"])
        for r in rep["rules"]:
            self.assertLessEqual({"id", "passed", "measured", "required"}, set(r))
            self.assertIs(r["passed"], True, r["id"])
            self.assertIsInstance(r["measured"], (int, float))
            self.assertIsInstance(r["required"], str)
        self.assertEqual(rule(rep, "weekly-hours-band")["measured"], 9)
        self.assertEqual((rule(rep, "attendance-rate")["measured"], rule(rep, "attendance-rate")["required"]),
                         (1, ">= 0.75"))
        recert = rule(rep, "medicare-recertification")
        self.assertEqual((recert["date"], recert["measured"]), ("2026-04-02", 50))

    def test_not_compliant_exits_1(self):
        doc = base()
        path = write_temp(self, doc)
        # The corpus base is compliant on 2026-02-11: 3 of 4 sessions attended (the excused one is
        # left out) is exactly 0.75.
        rep = run_json("check", path, "--as-of", "2026-02-11", "--json")
        self.assertEqual(rule(rep, "attendance-rate")["measured"], 0.75)
        # Missing the drug test as well: 2 of 4, and two misses in a row (the excused session
        # between them does not break the run).
        doc["attendance"][4]["status"] = "missed"
        path = write_temp(self, doc)
        proc = run("check", path, "--as-of", "2026-02-11", "--json")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        rep = json.loads(proc.stdout)
        self.assertIs(rep["compliant"], False)
        self.assertEqual([r["id"] for r in rep["rules"] if not r["passed"]], ["attendance-rate", "consecutive-misses"])
        self.assertEqual(rule(rep, "attendance-rate")["measured"], 0.5)
        self.assertEqual(rule(rep, "consecutive-misses")["measured"], 2)
        proc = run("check", path, "--as-of", "2026-02-11")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout.splitlines()[0], "Not compliant")
        self.assertRegex(proc.stdout, r"\[fail \] consecutive-misses +measured 2, required < 2 consecutive misses")

    def test_text_output(self):
        proc = run("check", write_temp(self, compliant_episode()), "--as-of", "2026-02-11")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.splitlines()[0], "Compliant")
        self.assertRegex(proc.stdout, r"\[pass \] attendance-rate +measured 1, required >= 0\.75")
        self.assertRegex(proc.stdout, r"\[pass \] medicare-recertification")

    def test_as_of_changes_the_answer(self):
        path = write_temp(self, compliant_episode())
        # Recertification is due on 2026-04-02 (certified 2026-02-02).
        rep = run_json("check", path, "--as-of", "2026-04-02", "--json")
        self.assertEqual(rule(rep, "medicare-recertification")["measured"], 0)
        rep = run_json("check", path, "--as-of", "2026-04-03", "--json", status=1)
        recert = rule(rep, "medicare-recertification")
        self.assertEqual((recert["passed"], recert["measured"]), (False, -1))
        # Later weeks change nothing else.
        self.assertEqual([r["id"] for r in rep["rules"] if not r["passed"]], ["medicare-recertification"])
        # Without --as-of: today (the episode is from 2026, so the due date has passed or not; both run).
        proc = run("check", path, "--json")
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        today = datetime.date.today()
        if today >= datetime.date(2026, 2, 2):
            self.assertEqual(json.loads(proc.stdout)["rules"][-1]["id"], "medicare-recertification")

    def test_taper_and_age_from_the_document(self):
        doc = compliant_episode()
        doc["schedule"]["sessions"] = [{"day": d, "start": "09:00", "minutes": 140, "kind": "group-therapy"}
                                       for d in ("mon", "wed", "fri")]
        doc["taper_start"] = "2026-02-09"
        doc["rule_sets"] = "asam"
        doc["medicare_certified"] = None
        path = write_temp(self, doc)
        for as_of, status, code in (("2026-02-15", "taper", 0), ("2026-02-22", "taper", 0), ("2026-02-23", "fail", 1)):
            rep = run_json("check", path, "--as-of", as_of, "--json", status=code)
            self.assertEqual(rule(rep, "weekly-hours-band")["status"], status, as_of)
        self.assertEqual(rep["recommendation"], "step-down")
        doc["client"]["birth_date"] = "2008-02-20"
        doc["taper_start"] = None
        path = write_temp(self, doc)
        # 7 h/week: within the adolescent band (6-19) until the 18th birthday.
        rep = run_json("check", path, "--as-of", "2026-02-19", "--json")
        self.assertEqual((rep["age_group"], rule(rep, "weekly-hours-band")["required"]), ("adolescent", "6-19 hours/week"))
        rep = run_json("check", path, "--as-of", "2026-02-20", "--json", status=1)
        self.assertEqual(rep["age_group"], "adult")

    def test_rule_sets_from_the_document(self):
        doc = compliant_episode()
        doc["rule_sets"] = "asam,h0015"
        rep = run_json("check", write_temp(self, doc), "--as-of", "2026-02-11", "--json")
        self.assertEqual([r["id"] for r in rep["rules"]][:3],
                         ["weekly-hours-band", "h0015-hours-per-day", "h0015-days-per-week"])
        doc["rule_sets"] = "asam,hedis"
        proc = run("check", write_temp(self, doc), "--as-of", "2026-02-11")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("hedis", proc.stderr)

    def test_pack_files(self):
        path = write_temp(self, compliant_episode())
        # --rules: a compliance pack with a state rule of 4 hours a day.
        rep = run_json("check", path, "--as-of", "2026-02-11", "--json", "--rules",
                       DATA / "compliance" / "valid" / "state-four-hour-days.json", status=1)
        self.assertIs(rule(rep, "state-hours-per-day")["passed"], False)
        # --pack: the continuum (here the built-in one, saved to a file).
        continuum = run("pack", "continuum").stdout
        rep = run_json("check", path, "--as-of", "2026-02-11", "--json", "--pack", write_temp(self, continuum))
        self.assertIs(rep["compliant"], True)
        # --program: an episode written for another program needs that program.
        program = json.loads(run("pack", "program").stdout)
        program["id"] = "clinic-program"
        program["engagement"]["dropout_risk_below"] = 0.9
        doc = base()
        doc["program"] = "clinic-program"
        doc_path = write_temp(self, doc)
        proc = run("check", doc_path, "--as-of", "2026-02-11")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.program", proc.stderr)
        rep = run_json("check", doc_path, "--as-of", "2026-02-11", "--json", "--program", write_temp(self, program),
                       status=1)
        self.assertEqual((rule(rep, "attendance-rate")["passed"], rule(rep, "attendance-rate")["required"]),
                         (False, ">= 0.9"))
        for option in ("--rules", "--pack", "--program"):
            proc = run("check", path, "--as-of", "2026-02-11", option, "/nonexistent/iop-pack.json")
            self.assertEqual(proc.returncode, 1, option)
            self.assertEqual(proc.stdout, "", option)

    def test_malformed_episode_names_the_path(self):
        doc = base()
        doc["attendance"][3] = {"date": "2026-02-04", "start": "12:30", "minutes": 60, "kind": "group-therapy",
                                "status": "attended"}
        proc = run("check", write_temp(self, doc), "--as-of", "2026-02-11", "--json")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("at JSON path $.attendance[3]", proc.stderr)
        self.assertIn("overlaps", proc.stderr)
        for secret in ("PSEUDO-7781", "acme-behavioral-payer", "Maple Street", "naloxone"):
            self.assertNotIn(secret, proc.stderr)
        self.assertIsNone(DATE_RE.search(proc.stderr), proc.stderr)
        # Others from the corpus.
        for name, path in (("diagnosis-bad-icd.json", "$.diagnoses[1]"),
                           ("level-first-not-admission.json", "$.level_history[0].date"),
                           ("goal-duplicate-id.json", "$.goals[1].id")):
            proc = run("check", DATA / "episode" / name, "--as-of", "2026-02-11")
            self.assertEqual(proc.returncode, 1, name)
            self.assertIn("at JSON path " + path, proc.stderr, name)
        proc = run("check", write_temp(self, "{"), "--as-of", "2026-02-11")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("malformed JSON", proc.stderr)

    def test_bad_file(self):
        proc = run("check", "/nonexistent/iop-episode.json", "--as-of", "2026-02-11")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("iop-episode.json", proc.stderr)

    def test_dates(self):
        path = write_temp(self, compliant_episode())
        # A date that is not a date is a bad command line.
        for bad in ("2026-02-30", "2026-2-11", "11/02/2026", "today", ""):
            proc = run("check", path, "--as-of", bad)
            self.assertEqual(proc.returncode, 2, bad)
            self.assertIn("--as-of", proc.stderr, bad)
        # A real date before the admission is a failed request.
        proc = run("check", path, "--as-of", "2026-02-01")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("before the admission", proc.stderr)

    def test_usage_errors_exit_2(self):
        path = write_temp(self, compliant_episode())
        for args, message in (([], "missing EPISODE.json"), ([path, path], "unexpected argument"),
                              ([path, "--nope"], "--nope"), ([path, "--as-of"], "--as-of")):
            proc = run("check", *args)
            self.assertEqual(proc.returncode, 2, (args, proc.stderr))
            self.assertEqual(proc.stdout, "")
            self.assertIn(message, proc.stderr)

    def test_example_document(self):
        rep = run_json("check", EXAMPLE, "--as-of", "2026-01-30", "--json")
        self.assertIs(rep["compliant"], True)
        self.assertEqual(rule(rep, "consecutive-misses")["measured"], 0)

    def test_help(self):
        proc = run("check", "--help")
        self.assertEqual(proc.returncode, 0)
        for word in ("EPISODE.json", "--json", "--as-of", "--rules", "--pack", "--program"):
            self.assertIn(word, proc.stdout)
        self.assertIn("check", run("--help").stdout)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Attendance(unittest.TestCase):
    def test_json(self):
        doc = base()
        path = write_temp(self, doc)
        summary = run_json("attendance", path, "--json")
        self.assertEqual(summary["as_of"], "2026-02-09")  # the last entry
        self.assertEqual([w["week"] for w in summary["weeks"]], ["2026-W06", "2026-W07"])
        first = summary["weeks"][0]
        self.assertEqual((first["attended"], first["missed"], first["excused"]), (2, 1, 1))
        # Planned in W06: Mon 3 h, Wed 3 h 50, Fri 3 h; attended Mon and Wed morning.
        self.assertEqual((first["planned_hours"], first["attended_hours"]), (round(590 / 60, 2), 6))
        self.assertEqual(summary["rate"], 0.75)
        self.assertEqual(summary["current_misses"], 0)
        self.assertEqual(summary["flags"], [])
        self.assertEqual(set(summary), {"as_of", "rate", "sessions_per_week", "current_misses", "weeks", "flags"})

    def test_flags_and_as_of(self):
        doc = compliant_episode()
        doc["attendance"][3]["status"] = "missed"
        doc["attendance"][4]["status"] = "missed"
        path = write_temp(self, doc)
        summary = run_json("attendance", path, "--json")
        self.assertEqual([(f["flag"], f["date"]) for f in summary["flags"]],
                         [("outreach", "2026-02-11"), ("dropout-risk", "2026-02-11")])  # 3 of 5
        self.assertEqual(summary["current_misses"], 2)
        for f in summary["flags"]:
            self.assertTrue(f["text"])
        summary = run_json("attendance", path, "--json", "--as-of", "2026-02-09")
        self.assertEqual((summary["as_of"], summary["current_misses"], summary["flags"]), ("2026-02-09", 1, []))
        summary = run_json("attendance", path, "--json", "--as-of", "2026-02-20")
        self.assertEqual(len(summary["weeks"]), 3)
        self.assertEqual(summary["weeks"][2]["planned_hours"], 9)
        self.assertEqual(summary["weeks"][2]["attended_hours"], 0)
        # Flags do not change the exit status.
        proc = run("attendance", path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Flag: outreach on 2026-02-11", proc.stdout)
        self.assertRegex(proc.stdout, r"2026-W06  planned +9\.00 h  attended +9\.00 h")

    def test_errors(self):
        proc = run("attendance", "/nonexistent/iop-episode.json")
        self.assertEqual(proc.returncode, 1)
        doc = base()
        doc["attendance"][0]["start"] = "09:00Z"
        proc = run("attendance", write_temp(self, doc))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("at JSON path $.attendance[0]", proc.stderr)
        self.assertNotIn("PSEUDO-7781", proc.stderr)
        path = write_temp(self, base())
        self.assertEqual(run("attendance", path, "--as-of", "2026-02-30").returncode, 2)
        proc = run("attendance", path, "--as-of", "2026-01-01")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(run("attendance").returncode, 2)
        self.assertEqual(run("attendance", path, path).returncode, 2)
        self.assertEqual(run("attendance", "--help").returncode, 0)


if __name__ == "__main__":
    unittest.main()
