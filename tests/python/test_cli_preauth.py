"""The iop command-line tool: `iop preauth REQUEST.json` (text and --json, --payer-pack, bad
requests with their JSON path), `iop preauth --batch` (order with --jobs 1, 2 and 4, error
records with the run continuing and exit status 1, standard input, byte-identical to single
decisions), `iop pack payers`, usage errors and --help.

Runs the binary named by $IOP_CLI; $IOP_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
prefixes every run for the memcheck variant of this suite. SPDX-License-Identifier: MIT
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
DATA = os.path.join(os.environ.get("IOP_TEST_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "data")),
                    "preauth")

with open(os.path.join(DATA, "valid", "request-va-2.1.json"), encoding="utf-8") as f:
    BASE = json.load(f)


def run(*args, stdin=None):
    proc = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, text=True, timeout=300, input=stdin)
    if proc.returncode == 99 and WRAPPER:
        raise AssertionError("valgrind reported errors:\n" + proc.stderr)
    if WRAPPER:
        proc.stderr = re.sub(r"(?m)^==\d+==.*\n?", "", proc.stderr)
    return proc


def request(**patch):
    doc = json.loads(json.dumps(BASE))
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return json.dumps(doc)


def write_temp(testcase, text, suffix=".json"):
    fd, path = tempfile.mkstemp(prefix="iop-preauth-", suffix=suffix)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    testcase.addCleanup(os.unlink, path)
    return path


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Single(unittest.TestCase):
    def test_json(self):
        path = write_temp(self, request(documents=None))
        proc = run("preauth", path, "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["outcome"], "pended")
        self.assertEqual([r["code"] for r in doc["reasons"]], ["missing-document"])
        self.assertEqual(doc["decision_due"], "2026-03-06T16:30:00-05:00")
        self.assertEqual(doc["missing_documents"], ["asam-assessment"])

    def test_text(self):
        proc = run("preauth", os.path.join(DATA, "valid", "request-va-2.1.json"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Outcome: approved-modified (rule arts-auth-2.1-and-above)", proc.stdout)
        self.assertIn("Authorized: 30 units, 2026-03-02 to 2026-03-31", proc.stdout)
        self.assertIn("Decision due: 2026-03-06T16:30:00-05:00", proc.stdout)
        self.assertIn("Next concurrent review: 2026-03-16", proc.stdout)

    def test_california_iop_is_not_required(self):
        path = write_temp(self, request(coverage={"payer": "ca-dmc-ods", "in_network": True}))
        doc = json.loads(run("preauth", "--json", path).stdout)
        self.assertEqual((doc["outcome"], doc["reasons"][0]["code"]), ("not-required", "authorization-prohibited"))

    def test_user_pack(self):
        path = write_temp(self, request(coverage={"payer": "youth-plan", "in_network": True}))
        proc = run("preauth", "--json", "--payer-pack", os.path.join(DATA, "valid", "payers-minimal.json"), path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["reasons"][0]["code"], "age-not-covered")
        proc = run("preauth", "--payer-pack", os.path.join(DATA, "invalid-packs", "duplicate-payer.json"), path)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.payers[1].id", proc.stderr)

    def test_bad_request_names_the_path_not_the_value(self):
        path = write_temp(self, request(member={"id": "SECRET-MEMBER", "birth_date": "1988-02-30"}))
        proc = run("preauth", path)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("$.member.birth_date", proc.stderr)
        self.assertNotIn("1988", proc.stderr)
        self.assertNotIn("SECRET", proc.stderr)

    def test_usage(self):
        self.assertEqual(run("preauth").returncode, 2)
        self.assertEqual(run("preauth", "a.json", "b.json").returncode, 2)
        self.assertEqual(run("preauth", "--batch", "-", "--jobs", "0", stdin="").returncode, 2)
        self.assertEqual(run("preauth", "--batch", "-", "extra", stdin="").returncode, 2)
        self.assertEqual(run("preauth", "/nonexistent/request.json").returncode, 1)
        proc = run("preauth", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("--batch", proc.stdout)
        self.assertIn("--jobs", proc.stdout)

    def test_pack_payers(self):
        proc = run("pack", "payers")
        self.assertEqual(proc.returncode, 0)
        doc = json.loads(proc.stdout)
        self.assertEqual(doc["format"], "libiop-payers")
        self.assertTrue(doc["illustrative"])


@unittest.skipUnless(CLI, "IOP_CLI is not set")
class Batch(unittest.TestCase):
    N = 600 if not WRAPPER else 60

    def lines(self):
        payers = ["va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage"]
        out = [request(id="B%d" % i, units=1 + i % 40, coverage={"payer": payers[i % 4], "in_network": i % 3 > 0})
               for i in range(self.N)]
        out[7] = '{"format":"libiop-preauth-request","format_version":1,"id":"x","member":{"id":"SECRET"}}'
        out[8] = "this is not JSON"
        return out

    def test_order_and_error_records_for_1_2_4_jobs(self):
        lines = self.lines()
        path = write_temp(self, "\n".join(lines) + "\n", suffix=".ndjson")
        outputs = []
        for jobs in ("1", "2", "4"):
            proc = run("preauth", "--batch", path, "--jobs", jobs)
            self.assertEqual(proc.returncode, 1, "a bad line makes the run fail")
            self.assertIn("2 of %d requests failed" % self.N, proc.stderr)
            outputs.append(proc.stdout)
        self.assertEqual(outputs[0], outputs[1])
        self.assertEqual(outputs[0], outputs[2])
        out = outputs[0].splitlines()
        self.assertEqual(len(out), self.N)
        for i, text in enumerate(out):
            doc = json.loads(text)
            if i == 7:
                self.assertEqual(doc["line"], 8)
                self.assertEqual(doc["error"]["code"], "IOP_ERROR_PARSE")
                self.assertEqual(doc["error"]["path"], "$.coverage")
                self.assertNotIn("SECRET", text)
            elif i == 8:
                self.assertEqual((doc["line"], doc["error"]["code"], doc["error"]["path"]), (9, "IOP_ERROR_PARSE", None))
            else:
                self.assertEqual(doc["request"], "B%d" % i)
        # Each decision line is what the single-request command prints.
        for i in (0, 1, 2, 3, 10):
            single = write_temp(self, lines[i])
            self.assertEqual(run("preauth", "--json", single).stdout.rstrip("\n"), out[i])

    def test_clean_run_from_standard_input(self):
        lines = [request(id="S%d" % i) for i in range(5)]
        proc = run("preauth", "--batch", "-", stdin="\n".join(lines) + "\n\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([json.loads(l)["request"] for l in proc.stdout.splitlines()], ["S%d" % i for i in range(5)])

    def test_missing_file(self):
        proc = run("preauth", "--batch", "/nonexistent/requests.ndjson")
        self.assertEqual(proc.returncode, 1)


if __name__ == "__main__":
    unittest.main()
