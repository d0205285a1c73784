"""The iop command-line tool: outcome-measure commands (score, instruments, series).

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite. Mirrors the binding suites
(test_measure.py, lua/test_measure.lua) for the behaviour the commands expose.
"""
import json
import os
import re
import shlex
import subprocess
import tempfile
import unittest

CLI = os.environ.get("IOP_CLI")
WRAPPER = shlex.split(os.environ.get("IOP_CLI_WRAPPER", ""))

INSTRUMENT_IDS = ["phq9", "gad7", "audit", "audit-c", "dast10", "bam"]
# Valgrind's own lines ("==123== ...", "--123-- ...") when the suite runs under the wrapper.
VALGRIND_LINE = re.compile(r"^(==|--)\d+(==|--)")


def run(*args):
    proc = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode == 99 and WRAPPER:
        raise AssertionError("valgrind reported errors:\n" + proc.stderr)
    return proc


def run_json(*args):
    proc = run(*args)
    if proc.returncode != 0:
        raise AssertionError("iop %s failed (%d): %s"
                             % (" ".join(args), proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def iop_stderr(proc):
    """The tool's own diagnostics, without valgrind's lines."""
    return "".join(line for line in proc.stderr.splitlines(True) if not VALGRIND_LINE.match(line))


def items(answers):
    return ",".join(str(a) for a in answers)


def write_file(testcase, text):
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    testcase.addCleanup(os.unlink, path)
    return path


def series_doc(instrument, administrations, sex="unknown"):
    """A measure series document written by hand (docs/json-formats.md, "Measure series")."""
    return {"format": "libiop-measure-series", "format_version": 1, "instrument": instrument,
            "sex": sex,
            "administrations": [{"date": d, "answers": a} for d, a in administrations]}


# A complete measures pack written by hand: one small instrument a program adds without new C
# code (three items answered 0-2, item 3 reverse-scored, bands low 0-2 / high 3-6).
USER_PACK = {
    "format": "libiop-measures",
    "format_version": 1,
    "id": "clinic-measures",
    "version": "1",
    "sources": {"k3-source": {"citation": "Clinic-defined test instrument", "confidence": "L"}},
    "instruments": [{
        "id": "k3",
        "name": "Three-item check",
        "abbreviation": "K-3",
        "answers": [0, 1, 2],
        "items": [{"id": "1", "label": "First"}, {"id": "2", "label": "Second"},
                  {"id": "3", "label": "Third (reversed)", "points": [2, 1, 0]}],
        "scales": [{"id": "total", "label": "Total", "primary": True, "items": ["1", "2", "3"],
                    "bands": [{"id": "low", "label": "Low", "min": 0, "max": 2},
                              {"id": "high", "label": "High", "min": 3, "max": 6}]}],
        "flags": [{"id": "k3-high", "label": "High K-3 score", "severity": "info",
                   "scale": "total", "op": ">=", "value": 3, "source": "k3-source"}],
        "outcomes": {"min_baseline": 4, "response_reduction_percent": 50, "remission_below": 2,
                     "source": "k3-source"},
        "source": "k3-source",
    }],
}


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class ScoreCommand(unittest.TestCase):
    def test_phq9_json(self):
        doc = run_json("score", "phq9", "--items", "3,3,3,3,3,3,2,0,0", "--json")
        for key in ("instrument", "total", "band", "flags", "scales", "answers", "sex"):
            self.assertIn(key, doc)
        self.assertEqual(doc["instrument"], "phq9")
        self.assertEqual(doc["total"], 20)
        self.assertEqual(doc["band"], {"id": "severe", "label": "Severe"})
        self.assertEqual([(f["id"], f["severity"]) for f in doc["flags"]],
                         [("depression-screen-positive", "warning")])
        self.assertEqual(doc["answers"], [3, 3, 3, 3, 3, 3, 2, 0, 0])
        self.assertEqual(doc["sex"], "unknown")

    def test_phq9_text(self):
        proc = run("score", "phq9", "--items", "3,3,3,3,3,3,2,0,0")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("PHQ-9 (Patient Health Questionnaire-9)", proc.stdout)
        self.assertRegex(proc.stdout, r"Total: +20, Severe\n")
        self.assertRegex(proc.stdout, r"Flag: +\[warning\] Score of 10 or more")
        proc = run("score", "PHQ-9", "--items", "0,0,0,0,0,0,0,0,0")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"Total: +0, None to minimal\n")
        self.assertRegex(proc.stdout, r"Flags: +none\n")

    def test_item9_flag_is_urgent_in_text_and_json(self):
        proc = run("score", "phq9", "--items", "0,0,0,0,0,0,0,0,1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"Total: +1, None to minimal\n")
        self.assertRegex(proc.stdout, r"Flag: +\[urgent\] .*immediate clinical review")
        doc = run_json("score", "phq9", "--items", "0,0,0,0,0,0,0,0,1", "--json")
        self.assertEqual(doc["total"], 1)
        self.assertEqual(doc["band"]["id"], "minimal")
        self.assertEqual([(f["id"], f["severity"]) for f in doc["flags"]],
                         [("self-harm-thoughts", "urgent")])

    def test_band_edges_through_the_cli(self):
        cases = [("gad7", "2,2,2,2,1,0,0", 9, "mild", []),
                 ("gad7", "2,2,2,2,2,0,0", 10, "moderate", ["anxiety-screen-positive"]),
                 ("audit", "4,4,4,3,0,0,0,0,4,0", 19, "zone-3", []),
                 ("audit", "4,4,4,4,0,0,0,0,2,2", 20, "zone-4", ["possible-dependence"]),
                 ("dast10", "1,1,1,1,1,1,1,1,1,1", 9, "severe", ["drug-problems-substantial"]),
                 ("dast10", "1,1,0,1,1,1,1,1,1,1", 10, "severe", ["drug-problems-substantial"]),
                 ("dast10", "0,0,1,0,0,0,0,0,0,0", 0, "none", [])]
        for instrument, answers, total, band, flags in cases:
            with self.subTest(instrument=instrument, items=answers):
                doc = run_json("score", instrument, "--items", answers, "--json")
                self.assertEqual(doc["total"], total)
                self.assertEqual(doc["band"]["id"], band)
                self.assertEqual([f["id"] for f in doc["flags"]], flags)

    def test_bam_composites(self):
        answers = [0] * 17
        for item in (1, 2, 3, 8, 11, 15):
            answers[item - 1] = 2
        answers[4] = 1  # item 5
        doc = run_json("score", "bam", "--items", items(answers), "--json")
        self.assertIsNone(doc["total"])
        self.assertIsNone(doc["band"])
        self.assertEqual({k: v["value"] for k, v in doc["scales"].items()},
                         {"use": 1, "risk": 12, "protective": 0})
        self.assertEqual([f["id"] for f in doc["flags"]],
                         ["any-use", "risk-concern", "protective-concern"])
        proc = run("score", "bam", "--items", items(answers))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("Total:", proc.stdout)
        self.assertRegex(proc.stdout, r"Scale risk +12\n")
        self.assertRegex(proc.stdout, r"Scale use +1\n")

    def test_spaces_around_items_are_accepted(self):
        self.assertEqual(run_json("score", "phq9", "--items", "1, 2,3 ,0,0,0,0,0,0", "--json")
                         ["total"], 6)
        self.assertEqual(run_json("score", "audit-c", "-i", "1,1,1", "--json")["total"], 3)

    def test_audit_item9_answer_3_fails_naming_the_item(self):
        proc = run("score", "audit", "--items", "0,0,0,0,0,0,0,0,3,0")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        err = iop_stderr(proc)
        self.assertIn("item 9", err)
        self.assertNotRegex(err, r"(?<![\d.])3(?![\d.])")  # the answer is not echoed
        self.assertEqual(run("score", "audit", "--items", "0,0,0,0,0,0,0,0,2,4").returncode, 0)

    def test_disallowed_answer_fails_with_status_1(self):
        proc = run("score", "phq9", "--items", "0,0,7,0,0,0,0,0,0")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        err = iop_stderr(proc)
        self.assertIn("item 3", err)
        self.assertNotRegex(err, r"(?<![\d.-])7(?![\d.])")

    def test_non_integer_item_is_a_usage_error_naming_the_item(self):
        proc = run("score", "phq9", "--items", "1,x,3")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, "")
        err = iop_stderr(proc)
        self.assertIn("item 2", err)
        self.assertNotRegex(err, r"(?<![A-Za-z])x(?![A-Za-z])")
        for bad, item in (("1,2,secret-answer,0,0,0,0,0,0", 3), ("2.5,0,0,0,0,0,0,0,0", 1),
                          ("0,0,0,0,,0,0,0,0", 5), ("0,0,0,0,0,0,0,0,99999999999", 9)):
            with self.subTest(items=bad):
                proc = run("score", "phq9", "--items", bad)
                self.assertEqual(proc.returncode, 2)
                err = iop_stderr(proc)
                self.assertIn("item %d" % item, err)
                token = bad.split(",")[item - 1]
                if token:
                    self.assertNotIn(token, err)

    def test_wrong_number_of_answers_fails_with_status_1(self):
        for answers in ("1,2", "0,0,0,0,0,0,0,0,0,0"):
            with self.subTest(items=answers):
                proc = run("score", "phq9", "--items", answers)
                self.assertEqual(proc.returncode, 1)
                self.assertEqual(proc.stdout, "")
                self.assertIn("9 answers", iop_stderr(proc))

    def test_usage_errors_exit_2(self):
        for args in (["score", "phq9"],  # missing --items
                     ["score", "phq9", "--items", "1", "--bogus"],
                     ["score", "audit-c", "--items", "1,1,1", "--sex", "other"],
                     ["score", "audit-c", "--items", "1,1,1", "--sex", "Female"],
                     ["score", "--items", "1,1,1"],  # missing INSTRUMENT
                     ["score", "phq9", "extra", "--items", "0,0,0,0,0,0,0,0,0"],
                     ["instruments", "extra"],
                     ["series"]):
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")
                self.assertIn("--help", iop_stderr(proc))

    def test_unknown_instrument_fails_with_status_1(self):
        proc = run("score", "phq-99", "--items", "0,0,0")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("unknown instrument", iop_stderr(proc))

    def test_sex_changes_audit_c(self):
        def flags(answers, *sex):
            return [f["id"] for f in run_json("score", "audit-c", "--items", answers, "--json",
                                              *sex)["flags"]]
        self.assertEqual(flags("1,1,1", "--sex", "male"), [])
        self.assertEqual(flags("1,1,2", "--sex", "male"), ["alcohol-screen-positive"])
        self.assertEqual(flags("1,1,0", "--sex", "female"), [])
        self.assertEqual(flags("1,1,1", "--sex", "female"), ["alcohol-screen-positive"])
        self.assertEqual(flags("1,1,1", "--sex", "unknown"), ["alcohol-screen-positive"])
        self.assertEqual(flags("1,1,1"), ["alcohol-screen-positive"])
        self.assertEqual(flags("1,1,0"), [])
        doc = run_json("score", "audit-c", "--items", "1,1,1", "--sex", "female", "--json")
        self.assertEqual(doc["sex"], "female")
        self.assertIsNone(doc["band"])
        proc = run("score", "audit-c", "--items", "1,1,1", "--sex", "female")
        self.assertIn("for women", proc.stdout)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class InstrumentsCommand(unittest.TestCase):
    def test_json_lists_the_six_instruments(self):
        doc = run_json("instruments", "--json")
        self.assertEqual([i["id"] for i in doc], INSTRUMENT_IDS)
        by_id = {i["id"]: i for i in doc}
        self.assertEqual(by_id["phq9"], {"id": "phq9", "abbreviation": "PHQ-9",
                                         "name": "Patient Health Questionnaire-9", "items": 9,
                                         "scales": ["total"], "loinc": "44261-6"})
        self.assertEqual([by_id[i]["items"] for i in INSTRUMENT_IDS], [9, 7, 10, 3, 10, 17])
        self.assertEqual(by_id["bam"]["scales"], ["use", "risk", "protective"])
        self.assertIsNone(by_id["audit"]["loinc"])
        self.assertEqual(by_id["audit-c"]["loinc"], "75626-2")

    def test_text(self):
        proc = run("instruments")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual([l.split()[0] for l in lines], INSTRUMENT_IDS)
        self.assertRegex(lines[5], r"^bam +BAM +17 items +Brief Addiction Monitor$")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class SeriesCommand(unittest.TestCase):
    def phq9_file(self, sex="female"):
        # Written out of date order; baseline 16 (2026-01-05), latest 4 (2026-03-01).
        return write_file(self, json.dumps(series_doc("phq9", [
            ("2026-03-01", [1, 1, 1, 1, 0, 0, 0, 0, 0]),
            ("2026-01-05", [2, 2, 2, 2, 2, 2, 2, 2, 0]),
            ("2026-02-01", [2, 2, 1, 1, 1, 1, 0, 0, 1]),
        ], sex)))

    def test_json_summary(self):
        doc = run_json("series", self.phq9_file(), "--json")
        self.assertEqual(doc["instrument"], "phq9")
        self.assertEqual(doc["sex"], "female")
        self.assertEqual([a["date"] for a in doc["administrations"]],
                         ["2026-01-05", "2026-02-01", "2026-03-01"])
        summary = doc["summary"]
        self.assertEqual(summary["administrations"], 3)
        self.assertEqual(summary["baseline"]["date"], "2026-01-05")
        self.assertEqual(summary["baseline"]["total"], 16)
        self.assertEqual(summary["latest"]["total"], 4)
        self.assertEqual(summary["latest"]["band"]["id"], "minimal")
        self.assertEqual(summary["change_from_baseline"], -12)
        self.assertEqual(summary["response"], "met")
        self.assertEqual(summary["remission"], "met")

    def test_text_summary(self):
        proc = run("series", self.phq9_file())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "PHQ-9 series: 3 administrations")
        # One line per administration in date order; the urgent item-9 flag stands out.
        self.assertRegex(lines[1], r"^ +2026-01-05 +total 16, Moderately severe\b")
        self.assertRegex(lines[2], r"^ +2026-02-01 +total 9, Mild\b")
        self.assertRegex(lines[3], r"^ +2026-03-01 +total 4, None to minimal$")
        self.assertRegex(lines[2], r"(?i)urgent")
        self.assertNotRegex(lines[1], r"(?i)urgent")
        self.assertIn("Change from baseline: -12", proc.stdout)
        self.assertIn("Response: met; remission: met", proc.stdout)

    def test_outcomes_at_their_thresholds(self):
        # (baseline answers, latest answers, response, remission)
        cases = [([3, 3, 3, 3, 3, 3, 2, 0, 0], [3, 3, 3, 1, 0, 0, 0, 0, 0], "met", "not-met"),
                 ([3, 3, 3, 3, 3, 3, 2, 0, 0], [3, 3, 3, 2, 0, 0, 0, 0, 0], "not-met", "not-met"),
                 ([3, 3, 3, 0, 0, 0, 0, 0, 0], [3, 1, 0, 0, 0, 0, 0, 0, 0], "not-applicable",
                  "not-applicable"),
                 ([3, 3, 3, 1, 0, 0, 0, 0, 0], [3, 1, 0, 0, 0, 0, 0, 0, 0], "met", "met"),
                 ([3, 3, 3, 3, 3, 0, 0, 0, 0], [3, 2, 0, 0, 0, 0, 0, 0, 0], "met", "not-met")]
        for baseline, latest, response, remission in cases:
            with self.subTest(baseline=sum(baseline), latest=sum(latest)):
                path = write_file(self, json.dumps(series_doc("phq9", [("2026-01-01", baseline),
                                                                       ("2026-02-01", latest)])))
                summary = run_json("series", path, "--json")["summary"]
                self.assertEqual(summary["change_from_baseline"], sum(latest) - sum(baseline))
                self.assertEqual((summary["response"], summary["remission"]), (response, remission))

    def test_instrument_without_outcome_rules(self):
        path = write_file(self, json.dumps(series_doc("audit", [
            ("2026-01-01", [4, 4, 4, 4, 4, 4, 2, 0, 4, 0]),
            ("2026-06-01", [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])])))
        proc = run("series", path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Change from baseline: -28", proc.stdout)
        self.assertNotIn("Response", proc.stdout)
        self.assertEqual(run_json("series", path, "--json")["summary"]["response"],
                         "not-applicable")

    def test_json_output_reads_back_byte_identically(self):
        first = run("series", self.phq9_file(), "--json")
        self.assertEqual(first.returncode, 0, first.stderr)
        second = run("series", write_file(self, first.stdout), "--json")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(second.stdout, first.stdout)

    def test_invalid_date_fails_with_the_json_path(self):
        doc = series_doc("phq9", [("2026-01-05", [2] * 9), ("2026-02-30", [1] * 9)])
        proc = run("series", write_file(self, json.dumps(doc)))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        err = iop_stderr(proc)
        self.assertIn("$.administrations[1].date", err)
        self.assertNotIn("2026-02-30", err)
        self.assertNotIn("02-30", err)

    def test_invalid_answers_fail_with_the_json_path(self):
        doc = series_doc("audit", [("2026-01-05", [0] * 8 + [3, 0])])
        proc = run("series", write_file(self, json.dumps(doc)), "--json")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        err = iop_stderr(proc)
        self.assertIn("$.administrations[0].answers", err)
        self.assertIn("item 9", err)

    def test_malformed_and_missing_files(self):
        proc = run("series", write_file(self, '{"format": "libiop-measure-series", '))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("malformed JSON", iop_stderr(proc))
        doc = series_doc("phq-99", [])
        proc = run("series", write_file(self, json.dumps(doc)))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.instrument", iop_stderr(proc))
        path = write_file(self, "{}") + ".missing"
        proc = run("series", path)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertNotEqual(iop_stderr(proc), "")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class UserPacks(unittest.TestCase):
    def test_pack_adds_an_instrument(self):
        pack = write_file(self, json.dumps(USER_PACK))
        listed = run_json("instruments", "--json", "--pack", pack)
        self.assertEqual([i["id"] for i in listed], ["k3"])
        self.assertEqual(listed[0]["abbreviation"], "K-3")
        doc = run_json("score", "k3", "--items", "1,0,0", "--json", "--pack", pack)
        self.assertEqual(doc["total"], 3)  # 1 + 0 + 2 (item 3 reversed)
        self.assertEqual(doc["band"], {"id": "high", "label": "High"})
        self.assertEqual([(f["id"], f["severity"]) for f in doc["flags"]], [("k3-high", "info")])
        self.assertEqual(run_json("score", "K-3", "--items", "0,0,2", "--json", "--pack", pack)
                         ["band"]["id"], "low")
        proc = run("score", "k3", "--items", "0,3,0", "--pack", pack)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("item 2", iop_stderr(proc))
        # The built-in pack does not know it, and the user pack does not know PHQ-9.
        self.assertEqual(run("score", "k3", "--items", "1,0,0").returncode, 1)
        self.assertEqual(run("score", "phq9", "--items", "0,0,0,0,0,0,0,0,0", "--pack",
                             pack).returncode, 1)

    def test_series_with_a_user_pack(self):
        pack = write_file(self, json.dumps(USER_PACK))
        path = write_file(self, json.dumps(series_doc("k3", [("2026-01-01", [2, 2, 0]),
                                                             ("2026-02-01", [0, 1, 2])])))
        summary = run_json("series", path, "--json", "--pack", pack)["summary"]
        self.assertEqual(summary["change_from_baseline"], -5)
        self.assertEqual((summary["response"], summary["remission"]), ("met", "met"))
        self.assertEqual(run("series", path).returncode, 1)  # unknown to the built-in pack

    def test_invalid_pack_fails_with_the_json_path(self):
        pack = json.loads(json.dumps(USER_PACK))
        pack["instruments"][0]["scales"][0]["bands"][1]["min"] = 4  # 3 is lost
        path = write_file(self, json.dumps(pack))
        for args in (["score", "k3", "--items", "0,0,0"], ["instruments"]):
            with self.subTest(command=args[0]):
                proc = run(*args, "--pack", path)
                self.assertEqual(proc.returncode, 1)
                self.assertEqual(proc.stdout, "")
                self.assertIn("$.instruments[0].scales[0].bands[1].min", iop_stderr(proc))
        proc = run("instruments", "--pack", path + ".missing")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("cannot read the measures pack", iop_stderr(proc))


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Help(unittest.TestCase):
    def test_every_measure_command_has_help(self):
        for command in ("score", "instruments", "series"):
            with self.subTest(command=command):
                proc = run(command, "--help")
                self.assertEqual(proc.returncode, 0)
                self.assertIn("Usage:", proc.stdout)
                self.assertIn("iop " + command, proc.stdout)
                self.assertIn("--pack", proc.stdout)
                self.assertEqual(run("help", command).returncode, 0)
        score_help = run("score", "--help").stdout
        for option in ("--items", "--sex", "--json"):
            self.assertIn(option, score_help)
        self.assertIn("items 9-10 0, 2 or 4", score_help)
        top = run("--help").stdout
        for command in ("instruments", "score", "series"):
            self.assertRegex(top, r"\n +%s +\S" % command)


if __name__ == "__main__":
    unittest.main()
