"""The iop command-line tool: care-continuum commands (levels, level, crosswalk, compare, pack).

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite.
"""
import json
import os
import shlex
import subprocess
import tempfile
import unittest

CLI = os.environ.get("IOP_CLI")
WRAPPER = shlex.split(os.environ.get("IOP_CLI_WRAPPER", ""))


def run(*args):
    proc = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode == 99 and WRAPPER:
        raise AssertionError("valgrind reported errors:\n" + proc.stderr)
    return proc


def run_json(*args):
    proc = run(*args)
    if proc.returncode != 0:
        raise AssertionError("iop %s failed (%d): %s" % (" ".join(args), proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def default_pack():
    return json.loads(run("pack").stdout)


def write_pack(testcase, pack):
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(pack, f)
    testcase.addCleanup(os.unlink, path)
    return path


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class LevelCommand(unittest.TestCase):
    def test_iop_level_2_1_edition_3_json_gives_adult_and_adolescent_bands(self):
        level = run_json("level", "2.1", "--edition", "3", "--json")
        self.assertEqual(level["code"], "2.1")
        self.assertEqual(level["edition"], "asam3")
        self.assertEqual(level["name"], "Intensive Outpatient Services")
        self.assertEqual(level["setting"], "outpatient")
        self.assertEqual(level["hours_per_week"]["adult"]["min"], 9)
        self.assertEqual(level["hours_per_week"]["adult"]["max"], 19)
        self.assertEqual(level["hours_per_week"]["adolescent"]["min"], 6)
        self.assertEqual(level["hours_per_week"]["adolescent"]["max"], 19)
        self.assertEqual(level["step_down"], "1")
        self.assertEqual(level["step_up"], "2.5")

    def test_unbounded_and_unpublished_bounds_are_null(self):
        php = run_json("level", "2.5", "--edition", "4", "--json")
        self.assertEqual(php["hours_per_week"]["adult"]["min"], 20)
        self.assertIsNone(php["hours_per_week"]["adult"]["max"])
        self.assertIsNone(php["hours_per_week"]["adolescent"]["min"])
        self.assertIsNone(php["hours_per_week"]["adolescent"]["max"])
        top = run_json("level", "4", "--edition", "3", "--json")
        self.assertIsNone(top["step_up"])

    def test_text_output_shows_the_level_and_its_neighbours(self):
        proc = run("level", "2.1", "--edition", "3")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Intensive Outpatient Services", proc.stdout)
        self.assertIn("adult 9-19; adolescent 6-19", proc.stdout)
        self.assertRegex(proc.stdout, r"Step down: +1  Outpatient Services\n")
        self.assertRegex(proc.stdout, r"Step up: +2\.5  Partial Hospitalization Services\n")

    def test_aliases_and_editions(self):
        self.assertEqual(run_json("level", "II.1", "--json")["code"], "2.1")
        self.assertEqual(run_json("level", "3", "--edition", "locus", "--json")["edition"], "locus")
        self.assertEqual(run_json("level", "1.0", "--json")["edition"], "asam4")

    def test_unknown_level_fails_with_status_1_on_stderr(self):
        proc = run("level", "9.9", "--edition", "3")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("unknown level '9.9'", proc.stderr)

    def test_usage_errors_exit_2(self):
        for args in (["level"], ["level", "2.1", "extra"], ["level", "2.1", "--edition", "9"],
                     ["level", "2.1", "--bogus"], ["no-such-command"], []):
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertNotEqual(proc.stderr, "")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class LevelsCommand(unittest.TestCase):
    def test_edition_4_lists_2_5_as_high_intensity_outpatient(self):
        proc = run("levels", "--edition", "4")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        line = next(l for l in proc.stdout.splitlines() if l.split()[:2] == ["asam4", "2.5"])
        self.assertIn("High-Intensity Outpatient", line)
        self.assertIn(">= 20", line)

    def test_json_lists_every_level_of_the_edition_in_order(self):
        levels = run_json("levels", "--edition", "3", "--json")
        self.assertEqual(len(levels), 15)
        self.assertEqual([l["code"] for l in levels[:4]], ["0.5", "1", "OTP", "2.1"])
        self.assertTrue(all(l["edition"] == "asam3" for l in levels))
        self.assertEqual(len(run_json("levels", "--json")), 33)
        self.assertEqual(len(run_json("levels", "-e", "locus", "--json")), 7)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class CrosswalkCommand(unittest.TestCase):
    def test_3_3_to_4_gives_3_5(self):
        result = run_json("crosswalk", "3.3", "--to", "4", "--json")
        self.assertEqual(result["to"]["code"], "3.5")
        self.assertEqual(result["to"]["edition"], "asam4")
        self.assertEqual(result["confidence"], "M")
        proc = run("crosswalk", "3.3", "--to", "4")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("-> ASAM 4th edition 3.5", proc.stdout)

    def test_locus_alignment_and_reverse(self):
        self.assertEqual(run_json("crosswalk", "3", "--from", "locus", "--to", "3", "--json")["to"]["code"], "2.1")
        self.assertEqual(run_json("crosswalk", "2.1", "--from", "3", "--to", "locus", "--json")["confidence"], "L")

    def test_unmapped_level_exits_1_with_null_target(self):
        proc = run("crosswalk", "OTP", "--to", "4", "--json")
        self.assertEqual(proc.returncode, 1)
        self.assertIsNone(json.loads(proc.stdout)["to"])

    def test_missing_to_is_a_usage_error(self):
        self.assertEqual(run("crosswalk", "3.3").returncode, 2)
        self.assertEqual(run("crosswalk", "3.3", "--from", "3", "--to", "3").returncode, 2)


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class PacksAndCompare(unittest.TestCase):
    def test_user_pack_changes_the_answer(self):
        pack = default_pack()
        for level in pack["levels"]:
            if level["edition"] == "asam3" and level["code"] == "2.1":
                level["hours_per_week"]["adult"]["min"] = 6
        path = write_pack(self, pack)
        self.assertEqual(run_json("level", "2.1", "-e", "3", "--json", "--pack", path)
                         ["hours_per_week"]["adult"]["min"], 6)

    def test_inconsistent_pack_is_refused_with_its_json_path(self):
        pack = default_pack()
        index = next(i for i, l in enumerate(pack["levels"]) if l["code"] == "2.1")
        pack["levels"][index]["hours_per_week"]["adult"]["min"] = 25
        proc = run("level", "2.1", "--pack", write_pack(self, pack))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("at JSON path $.levels[%d].hours_per_week.adult" % index, proc.stderr)

        pack = default_pack()
        pack["levels"][0]["step_up"] = "9.9"
        proc = run("levels", "--pack", write_pack(self, pack))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.levels[0].step_up", proc.stderr)

    def test_malformed_and_missing_packs_fail_cleanly(self):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            f.write('{"format": "libiop-continuum", ')
        self.addCleanup(os.unlink, path)
        proc = run("levels", "--pack", path)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("malformed JSON", proc.stderr)
        proc = run("levels", "--pack", path + ".missing")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("cannot read the continuum pack", proc.stderr)

    def test_compare_has_the_seven_aspects(self):
        aspects = run_json("compare", "--json")["aspects"]
        self.assertEqual([a["id"] for a in aspects],
                         ["location", "intensity", "duration", "support", "lifestyle", "cost", "suitability"])
        self.assertIn("Inpatient:", run("compare").stdout)

    def test_pack_prints_the_built_in_pack(self):
        pack = default_pack()
        self.assertEqual(pack["format"], "libiop-continuum")
        self.assertEqual(pack["id"], "libiop-default")


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class HelpAndVersion(unittest.TestCase):
    def test_every_command_has_help(self):
        for command in ("levels", "level", "crosswalk", "compare", "pack", "version"):
            with self.subTest(command=command):
                proc = run(command, "--help")
                self.assertEqual(proc.returncode, 0)
                self.assertIn("Usage:", proc.stdout)
                self.assertEqual(run("help", command).returncode, 0)
        self.assertEqual(run("--help").returncode, 0)
        self.assertIn("crosswalk", run("--help").stdout)

    def test_version(self):
        proc = run("version")
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout, r"^iop \d+\.\d+\.\d+\n$")
        self.assertEqual(run_json("version", "--json")["version"], proc.stdout.split()[1])


if __name__ == "__main__":
    unittest.main()
