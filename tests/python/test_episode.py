"""Episodes of care and program packs through the Python binding: ICD-10-CM syntax and
classification, co-occurring diagnoses, the stage-of-change and level histories, treatment stages
(allowed and refused moves, exit criteria: goals met, stage of change, minimum days; a program
pack written here), goals, attendance validation, the attendance summary (ISO weeks computed
independently with datetime.isocalendar, planned against attended hours, rate, outreach and
dropout-risk edges), the check (rules, Medicare recertification on month ends, taper weeks, the
age on the check date, rule-set selection), byte-identical JSON round trips, malformed documents
with their exception classes and JSON paths, messages that never quote patient data, None
refused, and ownership across garbage collection.

Mirrors tests/lua/test_episode.lua (parity is the point). SPDX-License-Identifier: MIT
"""

import datetime
import gc
import json
import os
import re
import unittest

import iop

ASAM3, ASAM4, LOCUS = iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_ASAM4, iop.IOP_EDITION_LOCUS
ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT
ATTENDED, MISSED, EXCUSED = iop.IOP_ATTENDANCE_ATTENDED, iop.IOP_ATTENDANCE_MISSED, iop.IOP_ATTENDANCE_EXCUSED
MON, TUE, WED, THU, FRI = iop.IOP_MONDAY, iop.IOP_TUESDAY, iop.IOP_WEDNESDAY, iop.IOP_THURSDAY, iop.IOP_FRIDAY
SOC = {name: getattr(iop, "IOP_STAGE_OF_CHANGE_" + name.upper())
       for name in ("precontemplation", "contemplation", "preparation", "action", "maintenance", "relapse")}
