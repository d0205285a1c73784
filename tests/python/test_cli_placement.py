"""The iop command-line tool: `iop place` (quick form and assessment documents, user packs,
availability, exit statuses and messages that never echo patient data).

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite.
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

ASSESSMENT = {"format": "libiop-assessment", "format_version": 1, "instrument": "asam3",
              "age_group": "adult", "co_occurring": True,
              "ratings": {"d1": 1, "d2": 0, "d3": 2, "d4": 2, "d5": 1, "d6": 1},
              "available_levels": [], "assessor": {"credential": "LCADC", "signed": "2026-01-15"}}


def run(*args):
    proc = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode == 99 and WRAPPER:
        raise AssertionError("valgrind reported errors:\n" + proc.stderr)
    if WRAPPER:
        # valgrind's own report (which quotes the command line) is not the tool's output.
        proc.stderr = re.sub(r"(?m)^==\d+==.*\n?", "", proc.stderr)
    return proc


def run_json(*args):
    proc = run(*args)
    if proc.returncode != 0:
        raise AssertionError("iop %s failed (%d): %s" % (" ".join(args), proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def default_pack():
    return run_json("pack", "placement")


def write_temp(testcase, doc):
    fd, path = tempfile.mkstemp(prefix="iop-place-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    testcase.addCleanup(os.unlink, path)
    return path


def reason_codes(rec):
    return [r["code"] for r in rec["reasons"]]


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class QuickForm(unittest.TestCase):
    def test_acceptance_example_json(self):
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,2,1,1", "--json")
        self.assertEqual(rec["level"], "2.1")
        self.assertEqual(rec["edition"], "asam3")
        self.assertEqual(rec["name"], "Intensive Outpatient Services")
        self.assertIsNone(rec["designation"])
        self.assertIsNone(rec["withdrawal_management"])
        self.assertIsNone(rec["composite"])
        self.assertEqual(rec["binding_dimensions"], ["d3", "d4"])
        self.assertEqual(reason_codes(rec), ["dimension-minimum", "dimension-minimum", "least-intensive"])
        self.assertEqual([(r["rule"], r["source"], r["dimension"]) for r in rec["reasons"]],
                         [("d3-minimum", "ppc2r-grid", "d3"), ("d4-minimum", "libiop-illustrative-tables", "d4"),
                          (None, "asam-not-averaged", None)])
        self.assertTrue(all(r["text"] for r in rec["reasons"]))
        self.assertEqual(rec["alternatives"], [{"level": "1", "reason": "insufficient"}])
        self.assertEqual(rec["pack"]["id"], "libiop-default-placement")

    def test_text_output(self):
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,2,1,1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "Recommended: asam3 level 2.1, Intensive Outpatient Services")
        self.assertIn("Binding dimensions: d3 d4", lines)
        self.assertIn("Reasons:", lines)
        self.assertRegex(proc.stdout,
                         r"\n  1\. d3 \(.*\) rated 2: at least Level 2\.1 \[dimension-minimum; ppc2r-grid\]\n")
        self.assertRegex(proc.stdout,
                         r"\n  3\. Level 2\.1 is the least intensive level .* \[least-intensive; asam-not-averaged\]\n")
        self.assertIn("Alternatives considered: 1 (insufficient)", lines)
        self.assertRegex(lines[-1], r"^Pack: libiop-default-placement \S+ \(the open default built from public rules; "
                                    r"not the ASAM Criteria or the LOCUS grid\)$")

    def test_short_options_and_spaces(self):
        rec = run_json("place", "-i", "asam3", "-r", "1, 0, 2, 2, 1, 1", "--json")
        self.assertEqual(rec["level"], "2.1")

    def test_co_occurring_gives_a_designation(self):
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,2,1,1", "--co-occurring", "--json")
        self.assertEqual(rec["designation"], "COC")
        self.assertEqual(rec["level"], "2.1")
        r = rec["reasons"][-1]
        self.assertEqual((r["code"], r["rule"], r["source"]),
                         ("designation", "co-occurring-capable", "ppc2r-overview"))
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,3,0,0,0", "--co-occurring", "--json")
        self.assertEqual(rec["designation"], "COE")
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,3,0,0,0", "--co-occurring")
        self.assertIn("Recommended: asam3 level 3.5, Clinically Managed High-Intensity Residential Services COE",
                      proc.stdout)

    def test_withdrawal_management(self):
        rec = run_json("place", "--instrument", "asam3", "--ratings", "3,0,0,0,0,0", "--json")
        self.assertEqual((rec["level"], rec["withdrawal_management"]), ("3.7", "3.7-WM"))
        self.assertIn("withdrawal", reason_codes(rec))
        proc = run("place", "--instrument", "asam3", "--ratings", "3,0,0,0,0,0")
        self.assertRegex(proc.stdout, r"\nWithdrawal management: 3\.7-WM, ")

    def test_asam4_variant_and_cap(self):
        rec = run_json("place", "--instrument", "asam4", "--ratings", "2,0,0,0,0,0", "--json")
        self.assertEqual((rec["level"], rec["edition"]), ("2.7", "asam4"))
        self.assertIn({"level": "2.1", "reason": "replaced-by-variant"}, rec["alternatives"])
        rec = run_json("place", "--instrument", "asam3", "--ratings", "0,0,0,4,4,4", "--json")
        self.assertEqual(rec["level"], "3.7")
        self.assertIn({"level": "4", "reason": "capped"}, rec["alternatives"])
        self.assertIn("qualifying-dimensions", reason_codes(rec))

    def test_locus_json_includes_the_composite(self):
        rec = run_json("place", "--instrument", "locus", "--ratings", "3,3,3,3,3,3,3", "--json")
        self.assertEqual((rec["level"], rec["edition"], rec["composite"]), ("4", "locus", 21))
        self.assertEqual(rec["binding_dimensions"], [])
        self.assertEqual(reason_codes(rec), ["composite-band"])
        proc = run("place", "--instrument", "locus", "--ratings", "3,3,3,3,3,3,3")
        self.assertIn("Composite score: 21\n", proc.stdout)
        self.assertNotIn("Binding dimensions", proc.stdout)

    def test_locus_and_calocus_band_edges(self):
        for instrument, ratings, composite, level in (("locus", "1,1,1,1,1,1,3", 9, "0"),
                                                      ("locus", "1,1,1,1,1,1,4", 10, "1"),
                                                      ("locus", "5,5,5,5,5,2,1", 28, "6"),
                                                      ("calocus", "1,1,1,1,1,1,1,3", 10, "1"),
                                                      ("calocus", "5,5,5,5,5,5,5,5", 40, "6")):
            with self.subTest(instrument=instrument, composite=composite):
                rec = run_json("place", "--instrument", instrument, "--ratings", ratings, "--json")
                self.assertEqual((rec["composite"], rec["level"]), (composite, level))

    def test_available_steps_up(self):
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0", "--available", "3.5", "--json")
        self.assertEqual(rec["level"], "3.5")
        self.assertIn({"level": "2.1", "reason": "unavailable"}, rec["alternatives"])
        r = rec["reasons"][-1]
        self.assertEqual((r["code"], r["rule"], r["source"]),
                         ("stepped-up-unavailable", "next-available-level", "anthem-cg-beh-04"))
        # Repeated options: the nearest more intensive declared level.
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0",
                       "--available", "4", "--available", "3.1", "--json")
        self.assertEqual(rec["level"], "3.1")
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0",
                       "--available", "II.1", "--json")
        self.assertEqual(rec["level"], "2.1")
        self.assertNotIn("stepped-up-unavailable", reason_codes(rec))

    def test_adolescent_age_is_accepted(self):
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,2,1,1", "--age", "adolescent", "--json")
        self.assertEqual(rec["level"], "2.1")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class FileForm(unittest.TestCase):
    def test_assessment_document(self):
        rec = run_json("place", write_temp(self, ASSESSMENT), "--json")
        self.assertEqual((rec["level"], rec["designation"]), ("2.1", "COC"))
        self.assertEqual(rec["binding_dimensions"], ["d3", "d4"])
        proc = run("place", write_temp(self, ASSESSMENT))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith("Recommended: asam3 level 2.1, Intensive Outpatient Services COC\n"))

    def test_document_with_available_levels_and_locus(self):
        doc = dict(ASSESSMENT, available_levels=["3.5"])
        self.assertEqual(run_json("place", write_temp(self, doc), "--json")["level"], "3.5")
        doc = {"format": "libiop-assessment", "format_version": 1, "instrument": "calocus",
               "ratings": {"I": 5, "II": 5, "III": 5, "IV-A": 5, "IV-B": 3, "V": 1, "VI-A": 1, "VI-B": 1}}
        rec = run_json("place", write_temp(self, doc), "--json")
        self.assertEqual((rec["composite"], rec["level"], rec["edition"]), (26, "5", "locus"))

    def test_malformed_document_names_the_json_path(self):
        doc = json.loads(json.dumps(ASSESSMENT))
        doc["ratings"]["d3"] = 9
        proc = run("place", write_temp(self, doc))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("$.ratings.d3", proc.stderr)
        self.assertIn("at JSON path $.ratings.d3", proc.stderr)
        proc = run("place", write_temp(self, dict(ASSESSMENT, instrument="asam5")))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.instrument", proc.stderr)
        proc = run("place", write_temp(self, '{"format": "libiop-assessment", '))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("malformed JSON", proc.stderr)

    def test_no_phi_in_messages(self):
        doc = dict(ASSESSMENT, assessor={"credential": "Dr Jane Roe, LCADC", "signed": "1987-02-30"})
        proc = run("place", write_temp(self, doc))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.assessor.signed", proc.stderr)
        self.assertNotIn("1987-02-30", proc.stderr)
        self.assertNotIn("Jane", proc.stderr)

    def test_incomplete_document_fails_at_place(self):
        doc = json.loads(json.dumps(ASSESSMENT))
        del doc["ratings"]["d6"]
        proc = run("place", write_temp(self, doc), "--json")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("d6", proc.stderr)
        self.assertIn("has no rating", proc.stderr)

    def test_missing_file(self):
        path = os.path.join(tempfile.gettempdir(), "no-such-iop-assessment.json")
        proc = run("place", path)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("no-such-iop-assessment.json", proc.stderr)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Packs(unittest.TestCase):
    def clinic_pack(self):
        pack = default_pack()
        pack["id"] = "clinic-placement"
        pack["version"] = "1"
        asam3 = next(i for i in pack["instruments"] if i["id"] == "asam3")
        rule = next(r for r in asam3["rules"] if r["id"] == "d3-minimum")
        rule["levels"][2] = "2.5"
        return pack

    def test_pack_placement_prints_the_built_in_pack(self):
        pack = default_pack()
        self.assertEqual(pack["format"], "libiop-placement")
        self.assertEqual([i["id"] for i in pack["instruments"]], ["asam3", "asam4", "locus", "calocus"])

    def test_user_pack_changes_the_answer(self):
        path = write_temp(self, self.clinic_pack())
        base = ["place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0", "--json"]
        self.assertEqual(run_json(*base)["level"], "2.1")
        rec = run_json(*base, "--pack", path)
        self.assertEqual(rec["level"], "2.5")
        self.assertEqual(rec["pack"], {"id": "clinic-placement", "version": "1"})
        self.assertEqual(rec["reasons"][0]["rule"], "d3-minimum")
        self.assertTrue(rec["reasons"][0]["text"].endswith("at least Level 2.5"))
        # The file form uses the pack too.
        doc = dict(ASSESSMENT, co_occurring=False, ratings={"d1": 1, "d2": 0, "d3": 2, "d4": 0, "d5": 0, "d6": 0})
        self.assertEqual(run_json("place", write_temp(self, doc), "--pack", path, "--json")["level"], "2.5")

    def test_user_pack_is_not_called_the_open_default(self):
        # The pack line names a user pack by id and version, without the built-in pack's
        # "open default ... not the ASAM Criteria" note (a user pack may be a licensed one).
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0",
                   "--pack", write_temp(self, self.clinic_pack()))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith("Recommended: asam3 level 2.5, Partial Hospitalization Services\n"))
        self.assertEqual(proc.stdout.splitlines()[-1], "Pack: clinic-placement 1")
        self.assertNotIn("open default", proc.stdout)
        # The built-in pack loaded against a user continuum is still the built-in pack.
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0",
                   "--continuum", write_temp(self, run_json("pack", "continuum")))
        self.assertIn("(the open default built from public rules;", proc.stdout.splitlines()[-1])

    def test_invalid_pack_is_refused_with_its_json_path(self):
        pack = default_pack()
        pack["instruments"][0]["ladder"][3] = "2.6"
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0", "--pack", write_temp(self, pack))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("$.instruments[0].ladder[3]", proc.stderr)
        pack = default_pack()
        pack["instruments"][0]["rules"][2]["levels"].pop()
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0", "--pack", write_temp(self, pack))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.instruments[0].rules[2].levels", proc.stderr)

    def test_missing_pack(self):
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0",
                   "--pack", os.path.join(tempfile.gettempdir(), "no-such-iop-pack.json"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("cannot read the placement pack", proc.stderr)

    def test_continuum_option(self):
        continuum = run_json("pack", "continuum")
        rec = run_json("place", "--instrument", "asam3", "--ratings", "1,0,2,2,1,1",
                       "--continuum", write_temp(self, continuum), "--json")
        self.assertEqual((rec["level"], rec["name"]), ("2.1", "Intensive Outpatient Services"))


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Errors(unittest.TestCase):
    def test_wrong_count_exits_1(self):
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("needs 6 ratings", proc.stderr)
        self.assertEqual(run("place", "--instrument", "locus", "--ratings", "1,1,1,1,1,1").returncode, 1)

    def test_rating_out_of_range_exits_1_naming_the_dimension(self):
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,7,0,0,0")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("d3", proc.stderr)
        self.assertNotIn("7", proc.stderr)
        proc = run("place", "--instrument", "locus", "--ratings", "1,1,1,1,0,1,1")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("IV-B", proc.stderr)

    def test_non_integer_rating_exits_2_without_echoing_it(self):
        for value in ("2.5", "x9", "", "0x3"):
            with self.subTest(value=value):
                proc = run("place", "--instrument", "asam3", "--ratings", "1,%s,2,0,0,0" % value)
                self.assertEqual(proc.returncode, 2)
                self.assertEqual(proc.stdout, "")
                self.assertIn("rating 2 is not an integer", proc.stderr)
                if value:
                    self.assertNotIn(value, proc.stderr)

    def test_usage_errors_exit_2(self):
        doc = write_temp(self, ASSESSMENT)
        cases = {
            "file and --instrument": (["place", doc, "--instrument", "asam3", "--ratings", "1,0,2,0,0,0"],
                                      "not both"),
            "--ratings without --instrument": (["place", "--ratings", "1,0,2,0,0,0"], None),
            "--instrument without --ratings": (["place", "--instrument", "asam3"], "--instrument needs --ratings"),
            "nothing": (["place"], None),
            "quick-form option with a file": (["place", doc, "--co-occurring"], "quick form"),
            "two files": (["place", doc, doc], None),
            "unknown age": (["place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0", "--age", "senior"],
                            "senior"),
            "unknown option": (["place", "--bogus"], None),
        }
        for what, (args, needle) in cases.items():
            with self.subTest(what):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")
                self.assertNotEqual(proc.stderr, "")
                if needle is not None:
                    self.assertIn(needle, proc.stderr)

    def test_unknown_instrument_exits_1(self):
        proc = run("place", "--instrument", "asam5", "--ratings", "1,0,2,0,0,0")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn('unknown instrument "asam5"', proc.stderr)

    def test_unknown_available_level_exits_1(self):
        proc = run("place", "--instrument", "asam3", "--ratings", "1,0,2,0,0,0", "--available", "9.9")
        self.assertEqual(proc.returncode, 1)
        self.assertIn('"9.9"', proc.stderr)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Help(unittest.TestCase):
    def test_help_mentions_dimension_order_and_the_disclaimer(self):
        proc = run("place", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("Usage:", proc.stdout)
        text = " ".join(proc.stdout.split())
        self.assertIn("Dimension order: ASAM d1..d6 (rated 0-4); LOCUS I, II, III, IV-A, IV-B, V, VI (1-5); "
                      "CALOCUS I, II, III, IV-A, IV-B, V, VI-A, VI-B (1-5).", text)
        self.assertIn("it is not the ASAM Criteria decision logic or the LOCUS grid", text)
        for option in ("--instrument", "--ratings", "--co-occurring", "--available", "--json", "--pack",
                       "--continuum", "--age"):
            self.assertIn(option, proc.stdout)
        self.assertEqual(run("help", "place").returncode, 0)
        self.assertIn("place", run("--help").stdout)


if __name__ == "__main__":
    unittest.main()