CLIENT = "PSEUDO-4410"
DATA = os.environ.get("IOP_TEST_DATA_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def day(text):
    return datetime.date.fromisoformat(text)


def episode(admission="2026-01-05", level="2.1", program=None, edition=ASAM3):
    return iop.Episode(CLIENT, edition, level, admission, None, program)


def week(minutes=180, days=(MON, WED, FRI), start="09:00"):
    s = iop.Schedule()
    for d in days:
        s.add_session(d, start, minutes, "group-therapy")
    return s


def ids(report):
    return [r["id"] for r in report.results()]


def result(report, rule_id):
    found = [r for r in report.results() if r["id"] == rule_id]
    if len(found) != 1:
        raise AssertionError("%d results for %s in %s" % (len(found), rule_id, report.to_json()))
    return found[0]


def achieve(e, goal_id, stage, status="achieved"):
    e.add_goal(goal_id, stage, "Practice the coping plan")
    e.set_goal_status(goal_id, status)


def program_pack(**engagement):
    """A Matrix Model-like 16-week program in three stages with minimum days."""
    eng = {"consecutive_misses": 2, "dropout_risk_below": 0.75, "outreach_source": "test",
           "dropout_source": "test"}
    eng.update(engagement)
    return json.dumps({
        "format": "libiop-program", "format_version": 1, "id": "py-matrix-16-week", "version": "1",
        "sources": {"test": {"citation": "Test fixture", "confidence": "L"}},
        "stages": [
            {"id": "early-recovery", "name": "Early recovery (weeks 1-4)", "source": "test",
             "entry_criteria": ["Admitted"],
             "exit_criteria": [{"id": "four-weeks", "type": "min-days", "days": 28, "text": "Four weeks"}],
             "next": ["relapse-prevention"]},
            {"id": "relapse-prevention", "name": "Relapse prevention (weeks 5-16)", "source": "test",
             "entry_criteria": [],
             "exit_criteria": [{"id": "twelve-weeks", "type": "min-days", "days": 84, "text": "Twelve weeks"},
                               {"id": "rp-ready", "type": "stage-of-change", "stages": ["maintenance"],
                                "text": "Maintenance"}],
             "next": ["social-support"]},
            {"id": "social-support", "name": "Social support", "source": "test", "entry_criteria": [],
             "exit_criteria": [], "next": []}],
        "engagement": eng})


def with_sessions(statuses, program=None, admission="2026-01-05"):
    """One 180-minute session a day from the admission, with the statuses given as A, M or E."""
    e = episode(admission, program=program)
    start = day(admission)
    for i, c in enumerate(statuses):
        e.add_attendance((start + datetime.timedelta(i)).isoformat(), "09:00", 180, "group-therapy",
                         {"A": ATTENDED, "M": MISSED, "E": EXCUSED}[c])
    return e


class Icd10cm(unittest.TestCase):
    def test_syntax(self):
        for code in ("F10.20", "F32.1", "F41.1", "Z71.41", "F10", "F19.239", "C4A.0", "F1A.0", "T40.1X1A"):
            self.assertTrue(iop.icd10cm_is_valid(code), code)
        for code in ("F1", "F", "", "f10.20", "F10.", "F10.12345", "F1020", "FA0.1", "F10.2a", " F10.20",
                     "F10.20 ", "F10..2", "F10-20", "F10.2é"):
            self.assertFalse(iop.icd10cm_is_valid(code), code)
        with self.assertRaises(ValueError):
            iop.icd10cm_is_valid(None)

    def test_classification(self):
        expect = {
            "F10.20": iop.IOP_DIAGNOSIS_SUBSTANCE, "F11.21": iop.IOP_DIAGNOSIS_SUBSTANCE,
            "F19": iop.IOP_DIAGNOSIS_SUBSTANCE, "F17.210": iop.IOP_DIAGNOSIS_SUBSTANCE,
            "F32.1": iop.IOP_DIAGNOSIS_MENTAL_HEALTH, "F41.1": iop.IOP_DIAGNOSIS_MENTAL_HEALTH,
            "F09": iop.IOP_DIAGNOSIS_MENTAL_HEALTH, "F20.9": iop.IOP_DIAGNOSIS_MENTAL_HEALTH,
            "F00": iop.IOP_DIAGNOSIS_OTHER, "F1A.0": iop.IOP_DIAGNOSIS_OTHER,
            "Z71.41": iop.IOP_DIAGNOSIS_OTHER, "G30.9": iop.IOP_DIAGNOSIS_OTHER,
        }
        for code, cls in expect.items():
            self.assertEqual(iop.icd10cm_classify(code), cls, code)
        # "F" alone is not a code, so it is not substance-related either.
        for code in ("F1", "F", "f10.20"):
            with self.assertRaises(iop.InvalidArgumentError, msg=code) as cm:
                iop.icd10cm_classify(code)
            self.assertEqual(cm.exception.code, iop.IOP_ERROR_INVALID_ARGUMENT)

    def test_co_occurring_and_duplicates(self):
        e = episode()
        e.add_diagnosis("F10.20")
        self.assertTrue(e.has_substance_diagnosis())
        self.assertFalse(e.is_co_occurring())
        e.add_diagnosis("Z71.41")
        self.assertFalse(e.is_co_occurring())
        e.add_diagnosis("F32.1")
        self.assertTrue(e.is_co_occurring())
        with self.assertRaises(iop.ExistsError) as cm:
            e.add_diagnosis("F10.20")
        self.assertEqual(cm.exception.code, iop.IOP_ERROR_EXISTS)
        self.assertIsNone(cm.exception.path)
        with self.assertRaises(iop.InvalidArgumentError):
            e.add_diagnosis("F10.")
        with self.assertRaises(ValueError):
            e.add_diagnosis(None)
        self.assertEqual([e.get_diagnosis(i) for i in range(e.get_n_diagnoses())], ["F10.20", "Z71.41", "F32.1"])
        self.assertIsNone(e.get_diagnosis(3))
        mh = episode()
        mh.add_diagnosis("F41.1")
        self.assertFalse(mh.has_substance_diagnosis() or mh.is_co_occurring())


class OpeningAndHistories(unittest.TestCase):
    def test_new_episode(self):
        e = episode()
        self.assertEqual(e.get_client_id(), CLIENT)
        self.assertEqual((e.get_stage(), e.get_n_stage_changes()), ("assessment", 1))
        self.assertEqual((e.get_stage_change_date(0), e.get_stage_change_reason(0)), ("2026-01-05", "admission"))
        self.assertEqual(e.get_level().get_code(), "2.1")
        self.assertEqual((e.get_n_level_changes(), e.get_level_change_reason(0)), (1, "admission"))
        self.assertEqual(e.get_stage_of_change(), iop.IOP_STAGE_OF_CHANGE_UNKNOWN)
        self.assertEqual(e.get_age_group(), ADULT)
        for getter in (e.get_birth_date, e.get_payer, e.get_medicare_certified, e.get_taper_start, e.get_rule_sets):
            self.assertIsNone(getter())
        self.assertEqual(e.get_schedule().get_n_sessions(), 0)
        self.assertEqual(episode(level="3", edition=LOCUS).get_level().get_edition(), LOCUS)

    def test_new_refused(self):
        for args, cls in (((CLIENT, ASAM3, "2.2", "2026-01-05"), iop.NotFoundError),
                          ((CLIENT, ASAM3, "2.1", "2026-02-30"), iop.InvalidArgumentError),
                          (("Jordan Example", ASAM3, "2.1", "2026-01-05"), iop.InvalidArgumentError),
                          (("", ASAM3, "2.1", "2026-01-05"), iop.InvalidArgumentError),
                          ((CLIENT, iop.IOP_EDITION_ANY, "2.1", "2026-01-05"), iop.InvalidArgumentError)):
            with self.assertRaises(cls, msg=repr(args)) as cm:
                iop.Episode(*args)
            self.assertNotIn("Jordan", cm.exception.message)
        with self.assertRaises(ValueError):
            iop.Episode(None, ASAM3, "2.1", "2026-01-05")

    def test_stage_of_change_names_and_history(self):
        for name, value in SOC.items():
            self.assertEqual(iop.stage_of_change_to_string(value), name)
            self.assertEqual(iop.stage_of_change_from_string(name), value)
        self.assertEqual(iop.stage_of_change_to_string(iop.IOP_STAGE_OF_CHANGE_UNKNOWN), "unknown")
        for bad in ("termination", "Action", ""):
            with self.assertRaises(iop.InvalidArgumentError):
                iop.stage_of_change_from_string(bad)
        e = episode()
        e.set_stage_of_change(SOC["contemplation"], "2026-01-05")
        e.set_stage_of_change(SOC["action"], "2026-01-19")
        e.set_stage_of_change(SOC["relapse"], "2026-02-02")
        for bad_stage, bad_date in ((SOC["action"], "2026-01-04"), (SOC["action"], "2026-02-01"),
                                    (iop.IOP_STAGE_OF_CHANGE_UNKNOWN, "2026-03-01"), (SOC["action"], "2026-02-30")):
            with self.assertRaises(iop.InvalidArgumentError):
                e.set_stage_of_change(bad_stage, bad_date)
        self.assertEqual([(e.get_stage_of_change_entry(i), e.get_stage_of_change_date(i))
                          for i in range(e.get_n_stage_of_change_entries())],
                         [(SOC["contemplation"], "2026-01-05"), (SOC["action"], "2026-01-19"),
                          (SOC["relapse"], "2026-02-02")])
        self.assertEqual(e.get_stage_of_change(), SOC["relapse"])

    def test_level_history(self):
        e = episode()
        e.change_level(ASAM3, "2.5", "2026-01-20", "Two positive screens")
        self.assertEqual(e.get_level().get_code(), "2.5")
        self.assertEqual((e.get_level_change_level(1).get_code(), e.get_level_change_date(1),
                          e.get_level_change_reason(1)), ("2.5", "2026-01-20", "Two positive screens"))
        with self.assertRaises(iop.NotFoundError):
            e.change_level(ASAM3, "2.2", "2026-02-01", "x")
        for args in ((ASAM3, "2.1", "2026-01-19", "earlier"), (ASAM3, "2.5", "2026-02-01", "same level"),
                     (ASAM3, "2.1", "2026-02-01", ""), (ASAM3, "2.1", "2026-02-01", "r" * 501)):
            with self.assertRaises(iop.InvalidArgumentError, msg=args[3][:20]):
                e.change_level(*args)
        self.assertEqual(e.get_n_level_changes(), 2)
        self.assertIsNone(e.get_level_change_level(2))


class Stages(unittest.TestCase):
    def test_moves(self):
        e = episode()
        achieve(e, "g1", "assessment")
        before = e.to_json()
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            e.change_stage("life-skills", "2026-01-12", "Skip ahead")
        self.assertIn("life-skills", cm.exception.message)
        self.assertNotIn("Skip ahead", cm.exception.message)
        with self.assertRaises(iop.NotFoundError):
            e.change_stage("detox", "2026-01-12", "x")
        with self.assertRaises(iop.InvalidArgumentError):
            e.change_stage("education", "2026-01-04", "x")
        self.assertEqual(e.to_json(), before)
        e.change_stage("education", "2026-01-12", "Goals set")
        self.assertEqual((e.get_stage(), e.get_stage_change_stage(1), e.get_stage_change_date(1),
                          e.get_stage_change_reason(1)), ("education", "education", "2026-01-12", "Goals set"))
        achieve(e, "g2", "education")
        with self.assertRaises(iop.InvalidArgumentError):
            e.change_stage("intensive-therapy", "2026-01-11", "before the last move")
        e.change_stage("transition-planning", "2026-01-12", "Step-down planned")
        achieve(e, "g3", "transition-planning")
        with self.assertRaises(iop.InvalidArgumentError):
            e.change_stage("assessment", "2026-02-01", "x")

    def test_goals_met(self):
        cases = [((), False), (("active",), False), (("proposed",), False), (("not-achieved",), False),
                 (("cancelled",), False), (("achieved",), True), (("waived",), True),
                 (("achieved", "cancelled"), True), (("achieved", "active"), False)]
        for statuses, met in cases:
            e = episode()
            achieve(e, "other-stage", "education")
            for i, status in enumerate(statuses):
                achieve(e, "g%d" % i, "assessment", status)
            if met:
                self.assertTrue(e.can_leave_stage("2026-01-12"), statuses)
                e.change_stage("education", "2026-01-12", "x")
            else:
                with self.assertRaises(iop.InvalidArgumentError, msg=statuses) as cm:
                    e.can_leave_stage("2026-01-12")
                self.assertIn("assessment-goals", cm.exception.message)
                with self.assertRaises(iop.InvalidArgumentError):
                    e.change_stage("education", "2026-01-12", "x")
                self.assertEqual(e.get_stage(), "assessment")

    def at_family_engagement(self):
        e = episode()
        path = ["assessment", "education", "intensive-therapy", "life-skills", "family-engagement"]
        for i in range(4):
            achieve(e, "g%d" % i, path[i])
            e.change_stage(path[i + 1], (day("2026-01-12") + datetime.timedelta(7 * i)).isoformat(), "x")
        return e

    def test_family_engagement_needs_action_or_maintenance(self):
        e = self.at_family_engagement()
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            e.can_leave_stage("2026-02-09")
        self.assertIn("family-goals", cm.exception.message)
        self.assertIn("ready-for-change", cm.exception.message)
        for name, value in SOC.items():
            e = self.at_family_engagement()
            achieve(e, "family", "family-engagement")
            e.set_stage_of_change(value, "2026-02-05")
            if name in ("action", "maintenance"):
                e.change_stage("transition-planning", "2026-02-09", "x")
            else:
                with self.assertRaises(iop.InvalidArgumentError, msg=name) as cm:
                    e.change_stage("transition-planning", "2026-02-09", "x")
                self.assertIn("ready-for-change", cm.exception.message)
                self.assertNotIn("family-goals", cm.exception.message)
        # Only assessments dated on or before the move count.
        e = self.at_family_engagement()
        achieve(e, "family", "family-engagement")
        e.set_stage_of_change(SOC["action"], "2026-02-10")
        with self.assertRaises(iop.InvalidArgumentError):
            e.change_stage("transition-planning", "2026-02-09", "x")
        e.change_stage("transition-planning", "2026-02-10", "x")

    def test_custom_program_min_days(self):
        program = iop.Program.from_json(program_pack())
        self.assertEqual(program.get_n_stages(), 3)
        e = episode(program=program)
        self.assertEqual(e.get_stage(), "early-recovery")
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            e.change_stage("relapse-prevention", "2026-02-01", "x")  # day 27
        self.assertIn("four-weeks", cm.exception.message)
        e.change_stage("relapse-prevention", "2026-02-02", "x")
        e.set_stage_of_change(SOC["maintenance"], "2026-02-02")
        last = day("2026-02-02") + datetime.timedelta(84)
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            e.can_leave_stage((last - datetime.timedelta(1)).isoformat())
        self.assertIn("twelve-weeks", cm.exception.message)
        self.assertNotIn("rp-ready", cm.exception.message)
        self.assertTrue(e.can_leave_stage(last.isoformat()))
        with self.assertRaises(iop.NotFoundError):
            e.add_goal("x", "assessment", "A built-in stage")
        # The document reads back only with its program.
        text = e.to_json()
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.Episode.from_json(text)
        self.assertEqual(cm.exception.path, "$.program")
        self.assertEqual(iop.Episode.from_json(text, None, program).to_json(), text)

    def test_program_from_file(self):
        program = iop.Program.from_file(os.path.join(DATA, "program", "valid", "tip47-phases.json"))
        self.assertEqual([program.get_stage_id(i) for i in range(program.get_n_stages())],
                         ["engagement", "early-recovery", "maintenance", "community-support"])
        self.assertTrue(program.allows_transition("early-recovery", "engagement"))
        self.assertEqual((program.get_outreach_misses(), program.get_dropout_threshold()), (3, 0.8))
        self.assertEqual(program.get_exit_criterion_id("engagement", 1), "ready")


class DefaultProgram(unittest.TestCase):
    STAGES = ["assessment", "education", "intensive-therapy", "life-skills", "family-engagement",
              "transition-planning"]

    def test_stages_and_moves(self):
        p = iop.Program()
        self.assertEqual(p.get_id(), "libiop-default-program")
        self.assertEqual([p.get_stage_id(i) for i in range(p.get_n_stages())], self.STAGES)
        n = len(self.STAGES)
        for i, a in enumerate(self.STAGES):
            self.assertTrue(p.has_stage(a))
            self.assertIsNotNone(p.get_stage_name(a))
            for j, b in enumerate(self.STAGES):
                want = i != j and i + 1 < n and (j == i + 1 or j == n - 1)
                self.assertEqual(p.allows_transition(a, b), want, (a, b))
        self.assertEqual((p.get_outreach_misses(), p.get_dropout_threshold()), (2, 0.75))
        self.assertEqual([p.get_exit_criterion_id("family-engagement", i) for i in range(2)],
                         ["family-goals", "ready-for-change"])
        self.assertIsNone(p.get_stage_name("detox"))
        self.assertEqual(json.loads(iop.Program.default_pack_json())["id"], "libiop-default-program")

    def test_invalid_packs(self):
        directory = os.path.join(DATA, "program", "invalid")
        names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
        self.assertGreaterEqual(len(names), 20)
        for name in names:
            with self.assertRaises((iop.ParseError, iop.InvalidDataError), msg=name) as cm:
                iop.Program.from_file(os.path.join(directory, name))
            self.assertTrue(cm.exception.path.startswith("$"), name)
        with self.assertRaises(iop.IoError):
            iop.Program.from_file(os.path.join(directory, "no-such-pack.json"))
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.Program.from_json(program_pack(dropout_risk_below=1.5))
        self.assertEqual(cm.exception.path, "$.engagement.dropout_risk_below")


class Goals(unittest.TestCase):
    def test_goals(self):
        e = episode()
        secret = "Rebuild trust with the daughter"
        e.add_goal("g1", "assessment", secret, "2026-01-19")
        e.add_goal("g2", "education", "d")
        self.assertEqual([(e.get_goal_id(i), e.get_goal_stage(i), e.get_goal_target_date(i), e.get_goal_status(i))
                          for i in range(e.get_n_goals())],
                         [("g1", "assessment", "2026-01-19", "active"), ("g2", "education", None, "active")])
        self.assertEqual(e.get_goal_description(0), secret)
        for args, cls in ((("g1", "education", "d"), iop.ExistsError),
                          (("g3", "detox", "d"), iop.NotFoundError),
                          (("g3", "education", secret, "2026-02-30"), iop.InvalidArgumentError),
                          (("g3", "education", ""), iop.InvalidArgumentError),
                          (("g3", "education", "d" * 1001), iop.InvalidArgumentError),
                          (("goal three", "education", "d"), iop.InvalidArgumentError)):
            with self.assertRaises(cls, msg=repr(args)[:40]) as cm:
                e.add_goal(*args)
            self.assertNotIn(secret, cm.exception.message)
            self.assertIsNone(DATE_RE.search(cm.exception.message))
        for status in ("proposed", "active", "achieved", "not-achieved", "waived", "cancelled"):
            e.set_goal_status("g1", status)
            self.assertEqual(e.get_goal_status(0), status)
        with self.assertRaises(iop.InvalidArgumentError):
            e.set_goal_status("g1", "done")
        with self.assertRaises(iop.NotFoundError):
            e.set_goal_status("g9", "achieved")
        self.assertEqual(e.get_n_goals(), 2)


class Attendance(unittest.TestCase):
    def test_validation(self):
        rows = [
            ("2026-01-07", "12:00", 60, "individual-counseling", ATTENDED, None),
            ("2026-01-07", None, 60, "drug-testing", ATTENDED, None),
            ("2026-01-07", "23:00", 60, "peer-support", EXCUSED, None),
            ("2026-01-09", "00:00", 1440, "activity-therapy", ATTENDED, None),
            ("2026-01-07", "11:00", 30, "group-therapy", ATTENDED, iop.InvalidArgumentError),  # overlap
            ("2026-01-07", "09:00", 30, "group-therapy", ATTENDED, iop.ExistsError),           # same start
            ("2026-01-07", "23:30", 60, "group-therapy", ATTENDED, iop.InvalidArgumentError),  # midnight
            ("2026-01-08", "09:00", 0, "group-therapy", ATTENDED, iop.InvalidArgumentError),
            ("2026-01-08", "09:00", -5, "group-therapy", ATTENDED, iop.InvalidArgumentError),
            ("2026-01-08", None, 1441, "group-therapy", ATTENDED, iop.InvalidArgumentError),
            ("2026-01-08", "09:00", 60, "yoga", ATTENDED, iop.InvalidArgumentError),
            ("2026-02-30", "09:00", 60, "group-therapy", ATTENDED, iop.InvalidArgumentError),
            ("2026-01-08", "09:00Z", 60, "group-therapy", ATTENDED, iop.InvalidArgumentError),
            ("2026-01-08", "09:00+01:00", 60, "group-therapy", ATTENDED, iop.InvalidArgumentError),
            ("2026-01-04", "09:00", 60, "group-therapy", ATTENDED, iop.InvalidArgumentError),  # before admission
            ("2026-01-08", "09:00", 60, "group-therapy", 4, iop.InvalidArgumentError),
        ]
        for date, start, minutes, kind, status, cls in rows:
            e = episode()
            e.add_attendance("2026-01-07", "09:00", 180, "group-therapy", ATTENDED)
            before = e.to_json()
            if cls is None:
                e.add_attendance(date, start, minutes, kind, status)
                self.assertEqual(e.get_n_attendance(), 2)
                continue
            with self.assertRaises(cls, msg=(date, start, minutes, kind)) as cm:
                e.add_attendance(date, start, minutes, kind, status)
            self.assertIsNone(cm.exception.path)
            self.assertEqual(e.to_json(), before)
        with self.assertRaises(ValueError):
            episode().add_attendance("2026-01-07", "09:00", 60, None, ATTENDED)

    def test_order(self):
        e = episode()
        for date, start in (("2026-02-01", None), ("2026-01-07", "18:30"), ("2026-01-05", None),
                            ("2026-01-05", "13:00"), ("2026-01-05", "09:00")):
            e.add_attendance(date, start, 30, "group-therapy", ATTENDED)
        self.assertEqual([(e.get_attendance_date(i), e.get_attendance_start(i)) for i in range(e.get_n_attendance())],
                         [("2026-01-05", "09:00"), ("2026-01-05", "13:00"), ("2026-01-05", None),
                          ("2026-01-07", "18:30"), ("2026-02-01", None)])
        self.assertEqual((e.get_attendance_minutes(0), e.get_attendance_kind(0), e.get_attendance_status(0)),
                         (30, "group-therapy", ATTENDED))
        self.assertIsNone(e.get_attendance_date(5))


def iso_weeks(first, last):
    """The ISO weeks from one date to another, from Python's own calendar."""
    out, d = [], first
    while d <= last:
        y, w, _ = d.isocalendar()
        label = "%04d-W%02d" % (y, w)
        if label not in out:
            out.append(label)
        d += datetime.timedelta(1)
    return out


class Summary(unittest.TestCase):
    def test_iso_weeks_across_year_boundaries(self):
        for admission, as_of in (("2026-12-28", "2027-01-06"), ("2027-01-01", "2027-01-04"),
                                 ("2025-12-29", "2026-01-04"), ("2020-12-31", "2021-01-11"),
                                 ("2024-12-23", "2025-01-13"), ("2015-12-28", "2016-01-11"),
                                 ("2026-01-05", "2026-01-05")):
            s = episode(admission).summarize_attendance(as_of)
            got = [s.get_week(i) for i in range(s.get_n_weeks())]
            self.assertEqual(got, iso_weeks(day(admission), day(as_of)), admission)
        self.assertEqual(iso_weeks(day("2026-12-28"), day("2027-01-06")), ["2026-W53", "2027-W01"])

    def test_planned_and_attended_per_week(self):
        plan = week(180)
        plan.add_session(WED, "13:00", 60, "individual-counseling")
        e = episode("2026-01-07")
        e.set_schedule(plan)
        entries = [("2026-01-07", "09:00", 180, ATTENDED), ("2026-01-07", "13:00", 60, ATTENDED),
                   ("2026-01-09", "09:00", 180, MISSED), ("2026-01-12", "09:00", 180, EXCUSED),
                   ("2026-01-14", "09:00", 180, ATTENDED), ("2026-01-14", "13:00", 60, MISSED),
                   ("2026-01-16", "09:00", 180, ATTENDED), ("2026-01-19", "09:00", 150, ATTENDED),
                   ("2026-01-21", "09:00", 180, ATTENDED)]
        for date, start, minutes, status in entries:
            e.add_attendance(date, start, minutes, "group-therapy", status)
        as_of = day("2026-01-20")
        s = e.summarize_attendance(as_of.isoformat())
        # Expected values computed here from the plan and the entries.
        minutes_on = {MON: 180, WED: 240, FRI: 180}
        weeks = iso_weeks(day("2026-01-07"), as_of)
        planned = dict.fromkeys(weeks, 0)
        d = day("2026-01-07")
        while d <= as_of:
            planned["%04d-W%02d" % d.isocalendar()[:2]] += minutes_on.get(d.isoweekday(), 0)
            d += datetime.timedelta(1)
        attended = dict.fromkeys(weeks, 0)
        counts = {w: {ATTENDED: 0, MISSED: 0, EXCUSED: 0} for w in weeks}
        for date, _, minutes, status in entries:
            if day(date) > as_of:
                continue
            w = "%04d-W%02d" % day(date).isocalendar()[:2]
            counts[w][status] += 1
            if status == ATTENDED:
                attended[w] += minutes
        self.assertEqual(s.get_n_weeks(), len(weeks))
        for i, w in enumerate(weeks):
            self.assertEqual(s.get_week(i), w)
            self.assertAlmostEqual(s.get_planned_hours(i), planned[w] / 60)
            self.assertAlmostEqual(s.get_attended_hours(i), attended[w] / 60)
            for status in (ATTENDED, MISSED, EXCUSED):
                self.assertEqual(s.get_sessions(i, status), counts[w][status], (w, status))
        n_att = sum(c[ATTENDED] for c in counts.values())
        n_miss = sum(c[MISSED] for c in counts.values())
        self.assertAlmostEqual(s.get_rate(), n_att / (n_att + n_miss))
        self.assertAlmostEqual(s.get_sessions_per_week(), n_att / len(weeks))
        self.assertEqual([(s.get_flag(i), s.get_flag_date(i)) for i in range(s.get_n_flags())],
                         [("dropout-risk", "2026-01-20")])
        doc = json.loads(s.to_json())
        self.assertEqual(doc["as_of"], "2026-01-20")
        self.assertEqual(doc["rate"], round(n_att / (n_att + n_miss), 2))
        self.assertEqual([w["week"] for w in doc["weeks"]], weeks)
        self.assertEqual(set(doc["weeks"][0]), {"week", "planned_hours", "attended_hours", "attended", "missed",
                                                "excused"})
        self.assertEqual([(f["flag"], f["date"]) for f in doc["flags"]], [("dropout-risk", "2026-01-20")])
        # Without a date: up to the last entry; 6 of 8 is exactly 0.75, no flag.
        s = e.summarize_attendance()
        self.assertEqual((s.get_rate(), s.get_n_flags()), (0.75, 0))
        for bad in ("2026-01-06", "2026-02-30"):
            with self.assertRaises(iop.InvalidArgumentError):
                e.summarize_attendance(bad)

    def test_outreach_and_dropout_edges(self):
        cases = [("AAAM", 1, [], False), ("AAM", 1, [], True), ("AAAAAAMM", 2, [8], False),
                 ("AAAAAAMEM", 2, [9], False), ("AAAAAAMAM", 1, [], False), ("AAAAAAMMM", 3, [8], True),
                 ("EEEE", 0, [], False), ("MEEEEM", 2, [6], True)]
        for statuses, current, outreach, dropout in cases:
            s = with_sessions(statuses).summarize_attendance()
            flags = [(s.get_flag(i), s.get_flag_date(i)) for i in range(s.get_n_flags())]
            self.assertEqual(s.get_current_misses(), current, statuses)
            self.assertEqual([day(d).day - 4 for f, d in flags if f == "outreach"], outreach, statuses)
            self.assertEqual(any(f == "dropout-risk" for f, _ in flags), dropout, statuses)

    def test_thresholds_from_a_program_pack(self):
        program = iop.Program.from_json(program_pack(consecutive_misses=3, dropout_risk_below=0.8))
        for statuses, outreach, dropout in (("AAAAM", 0, False), ("AAAM", 0, True), ("AAAAAAAAMM", 0, False),
                                            ("AAAAAAAAAAAAMMM", 1, False)):
            s = with_sessions(statuses, program).summarize_attendance()
            flags = [s.get_flag(i) for i in range(s.get_n_flags())]
            self.assertEqual((flags.count("outreach"), "dropout-risk" in flags), (outreach, dropout), statuses)


class Check(unittest.TestCase):
    def test_report(self):
        e = episode()
        e.set_schedule(week(180))
        self.assertEqual(ids(e.check("2026-01-05")), ["weekly-hours-band", "service-day-minimum"])
        for date, status in (("2026-01-05", ATTENDED), ("2026-01-07", ATTENDED), ("2026-01-09", MISSED),
                             ("2026-01-12", MISSED)):
            e.add_attendance(date, "09:00", 180, "group-therapy", status)
        e.set_medicare_certified("2026-01-05")
        rep = e.check("2026-01-12")
        self.assertEqual(ids(rep), ["weekly-hours-band", "service-day-minimum", "medicare-certification",
                                    "attendance-rate", "consecutive-misses", "medicare-recertification"])
        self.assertFalse(rep.is_compliant())
        rate = result(rep, "attendance-rate")
        self.assertEqual((rate["passed"], rate["measured"], rate["required"]), (False, 0.5, ">= 0.75"))
        misses = result(rep, "consecutive-misses")
        self.assertEqual((misses["passed"], misses["measured"], misses["required"]),
                         (False, 2.0, "< 2 consecutive misses"))
        recert = result(rep, "medicare-recertification")
        self.assertEqual((recert["passed"], recert["date"], recert["required"]),
                         (True, "2026-03-05", "recertified by 2026-03-05"))
        self.assertEqual(recert["measured"], (day("2026-03-05") - day("2026-01-12")).days)
        doc = json.loads(rep.to_json())
        self.assertIs(doc["compliant"], False)
        for r in doc["rules"]:
            self.assertLessEqual({"id", "passed", "measured", "required"}, set(r))
        for bad in ("2026-02-30", "2026-01-04"):
            with self.assertRaises(iop.InvalidArgumentError):
                e.check(bad)
        with self.assertRaises((ValueError, TypeError)):
            e.check(None)

    def test_attendance_rate_edges(self):
        for statuses, passed in (("MAAA", True), ("MAA", False), ("MAMAAAAA", True)):
            e = with_sessions(statuses)
            e.set_schedule(week(180))
            self.assertEqual(result(e.check("2026-01-31"), "attendance-rate")["passed"], passed, statuses)

    def test_recertification_on_month_ends(self):
        for admission, certified, due in (("2025-12-01", "2025-12-31", "2026-02-28"),
                                          ("2027-12-01", "2027-12-31", "2028-02-29"),
                                          ("2026-06-01", "2026-08-31", "2026-10-31")):
            e = episode(admission)
            e.set_schedule(week(180))
            e.set_medicare_certified(certified)
            self.assertEqual(e.get_recertification_due(), due)
            self.assertEqual(e.get_recertification_due(iop.ComplianceRules()), due)
            on_due = result(e.check(due), "medicare-recertification")
            self.assertEqual((on_due["passed"], on_due["measured"]), (True, 0.0))
            late = (day(due) + datetime.timedelta(1)).isoformat()
            self.assertEqual(result(e.check(late), "medicare-recertification")["passed"], False)
        with self.assertRaises(iop.NotFoundError):
            episode().get_recertification_due()
        with self.assertRaises(iop.InvalidArgumentError):
            episode().set_medicare_certified("2026-01-04")

    def test_taper_weeks(self):
        e = episode()
        seven = iop.Schedule()
        seven.add_session(MON, "09:00", 210, "group-therapy")
        seven.add_session(THU, "09:00", 210, "group-therapy")
        e.set_schedule(seven)
        e.set_rule_sets("asam")
        e.set_taper_start("2026-03-02")
        for on, status in (("2026-03-02", "taper"), ("2026-03-08", "taper"), ("2026-03-09", "taper"),
                           ("2026-03-15", "taper"), ("2026-03-16", "fail"), ("2026-03-01", "fail")):
            rep = e.check(on)
            self.assertEqual(result(rep, "weekly-hours-band")["status"], status, on)
            self.assertEqual(rep.get_recommendation(), None if status == "taper" else "step-down", on)
        e.set_taper_start(None)
        self.assertEqual(result(e.check("2026-03-02"), "weekly-hours-band")["status"], "fail")

    def test_age_on_the_check_date(self):
        e = episode()
        e.set_birth_date("2008-03-15")
        self.assertEqual((e.get_age_group("2026-03-14"), e.get_age_group("2026-03-15")), (ADOLESCENT, ADULT))
        e.set_schedule(week(120))
        e.set_rule_sets("asam")
        self.assertEqual(result(e.check("2026-03-14"), "weekly-hours-band")["required"], "6-19 hours/week")
        self.assertTrue(e.check("2026-03-14").is_compliant())
        self.assertEqual(result(e.check("2026-03-15"), "weekly-hours-band")["required"], "9-19 hours/week")
        self.assertFalse(e.check("2026-03-15").is_compliant())
        with self.assertRaises(iop.InvalidArgumentError):
            e.set_birth_date("2026-01-06")
        e.set_birth_date(None)
        e.set_age_group(ADOLESCENT)
        self.assertEqual(e.get_age_group(), ADOLESCENT)

    def test_rule_set_selection(self):
        e = episode()
        e.set_schedule(week(180))
        e.set_rule_sets("asam,h0015")
        self.assertEqual(ids(e.check("2026-01-05")), ["weekly-hours-band", "h0015-hours-per-day",
                                                      "h0015-days-per-week"])
        e.set_rule_sets("asam,hedis")
        with self.assertRaises(iop.NotFoundError):
            e.check("2026-01-05")
        for bad in ("", "a" * 257):
            with self.assertRaises(iop.InvalidArgumentError):
                e.set_rule_sets(bad)
        self.assertEqual(e.get_rule_sets(), "asam,hedis")
        for bad in ("", "p" * 129):
            with self.assertRaises(iop.InvalidArgumentError):
                e.set_payer(bad)
        e.set_payer("p" * 128)
        self.assertEqual(e.get_payer(), "p" * 128)
        self.assertEqual(e.copy().to_json(), e.to_json())
        e.set_rule_sets(None)
        self.assertIsNone(e.get_rule_sets())


def base_document():
    with open(os.path.join(DATA, "episode", "valid", "base.json"), encoding="utf-8") as f:
        return json.load(f)


class Json(unittest.TestCase):
    def test_round_trip_byte_identical(self):
        full = episode()
        full.set_schedule(week(180))
        full.set_birth_date("1990-02-28")
        full.set_payer('payer "A" \\ ü')
        full.add_diagnosis("F10.20")
        full.change_level(ASAM3, "2.5", "2026-01-12", 'Line 1\nLine 2\t"quoted" ✓ 𝄞')
        full.set_stage_of_change(SOC["relapse"], "2026-01-19")
        full.add_goal("g1", "assessment", "Goal with \"quotes\"", "2026-01-10")
        full.set_goal_status("g1", "waived")
        full.change_stage("education", "2026-01-12", "x")
        full.add_attendance("2026-01-05", None, 45, "drug-testing", EXCUSED)
        full.add_attendance("2026-01-05", "09:00", 180, "group-therapy", ATTENDED)
        full.set_medicare_certified("2026-01-06")
        full.set_taper_start("2026-02-02")
        full.set_rule_sets("asam,medicare")
        program = iop.Program.from_json(program_pack())
        custom = episode("2026-12-28", program=program)
        for e, p in ((episode(), None), (full, None), (custom, program)):
            text = e.to_json()
            again = iop.Episode.from_json(text, None, p)
            self.assertEqual(again.to_json(), text)
            self.assertEqual(e.copy().to_json(), text)
            doc = json.loads(text)
            self.assertEqual((doc["format"], doc["format_version"]), ("libiop-episode", 1))
        doc = json.loads(full.to_json())
        self.assertEqual(list(doc), ["format", "format_version", "program", "client", "admission_date", "payer",
                                     "diagnoses", "level_history", "stage_of_change_history", "stage_history",
                                     "goals", "schedule", "attendance", "medicare_certified", "taper_start",
                                     "rule_sets"])
        self.assertEqual(doc["level_history"][1]["reason"], 'Line 1\nLine 2\t"quoted" ✓ 𝄞')
        self.assertEqual(doc["attendance"][0], {"date": "2026-01-05", "start": "09:00", "minutes": 180,
                                                "kind": "group-therapy", "status": "attended"})

    def test_hand_written_document_is_normalized(self):
        doc = base_document()
        e = iop.Episode.from_json(json.dumps(doc, indent=3))
        text = e.to_json()
        self.assertEqual(iop.Episode.from_json(text).to_json(), text)
        # Attendance entries in another order come back ordered.
        doc["attendance"].reverse()
        self.assertEqual(iop.Episode.from_file(os.path.join(DATA, "episode", "valid", "base.json")).to_json(), text)
        self.assertEqual(iop.Episode.from_json(json.dumps(doc)).to_json(), text)

    def test_malformed_classes_and_paths(self):
        def changed(path, value=None, delete=False):
            doc = base_document()
            target = doc
            for key in path[:-1]:
                target = target[key]
            if delete:
                del target[path[-1]]
            else:
                target[path[-1]] = value
            return json.dumps(doc)

        cases = [
            (changed(["patient_name"], "Jordan Example"), iop.ParseError, "$.patient_name"),
            (changed(["format_version"], 2), iop.InvalidDataError, "$.format_version"),
            (changed(["admission_date"], "2026-02-30"), iop.InvalidDataError, "$.admission_date"),
            (changed(["admission_date"], delete=True), iop.ParseError, "$.admission_date"),
            (changed(["client", "id"], 7781), iop.ParseError, "$.client.id"),
            (changed(["client", "birth_date"], "2026-03-01"), iop.InvalidDataError, "$.client.birth_date"),
            (changed(["diagnoses"], ["F11.20", "F33."]), iop.InvalidDataError, "$.diagnoses[1]"),
            (changed(["diagnoses"], ["F11.20", "F11.20"]), iop.InvalidDataError, "$.diagnoses[1]"),
            (changed(["level_history", 0, "date"], "2026-02-03"), iop.InvalidDataError, "$.level_history[0].date"),
            (changed(["level_history", 1, "date"], "2026-02-01"), iop.InvalidDataError, "$.level_history[1].date"),
            (changed(["level_history", 1, "code"], "2.2"), iop.InvalidDataError, "$.level_history[1].code"),
            (changed(["stage_of_change_history", 1, "stage"], "termination"), iop.InvalidDataError,
             "$.stage_of_change_history[1].stage"),
            (changed(["stage_history", 1, "stage"], "detox"), iop.InvalidDataError, "$.stage_history[1].stage"),
            (changed(["program"], "another-program"), iop.InvalidDataError, "$.program"),
            (changed(["goals", 1, "id"], "g-assess"), iop.InvalidDataError, "$.goals[1].id"),
            (changed(["goals", 0, "target_date"], "2026-13-01"), iop.InvalidDataError, "$.goals[0].target_date"),
            (changed(["attendance", 3], {"date": "2026-02-04", "start": "12:30", "minutes": 60,
                                         "kind": "group-therapy", "status": "attended"}),
             iop.InvalidDataError, "$.attendance[3]"),
            (changed(["attendance", 1, "minutes"], 60.5), iop.ParseError, "$.attendance[1].minutes"),
            (changed(["attendance", 2, "start"], "13:00Z"), iop.InvalidDataError, "$.attendance[2]"),
            (changed(["taper_start"], "2026-02-30"), iop.InvalidDataError, "$.taper_start"),
        ]
        doc = base_document()
        secrets = [doc["client"]["id"], doc["payer"]] + [g["description"] for g in doc["goals"]] + \
                  [l["reason"] for l in doc["level_history"][1:]] + [s["reason"] for s in doc["stage_history"][1:]]
        for text, cls, path in cases:
            with self.assertRaises(cls, msg=path) as cm:
                iop.Episode.from_json(text)
            self.assertEqual(cm.exception.path, path, cm.exception.message)
            self.assertTrue(cm.exception.message.startswith(path + ": "), cm.exception.message)
            self.assertNotIn("(null)", cm.exception.message)
            self.assertIsNone(DATE_RE.search(cm.exception.message), cm.exception.message)
            for secret in secrets:
                self.assertNotIn(secret, cm.exception.message)
        with self.assertRaises(iop.ParseError) as cm:
            iop.Episode.from_json("{")
        self.assertIsNone(cm.exception.path)
        with self.assertRaises(iop.IoError):
            iop.Episode.from_file(os.path.join(DATA, "episode", "no-such-episode.json"))
        with self.assertRaises(ValueError):
            iop.Episode.from_json(None)

    def test_malformed_corpus_all_refused(self):
        directory = os.path.join(DATA, "episode")
        names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
        self.assertGreaterEqual(len(names), 25)
        for name in names:
            with self.assertRaises((iop.ParseError, iop.InvalidDataError), msg=name) as cm:
                iop.Episode.from_file(os.path.join(directory, name))
            self.assertTrue(cm.exception.path.startswith("$"), name)
            self.assertNotIn("PSEUDO-7781", cm.exception.message)
            self.assertIsNone(DATE_RE.search(cm.exception.message), name)


class Ownership(unittest.TestCase):
    def test_episode_outlives_its_packs(self):
        continuum = iop.Continuum()
        program = iop.Program.from_json(program_pack())
        e = iop.Episode("A1", ASAM3, "2.1", "2026-01-05", continuum, program)
        level = e.get_level()
        del continuum, program
        gc.collect()
        self.assertEqual(e.get_stage(), "early-recovery")
        copy_ = e.copy()
        del e
        gc.collect()
        self.assertEqual(level.get_code(), "2.1")
        self.assertEqual(copy_.get_level().get_code(), "2.1")
        summary = copy_.summarize_attendance()
        report = copy_.check("2026-01-05")
        del copy_
        gc.collect()
        self.assertEqual(summary.get_n_weeks(), 1)
        self.assertEqual(report.get_rule(0), "weekly-hours-band")  # an empty schedule: 0 hours
        self.assertFalse(report.is_compliant())

    def test_schedule_is_copied(self):
        e = episode()
        plan = week(180)
        e.set_schedule(plan)
        plan.add_session(TUE, None, 60, "life-skills")
        self.assertEqual(e.get_schedule().get_n_sessions(), 3)
        got = e.get_schedule()
        got.add_session(TUE, None, 60, "life-skills")
        self.assertEqual(e.get_schedule().get_n_sessions(), 3)
        with self.assertRaises(ValueError):
            e.set_schedule(None)

    def test_deep_copy_is_independent(self):
        e = episode()
        c = e.copy()
        c.add_diagnosis("F10.20")
        self.assertEqual((e.get_n_diagnoses(), c.get_n_diagnoses()), (0, 1))


class ProgramOfEpisodeTest(unittest.TestCase):
    def test_episode_keeps_its_program(self):
        e = iop.Episode("C-1", iop.IOP_EDITION_ASAM3, "2.1", "2026-01-05")
        p = e.get_program()
        self.assertEqual(p.get_id(), iop.Program().get_id())
        del e
        self.assertEqual(p.get_stage_id(0), "assessment")


if __name__ == "__main__":
    unittest.main()
