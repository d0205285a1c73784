"""Outcome measures through the Python binding: band edges of every instrument, reverse scoring,
restricted answer sets, safety and screen flags, AUDIT-C by sex, the BAM composites, answer
validation (library errors and binding type errors), ownership across garbage collection,
measure series (date order, calendar dates, response and remission, JSON round trip) and user
measures packs with strict validation.

Mirrors tests/test-measure.c and tests/lua/test_measure.lua. SPDX-License-Identifier: MIT
"""

import copy
import gc
import itertools
import json
import os
import pathlib
import re
import tempfile
import unittest

import iop

UNDER_VALGRIND = bool(os.environ.get("IOP_UNDER_VALGRIND"))

FEMALE, MALE, UNKNOWN = iop.IOP_SEX_FEMALE, iop.IOP_SEX_MALE, iop.IOP_SEX_UNKNOWN
MET, NOT_MET, NOT_APPLICABLE = (iop.IOP_OUTCOME_MET, iop.IOP_OUTCOME_NOT_MET,
                                iop.IOP_OUTCOME_NOT_APPLICABLE)
URGENT, WARNING, SEV_NONE = iop.IOP_SEVERITY_URGENT, iop.IOP_SEVERITY_WARNING, iop.IOP_SEVERITY_NONE

INSTRUMENT_IDS = ["phq9", "gad7", "audit", "audit-c", "dast10", "bam"]

# Items per instrument, and the highest answer code of items 1..n (AUDIT items 9-10: 0/2/4).
N_ITEMS = {"phq9": 9, "gad7": 7, "audit": 10, "audit-c": 3, "dast10": 10, "bam": 17}
MAX_ANSWER = {"phq9": 3, "gad7": 3, "audit": 4, "audit-c": 4, "dast10": 1, "bam": 4}


def answers_for(instrument_id, total):
    """Answers whose total is exactly `total`: the highest points first, item by item.

    AUDIT items 9-10 take 0, 2 or 4 (points = answer): they carry only what items 1-8 (at most
    32) cannot, rounded up to even. DAST-10 item 3 is reverse-scored: answer 0 ("no") scores 1
    point and answer 1 ("yes") scores 0."""
    n, top = N_ITEMS[instrument_id], MAX_ANSWER[instrument_id]
    tail = 0
    if instrument_id == "audit":
        tail = max(0, total - 32)
        tail += tail % 2
        n = 8
    points, left = [], total - tail
    for i in range(n):
        p = min(top, left)
        points.append(p)
        left -= p
    if instrument_id == "audit":
        points += [min(4, tail), tail - min(4, tail)]
    assert left == 0 and sum(points) == total, "%s cannot reach %d" % (instrument_id, total)
    answers = list(points)
    if instrument_id == "dast10":
        answers[2] = 1 - points[2]
    return answers


# (instrument, total, band id, band label): both sides of every band boundary, and the ends.
BAND_EDGES = [
    ("phq9", 0, "minimal", "None to minimal"),
    ("phq9", 4, "minimal", "None to minimal"),
    ("phq9", 5, "mild", "Mild"),
    ("phq9", 9, "mild", "Mild"),
    ("phq9", 10, "moderate", "Moderate"),
    ("phq9", 14, "moderate", "Moderate"),
    ("phq9", 15, "moderately-severe", "Moderately severe"),
    ("phq9", 19, "moderately-severe", "Moderately severe"),
    ("phq9", 20, "severe", "Severe"),
    ("phq9", 27, "severe", "Severe"),
    ("gad7", 0, "minimal", "Minimal"),
    ("gad7", 4, "minimal", "Minimal"),
    ("gad7", 5, "mild", "Mild"),
    ("gad7", 9, "mild", "Mild"),
    ("gad7", 10, "moderate", "Moderate"),
    ("gad7", 14, "moderate", "Moderate"),
    ("gad7", 15, "severe", "Severe"),
    ("gad7", 21, "severe", "Severe"),
    ("audit", 0, "zone-1", "Zone I: low risk"),
    ("audit", 7, "zone-1", "Zone I: low risk"),
    ("audit", 8, "zone-2", "Zone II: increasing risk"),
    ("audit", 15, "zone-2", "Zone II: increasing risk"),
    ("audit", 16, "zone-3", "Zone III: higher risk"),
    ("audit", 19, "zone-3", "Zone III: higher risk"),
    ("audit", 20, "zone-4", "Zone IV: possible dependence"),
    ("audit", 40, "zone-4", "Zone IV: possible dependence"),
    ("dast10", 0, "none", "No problems reported"),
    ("dast10", 1, "low", "Low level"),
    ("dast10", 2, "low", "Low level"),
    ("dast10", 3, "moderate", "Moderate level"),
    ("dast10", 5, "moderate", "Moderate level"),
    ("dast10", 6, "substantial", "Substantial level"),
    ("dast10", 8, "substantial", "Substantial level"),
    ("dast10", 9, "severe", "Severe level"),
    ("dast10", 10, "severe", "Severe level"),
]

# (instrument, flag, highest total without it, lowest total with it)
SCREEN_FLAGS = [
    ("phq9", "depression-screen-positive", 9, 10),
    ("gad7", "anxiety-screen-positive", 9, 10),
    ("audit", "possible-dependence", 19, 20),
    ("dast10", "drug-problems-substantial", 5, 6),
]


def flag_ids(score):
    return [score.get_flag_id(i) for i in range(score.get_n_flags())]


def default_pack():
    return json.loads(iop.MeasureSet.default_pack_json())


# A small instrument a program could add without new C code: three items answered 0-2, item 3
# reverse-scored, bands low 0-2 / high 3-6, an info flag at 3 and outcome rules.
K3 = {
    "id": "k3",
    "name": "Three-item check",
    "abbreviation": "K-3",
    "lookback_days": 7,
    "answers": [0, 1, 2],
    "items": [
        {"id": "1", "label": "First"},
        {"id": "2", "label": "Second"},
        {"id": "3", "label": "Third (reversed)", "points": [2, 1, 0]},
    ],
    "scales": [
        {"id": "total", "label": "Total", "primary": True, "items": ["1", "2", "3"],
         "bands": [{"id": "low", "label": "Low", "min": 0, "max": 2},
                   {"id": "high", "label": "High", "min": 3, "max": 6}]},
    ],
    "flags": [
        {"id": "k3-high", "label": "High K-3", "severity": "info", "scale": "total", "op": ">=",
         "value": 3, "source": "k3-source"},
    ],
    "outcomes": {"min_baseline": 4, "response_reduction_percent": 50, "remission_below": 2,
                 "source": "k3-source"},
    "source": "k3-source",
}


def pack_with_k3():
    pack = default_pack()
    pack["id"] = "clinic-measures"
    pack["sources"]["k3-source"] = {"citation": "Clinic-defined test instrument", "confidence": "L"}
    pack["instruments"].append(copy.deepcopy(K3))
    return pack


def write_temp(test, text):
    """Writes text to a temporary file removed at the end of the test; returns its name."""
    fd, name = tempfile.mkstemp(prefix="iop-measures-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    test.addCleanup(os.unlink, name)
    return name


class MeasureTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.set = iop.MeasureSet()

    def inst(self, instrument_id):
        instrument = self.set.lookup_instrument(instrument_id)
        self.assertIsNotNone(instrument, instrument_id)
        return instrument

    def score(self, instrument_id, answers, sex=UNKNOWN):
        return self.inst(instrument_id).score(answers, sex)

    def assertNotQuoted(self, message, value):
        """The message does not contain `value` as a number of its own (patient data)."""
        self.assertNotRegex(message, r"(?<![\d.])%s(?![\d.])" % re.escape(str(value)))

    def assertInvalidAnswer(self, instrument_id, answers, item, bad_value):
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.score(instrument_id, answers)
        e = cm.exception
        self.assertEqual(e.code, iop.IOP_ERROR_INVALID_ARGUMENT)
        self.assertIsNone(e.path)
        self.assertRegex(e.message, r"\bitem %d\b" % item)
        self.assertNotQuoted(e.message, bad_value)
        return e


class DefaultSetTest(MeasureTestCase):
    def test_identity(self):
        self.assertEqual(self.set.get_id(), "libiop-default-measures")
        self.assertEqual(self.set.get_version(), default_pack()["version"])
        self.assertEqual(self.set.get_n_instruments(), 6)

    def test_instruments_list_in_pack_order(self):
        instruments = self.set.instruments()
        self.assertIsInstance(instruments, list)
        self.assertEqual([i.get_id() for i in instruments], INSTRUMENT_IDS)
        self.assertEqual([self.set.get_instrument(k).get_id() for k in range(6)], INSTRUMENT_IDS)
        self.assertIsNone(self.set.get_instrument(6))

    def test_instrument_metadata(self):
        expected = {
            "phq9": ("Patient Health Questionnaire-9", "PHQ-9", "44261-6", 14, ["total"], True),
            "gad7": ("Generalized Anxiety Disorder-7", "GAD-7", "70274-6", 14, ["total"], True),
            "audit": ("Alcohol Use Disorders Identification Test", "AUDIT", None, 365, ["total"],
                      False),
            "audit-c": ("AUDIT-Consumption", "AUDIT-C", "75626-2", 365, ["total"], False),
            "dast10": ("Drug Abuse Screening Test-10", "DAST-10", None, 365, ["total"], False),
            "bam": ("Brief Addiction Monitor", "BAM", None, 30, ["use", "risk", "protective"],
                    False),
        }
        for instrument_id, (name, abbr, loinc, days, scales, rules) in expected.items():
            with self.subTest(instrument=instrument_id):
                i = self.inst(instrument_id)
                self.assertEqual(i.get_id(), instrument_id)
                self.assertEqual(i.get_name(), name)
                self.assertEqual(i.get_abbreviation(), abbr)
                self.assertEqual(i.get_loinc(), loinc)
                self.assertEqual(i.get_lookback_days(), days)
                self.assertEqual(i.get_n_items(), N_ITEMS[instrument_id])
                self.assertEqual([i.get_item_id(k) for k in range(i.get_n_items())],
                                 [str(k + 1) for k in range(N_ITEMS[instrument_id])])
                self.assertIsNone(i.get_item_id(i.get_n_items()))
                self.assertIsNone(i.get_item_label(i.get_n_items()))
                self.assertEqual([i.get_scale_id(k) for k in range(i.get_n_scales())], scales)
                self.assertIsNone(i.get_scale_id(i.get_n_scales()))
                self.assertEqual(i.has_outcome_rules(), rules)

    def test_item_labels_are_paraphrases(self):
        self.assertEqual(self.inst("phq9").get_item_label(8), "Thoughts of death or self-harm")
        self.assertEqual(self.inst("dast10").get_item_label(2), "Able to stop using when wanted")
        self.assertEqual(self.inst("bam").get_item_label(16),
                         "Satisfaction with progress (unscored)")

    def test_allowed_answers(self):
        phq = self.inst("phq9")
        self.assertEqual([a for a in range(-2, 7) if phq.is_valid_answer(0, a)], [0, 1, 2, 3])
        audit = self.inst("audit")
        self.assertEqual([a for a in range(-2, 7) if audit.is_valid_answer(7, a)], [0, 1, 2, 3, 4])
        for index in (8, 9):  # items 9 and 10
            self.assertEqual([a for a in range(-2, 7) if audit.is_valid_answer(index, a)],
                             [0, 2, 4])
        dast = self.inst("dast10")
        self.assertEqual([a for a in range(-2, 7) if dast.is_valid_answer(2, a)], [0, 1])
        self.assertFalse(phq.is_valid_answer(9, 0))  # no item 10
        self.assertFalse(phq.is_valid_answer(99, 0))

    def test_lookup_by_id_or_abbreviation_case_insensitively(self):
        cases = {"phq9": "phq9", "PHQ9": "phq9", "PHQ-9": "phq9", "phq-9": "phq9",
                 "Gad-7": "gad7", "GAD7": "gad7", "AUDIT": "audit", "audit-c": "audit-c",
                 "AUDIT-C": "audit-c", "Audit-C": "audit-c", "DAST-10": "dast10",
                 "dast10": "dast10", "BAM": "bam", "bam": "bam"}
        for name, instrument_id in cases.items():
            with self.subTest(name=name):
                self.assertEqual(self.inst(name).get_id(), instrument_id)

    def test_lookup_unknown_returns_none(self):
        for name in ("phq", "phq-99", "audit-", "c-ssrs", "", " phq9", "phq9 "):
            with self.subTest(name=name):
                self.assertIsNone(self.set.lookup_instrument(name))
        with self.assertRaises(ValueError):
            self.set.lookup_instrument(None)

    def test_enumeration_names(self):
        self.assertEqual([iop.sex_to_string(s) for s in (UNKNOWN, FEMALE, MALE)],
                         ["unknown", "female", "male"])
        self.assertEqual([iop.severity_to_string(s) for s in
                          (SEV_NONE, iop.IOP_SEVERITY_INFO, WARNING, URGENT)],
                         ["none", "info", "warning", "urgent"])
        self.assertEqual([iop.outcome_to_string(o) for o in (NOT_APPLICABLE, NOT_MET, MET)],
                         ["not-applicable", "not-met", "met"])
        self.assertEqual(iop.sex_from_string("female"), FEMALE)
        self.assertEqual(iop.sex_from_string("male"), MALE)
        self.assertEqual(iop.sex_from_string("unknown"), UNKNOWN)
        for text in ("Female", "f", "other", ""):
            with self.subTest(text=text):
                with self.assertRaises(iop.InvalidArgumentError):
                    iop.sex_from_string(text)


class BandEdgesTest(MeasureTestCase):
    def test_answer_builder_hits_exact_totals(self):
        # The builder itself: DAST-10 all "no" scores 1 (item 3 reversed), AUDIT uses items 9-10.
        self.assertEqual(answers_for("dast10", 0), [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        self.assertEqual(answers_for("dast10", 1), [1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        self.assertEqual(answers_for("dast10", 3), [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        self.assertEqual(answers_for("audit", 40), [4] * 10)
        self.assertEqual(answers_for("audit", 33), [4] * 7 + [3, 2, 0])
        self.assertEqual(answers_for("audit", 19), [4, 4, 4, 4, 3, 0, 0, 0, 0, 0])
        self.assertEqual(answers_for("phq9", 20), [3, 3, 3, 3, 3, 3, 2, 0, 0])

    def test_every_band_edge(self):
        for instrument_id, total, band, label in BAND_EDGES:
            with self.subTest(instrument=instrument_id, total=total):
                s = self.score(instrument_id, answers_for(instrument_id, total))
                self.assertTrue(s.has_total())
                self.assertEqual(s.get_total(), total)
                self.assertEqual(s.get_scale("total"), total)
                self.assertEqual(s.get_band(), band)
                self.assertEqual(s.get_band_label(), label)
                self.assertEqual(s.get_scale_band("total"), band)

    def test_every_possible_total_falls_in_its_band(self):
        # The rows of one band in BAND_EDGES give its [min, max]; every total in between must
        # give that band, so the bands tile each scale from 0 to its maximum.
        for (instrument_id, band, label), rows in itertools.groupby(
                BAND_EDGES, key=lambda row: (row[0], row[2], row[3])):
            totals = [row[1] for row in rows]
            for total in range(min(totals), max(totals) + 1):
                with self.subTest(instrument=instrument_id, total=total):
                    s = self.score(instrument_id, answers_for(instrument_id, total))
                    self.assertEqual((s.get_total(), s.get_band(), s.get_band_label()),
                                     (total, band, label))

    def test_domain_test_vectors(self):
        s = self.score("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0])
        self.assertEqual((s.get_total(), s.get_band()), (20, "severe"))
        s = self.score("audit", [2] * 8 + [0, 0])
        self.assertEqual((s.get_total(), s.get_band()), (16, "zone-3"))
        s = self.score("gad7", [2, 2, 2, 2, 2, 0, 0])
        self.assertEqual((s.get_total(), s.get_band()), (10, "moderate"))
        self.assertTrue(s.has_flag("anxiety-screen-positive"))


class ScoringRulesTest(MeasureTestCase):
    def test_dast10_item3_is_reverse_scored(self):
        all_yes = self.score("dast10", [1] * 10)
        self.assertEqual(all_yes.get_total(), 9)
        self.assertEqual(all_yes.get_band(), "severe")
        item3_no = self.score("dast10", [1, 1, 0, 1, 1, 1, 1, 1, 1, 1])
        self.assertEqual(item3_no.get_total(), 10)
        self.assertEqual(item3_no.get_band(), "severe")
        self.assertEqual(self.score("dast10", [0] * 10).get_total(), 1)
        self.assertEqual(self.score("dast10", [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]).get_total(), 0)

    def test_dast10_reverse_item_is_serialized_as_the_answer(self):
        doc = json.loads(self.score("dast10", [1, 1, 0, 1, 1, 1, 1, 1, 1, 1]).to_json())
        self.assertEqual(doc["answers"], [1, 1, 0, 1, 1, 1, 1, 1, 1, 1])  # not the points
        self.assertEqual(doc["total"], 10)

    def test_audit_items_9_and_10_take_0_2_or_4(self):
        self.assertEqual(self.score("audit", [0] * 8 + [2, 4]).get_total(), 6)
        self.assertEqual(self.score("audit", [0] * 8 + [4, 4]).get_total(), 8)
        e = self.assertInvalidAnswer("audit", [0] * 8 + [3, 0], 9, 3)
        self.assertIn("AUDIT item 9", e.message)
        self.assertInvalidAnswer("audit", [0] * 8 + [1, 0], 9, 1)
        self.assertInvalidAnswer("audit", [0] * 8 + [0, 3], 10, 3)
        # 3 is fine for items 1-8.
        self.assertEqual(self.score("audit", [3] + [0] * 9).get_total(), 3)

    def test_phq9_item9_flag_with_minimal_total(self):
        s = self.score("phq9", [0] * 8 + [1])
        self.assertEqual(s.get_total(), 1)
        self.assertEqual(s.get_band(), "minimal")
        self.assertEqual(flag_ids(s), ["self-harm-thoughts"])
        self.assertTrue(s.has_flag("self-harm-thoughts"))
        self.assertEqual(s.get_flag_severity(0), URGENT)
        self.assertEqual(s.get_max_severity(), URGENT)
        self.assertIn("immediate clinical review", s.get_flag_label(0))
        # Every positive answer to item 9 raises it; 0 does not.
        for answer in (1, 2, 3):
            self.assertTrue(self.score("phq9", [0] * 8 + [answer]).has_flag("self-harm-thoughts"))
        self.assertFalse(self.score("phq9", [3] * 8 + [0]).has_flag("self-harm-thoughts"))

    def test_phq9_item9_flag_alongside_the_screen(self):
        s = self.score("phq9", [3, 3, 3, 3, 0, 0, 0, 0, 2])
        self.assertEqual(s.get_total(), 14)
        self.assertEqual(flag_ids(s), ["self-harm-thoughts", "depression-screen-positive"])
        self.assertEqual([s.get_flag_severity(i) for i in range(2)], [URGENT, WARNING])
        self.assertEqual(s.get_max_severity(), URGENT)

    def test_screen_flags_at_their_thresholds(self):
        for instrument_id, flag, below, at in SCREEN_FLAGS:
            with self.subTest(instrument=instrument_id):
                lower = self.score(instrument_id, answers_for(instrument_id, below))
                self.assertFalse(lower.has_flag(flag))
                self.assertEqual(lower.get_n_flags(), 0)
                self.assertEqual(lower.get_max_severity(), SEV_NONE)
                upper = self.score(instrument_id, answers_for(instrument_id, at))
                self.assertTrue(upper.has_flag(flag))
                self.assertEqual(flag_ids(upper), [flag])
                self.assertEqual(upper.get_flag_severity(0), WARNING)
                self.assertEqual(upper.get_max_severity(), WARNING)

    def test_out_of_range_flag_index(self):
        s = self.score("phq9", [0] * 9)
        self.assertEqual(s.get_n_flags(), 0)
        self.assertIsNone(s.get_flag_id(0))
        self.assertIsNone(s.get_flag_label(0))
        self.assertEqual(s.get_flag_severity(0), SEV_NONE)
        self.assertFalse(s.has_flag("self-harm-thoughts"))
        self.assertFalse(s.has_flag("no-such-flag"))

    def test_audit_c_by_sex(self):
        # (sex, total, flagged)
        cases = [(MALE, 3, False), (MALE, 4, True), (FEMALE, 2, False), (FEMALE, 3, True),
                 (UNKNOWN, 2, False), (UNKNOWN, 3, True)]
        labels = {MALE: "for men", FEMALE: "for women", UNKNOWN: "sex not recorded"}
        for sex, total, flagged in cases:
            with self.subTest(sex=iop.sex_to_string(sex), total=total):
                s = self.score("audit-c", answers_for("audit-c", total), sex)
                self.assertEqual(s.get_total(), total)
                self.assertIsNone(s.get_band())
                self.assertIsNone(s.get_band_label())
                self.assertEqual(s.has_flag("alcohol-screen-positive"), flagged)
                # The three sex-specific rules share one id: at most one flag is raised.
                self.assertEqual(s.get_n_flags(), 1 if flagged else 0)
                if flagged:
                    self.assertIn(labels[sex], s.get_flag_label(0))
                self.assertEqual(json.loads(s.to_json())["sex"], iop.sex_to_string(sex))

    def test_sex_defaults_to_unknown_and_accepts_a_keyword(self):
        self.assertTrue(self.inst("audit-c").score([1, 1, 1]).has_flag("alcohol-screen-positive"))
        self.assertFalse(self.inst("audit-c").score([1, 1, 1], sex=MALE)
                         .has_flag("alcohol-screen-positive"))

    def test_invalid_sex_value(self):
        with self.assertRaises(iop.InvalidArgumentError):
            self.score("audit-c", [1, 1, 1], 3)
        with self.assertRaises(iop.InvalidArgumentError):
            self.score("audit-c", [1, 1, 1], 7)
        with self.assertRaises(iop.InvalidArgumentError):
            self.score("audit-c", [1, 1, 1], -1)

    def test_bam_composites(self):
        bam = self.inst("bam")
        s = bam.score([1, 2, 3, 1, 0, 2, 4, 0, 4, 4, 1, 3, 2, 1, 0, 4, 4])
        self.assertFalse(s.has_total())
        self.assertEqual(s.get_total(), -1)
        self.assertIsNone(s.get_band())
        self.assertIsNone(s.get_band_label())
        self.assertEqual(s.get_scale("use"), 1 + 0 + 2)  # items 4, 5, 6
        self.assertEqual(s.get_scale("risk"), 1 + 2 + 3 + 0 + 1 + 0)  # items 1, 2, 3, 8, 11, 15
        self.assertEqual(s.get_scale("protective"), 4 + 4 + 3 + 2 + 1 + 4)  # 9, 10, 12, 13, 14, 16
        self.assertEqual(s.get_scale("total"), -1)
        self.assertEqual(s.get_scale("no-such-scale"), -1)
        self.assertIsNone(s.get_scale_band("risk"))
        self.assertIsNone(s.get_scale_band("no-such-scale"))
        self.assertEqual(flag_ids(s), ["any-use"])

    def test_bam_items_7_and_17_are_unscored(self):
        base = [2] * 17
        base[6] = base[16] = 0
        changed = list(base)
        changed[6] = changed[16] = 4
        a, b = self.score("bam", base), self.score("bam", changed)
        for scale in ("use", "risk", "protective"):
            self.assertEqual(a.get_scale(scale), b.get_scale(scale), scale)
        self.assertEqual(flag_ids(a), flag_ids(b))

    def test_bam_thresholds(self):
        def bam(use=0, risk=0, protective=3):
            answers = [0] * 17
            for item in (4, 5, 6):
                answers[item - 1] = use
            for item in (1, 2, 3, 8, 11, 15):
                answers[item - 1] = risk
            for item in (9, 10, 12, 13, 14, 16):
                answers[item - 1] = protective
            return answers

        # Any use: 1 or more on items 4+5+6.
        self.assertFalse(self.score("bam", bam()).has_flag("any-use"))
        one_use = bam()
        one_use[4] = 1  # item 5 (heavy drinking)
        s = self.score("bam", one_use)
        self.assertEqual(s.get_scale("use"), 1)
        self.assertTrue(s.has_flag("any-use"))
        # Risk: concern at 12 or more.
        s = self.score("bam", bam(risk=2))
        self.assertEqual(s.get_scale("risk"), 12)
        self.assertTrue(s.has_flag("risk-concern"))
        eleven = bam(risk=2)
        eleven[0] = 1
        s = self.score("bam", eleven)
        self.assertEqual(s.get_scale("risk"), 11)
        self.assertFalse(s.has_flag("risk-concern"))
        # Protective: concern at 12 or less.
        s = self.score("bam", bam(protective=2))
        self.assertEqual(s.get_scale("protective"), 12)
        self.assertTrue(s.has_flag("protective-concern"))
        thirteen = bam(protective=2)
        thirteen[8] = 3
        s = self.score("bam", thirteen)
        self.assertEqual(s.get_scale("protective"), 13)
        self.assertFalse(s.has_flag("protective-concern"))
        # All zero: low protective factors are a concern, nothing else is.
        self.assertEqual(flag_ids(self.score("bam", [0] * 17)), ["protective-concern"])
        everything = self.score("bam", bam(use=1, risk=2, protective=2))
        self.assertEqual(flag_ids(everything), ["any-use", "risk-concern", "protective-concern"])
        self.assertEqual(everything.get_max_severity(), WARNING)


class AnswerValidationTest(MeasureTestCase):
    def test_wrong_number_of_answers_for_every_instrument(self):
        for instrument_id, n in N_ITEMS.items():
            abbreviation = self.inst(instrument_id).get_abbreviation()
            for count in (n - 1, n + 1, 1, 0):
                with self.subTest(instrument=instrument_id, count=count):
                    with self.assertRaises(iop.InvalidArgumentError) as cm:
                        self.score(instrument_id, [0] * count)
                    self.assertIsNone(cm.exception.path)
                    self.assertIn(abbreviation, cm.exception.message)
                    self.assertIn("%d answers" % n, cm.exception.message)

    def test_wrong_number_of_answers(self):
        for answers in ([0] * 8, [0] * 10, []):
            with self.subTest(n=len(answers)):
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    self.score("phq9", answers)
                e = cm.exception
                self.assertEqual(e.code, iop.IOP_ERROR_INVALID_ARGUMENT)
                self.assertIn("PHQ-9", e.message)
                self.assertIn("9 answers", e.message)
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.score("bam", [0] * 16)
        self.assertIn("17 answers", cm.exception.message)

    def test_bad_answer_table_of_the_c_suite(self):
        # bad_answers[] in tests/test-measure.c: (instrument, 1-based item, answer).
        rows = [("phq9", 2, 4), ("phq9", 5, -7), ("phq9", 9, 1000), ("phq9", 1, -2 ** 31),
                ("gad7", 7, 4), ("gad7", 3, -1), ("audit", 8, 5), ("audit", 9, 3),
                ("audit", 10, 1), ("audit-c", 3, 5), ("dast10", 3, 2), ("dast10", 10, -3),
                ("bam", 17, 5), ("bam", 7, 77)]
        for instrument_id, item, answer in rows:
            with self.subTest(instrument=instrument_id, item=item):
                answers = [0] * N_ITEMS[instrument_id]
                answers[item - 1] = answer
                e = self.assertInvalidAnswer(instrument_id, answers, item, answer)
                self.assertIn("item %d:" % item, e.message)  # "item 1" is not "item 10"

    def test_first_invalid_item_is_reported(self):
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.score("phq9", [3, 3, 9, 3, 3, 3, -4, 3, 3])
        self.assertIn("item 3:", cm.exception.message)
        self.assertNotIn("item 7", cm.exception.message)

    def test_disallowed_answers_name_the_item_not_the_value(self):
        self.assertInvalidAnswer("phq9", [0, 0, 7, 0, 0, 0, 0, 0, 0], 3, 7)
        self.assertInvalidAnswer("phq9", [-1] + [0] * 8, 1, -1)
        self.assertInvalidAnswer("phq9", [0] * 8 + [42], 9, 42)
        self.assertInvalidAnswer("gad7", [0] * 6 + [5], 7, 5)
        self.assertInvalidAnswer("dast10", [0, 0, 0, 0, 2, 0, 0, 0, 0, 0], 5, 2)
        self.assertInvalidAnswer("bam", [0] * 16 + [5], 17, 5)
        self.assertInvalidAnswer("audit-c", [0, 6, 0], 2, 6)
        # The first disallowed answer is the one reported.
        self.assertInvalidAnswer("phq9", [0, 5, 0, 6, 0, 0, 0, 0, 0], 2, 5)

    def test_non_integers_are_type_errors_naming_the_item(self):
        cases = [
            ([0] * 8 + [2.5], 8),
            ([0, "1"] + [0] * 7, 1),
            ([True] + [0] * 8, 0),
            ([0, 0, 0, False] + [0] * 5, 3),
            ([0, None] + [0] * 7, 1),
            ([2.0] + [0] * 8, 0),  # a float is refused even when integral
        ]
        for answers, index in cases:
            with self.subTest(answers=answers):
                with self.assertRaises(TypeError) as cm:
                    self.score("phq9", answers)
                self.assertNotIsInstance(cm.exception, iop.Error)
                self.assertIn("answers[%d] (item %d)" % (index, index + 1), str(cm.exception))

    def test_out_of_int_range_is_a_value_error_naming_the_item(self):
        for big in (2 ** 40, -(2 ** 40), 2 ** 31):
            with self.subTest(value=big):
                with self.assertRaises(ValueError) as cm:
                    self.score("phq9", [0, 0, big] + [0] * 6)
                self.assertIn("answers[2] (item 3)", str(cm.exception))
                self.assertNotIn(str(big), str(cm.exception))

    def test_answers_must_be_a_sequence(self):
        for answers in (None, 5, 2.5):
            with self.subTest(answers=answers):
                with self.assertRaises(TypeError):
                    self.score("phq9", answers)
        # A string is a sequence of one-character strings: refused item by item.
        with self.assertRaises(TypeError) as cm:
            self.score("audit-c", "111")
        self.assertIn("(item 1)", str(cm.exception))

    def test_any_integer_sequence_is_accepted(self):
        for answers in ((1, 1, 2), [1, 1, 2], iter([1, 1, 2]), (a for a in (1, 1, 2))):
            with self.subTest(kind=type(answers).__name__):
                self.assertEqual(self.score("audit-c", answers).get_total(), 4)
        self.assertEqual(self.score("audit-c", range(3)).get_total(), 3)


class ScoreObjectTest(MeasureTestCase):
    def test_to_json(self):
        s = self.score("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 1], FEMALE)
        doc = json.loads(s.to_json())
        self.assertEqual(doc["instrument"], "phq9")
        self.assertEqual(doc["total"], 21)
        self.assertEqual(doc["band"], {"id": "severe", "label": "Severe"})
        self.assertEqual(doc["scales"], {"total": {"value": 21, "band": "severe"}})
        self.assertEqual(doc["flags"], [
            {"id": "self-harm-thoughts", "severity": "urgent", "label": s.get_flag_label(0)},
            {"id": "depression-screen-positive", "severity": "warning",
             "label": s.get_flag_label(1)},
        ])
        self.assertEqual(doc["answers"], [3, 3, 3, 3, 3, 3, 2, 0, 1])
        self.assertEqual(doc["sex"], "female")

    def test_to_json_without_a_total(self):
        doc = json.loads(self.score("bam", [0] * 17).to_json())
        self.assertEqual(doc["instrument"], "bam")
        self.assertIsNone(doc["total"])
        self.assertIsNone(doc["band"])
        self.assertEqual(doc["scales"], {"use": {"value": 0, "band": None},
                                         "risk": {"value": 0, "band": None},
                                         "protective": {"value": 0, "band": None}})
        self.assertEqual([f["id"] for f in doc["flags"]], ["protective-concern"])
        self.assertEqual(json.loads(self.score("audit-c", [0, 0, 0]).to_json())["flags"], [])

    def test_copy(self):
        s = self.score("gad7", [3, 3, 3, 1, 0, 0, 0])
        c = s.copy()
        self.assertIsInstance(c, iop.Score)
        self.assertNotEqual(int(c.this), int(s.this))
        self.assertEqual(c.to_json(), s.to_json())
        del s
        gc.collect()
        self.assertEqual(c.get_total(), 10)
        self.assertEqual(c.get_band(), "moderate")
        self.assertTrue(c.has_flag("anxiety-screen-positive"))
        self.assertEqual(c.get_instrument().get_id(), "gad7")

    def test_score_knows_its_instrument(self):
        s = self.score("DAST-10", [0] * 10)
        self.assertEqual(s.get_instrument().get_abbreviation(), "DAST-10")


class OwnershipTest(unittest.TestCase):
    def test_instrument_and_score_outlive_the_set(self):
        s = iop.MeasureSet()
        phq = s.lookup_instrument("phq9")
        bam = s.get_instrument(5)
        score = phq.score([1] * 9)
        copy = phq.score([2] * 9).copy()
        del s
        gc.collect()
        self.assertEqual(copy.get_total(), 18)
        self.assertEqual(copy.get_instrument().get_abbreviation(), "PHQ-9")
        self.assertEqual(phq.get_name(), "Patient Health Questionnaire-9")
        self.assertEqual(phq.score([3, 3, 3, 3, 3, 3, 2, 0, 0]).get_band(), "severe")
        self.assertEqual(bam.get_scale_id(2), "protective")
        self.assertEqual(score.get_total(), 9)
        self.assertEqual(score.get_band_label(), "Mild")
        self.assertEqual(score.get_instrument().get_loinc(), "44261-6")
        self.assertTrue(score.has_flag("self-harm-thoughts"))

    def test_instruments_list_outlives_the_set(self):
        s = iop.MeasureSet()
        instruments = s.instruments()
        del s
        gc.collect()
        self.assertEqual([i.get_id() for i in instruments], INSTRUMENT_IDS)
        self.assertEqual(instruments[4].score([1] * 10).get_total(), 9)

    def test_series_keeps_its_set(self):
        s = iop.MeasureSet()
        series = iop.MeasureSeries(s, "gad7")
        del s
        gc.collect()
        series.add("2026-01-01", [3] * 7)
        self.assertEqual(series.get_instrument().get_name(), "Generalized Anxiety Disorder-7")
        self.assertEqual(series.get_score(0).get_band(), "severe")

    def test_scores_from_a_series_outlive_it(self):
        series = iop.MeasureSeries(iop.MeasureSet(), "phq9")
        series.add("2026-01-01", [2] * 9)
        first = series.get_score(0)
        del series
        gc.collect()
        self.assertEqual(first.get_total(), 18)
        self.assertTrue(first.has_flag("self-harm-thoughts"))

    def test_repeated_creation(self):
        # Gives valgrind (memcheck/python/measure) something to find if anything leaks.
        for _ in range(10 if UNDER_VALGRIND else 200):
            s = iop.MeasureSet()
            inst = s.lookup_instrument("audit")
            series = iop.MeasureSeries(s, "phq9", FEMALE)
            other = iop.MeasureSet()
            del s
            self.assertEqual(inst.score([4] * 10).get_total(), 40)
            with self.assertRaises(iop.InvalidArgumentError):
                inst.score([0] * 8 + [3, 0])
            with self.assertRaises(TypeError):
                inst.score([0] * 9 + [1.5])
            series.add("2026-02-01", [1] * 9)
            series.add("2026-01-01", [2] * 9)
            with self.assertRaises(iop.InvalidArgumentError):
                series.add("2026-02-30", [0] * 9)
            copy = iop.MeasureSeries.from_json(other, series.to_json())
            self.assertEqual(copy.to_json(), series.to_json())
        gc.collect()


class MeasureSeriesTest(MeasureTestCase):
    def series(self, instrument_id="phq9", sex=UNKNOWN, *administrations):
        series = iop.MeasureSeries(self.set, instrument_id, sex)
        for date, answers in administrations:
            series.add(date, answers)
        return series

    def phq9_series(self, *totals):
        """A PHQ-9 series with one administration per total, a week apart from 2026-01-05."""
        return self.series("phq9", UNKNOWN, *[("2026-01-%02d" % (5 + 7 * k), answers_for("phq9", t))
                                              for k, t in enumerate(totals)])

    def test_new_series(self):
        series = iop.MeasureSeries(self.set, "GAD-7", FEMALE)
        self.assertEqual(series.get_instrument().get_id(), "gad7")
        self.assertEqual(series.get_sex(), FEMALE)
        self.assertEqual(series.get_n_administrations(), 0)
        self.assertIsNone(series.get_date(0))
        self.assertIsNone(series.get_score(0))
        self.assertEqual(series.get_change_from_baseline(), 0)
        self.assertEqual(series.get_response(), NOT_APPLICABLE)
        self.assertEqual(series.get_remission(), NOT_APPLICABLE)
        self.assertEqual(iop.MeasureSeries(self.set, "bam").get_sex(), UNKNOWN)

    def test_unknown_instrument(self):
        with self.assertRaises(iop.NotFoundError) as cm:
            iop.MeasureSeries(self.set, "phq-99")
        self.assertEqual(cm.exception.code, iop.IOP_ERROR_NOT_FOUND)
        with self.assertRaises(iop.InvalidArgumentError):
            iop.MeasureSeries(self.set, "phq9", 7)

    # Object parameters refuse None like string parameters do (ValueError, before C is reached).
    def test_none_set_is_refused(self):
        with self.assertRaises(ValueError):
            iop.MeasureSeries(None, "phq9")
        with self.assertRaises(ValueError):
            iop.MeasureSeries.from_json(None, iop.MeasureSeries(self.set, "phq9").to_json())

    def test_add_out_of_order_keeps_date_order(self):
        series = self.series("phq9", UNKNOWN,
                             ("2026-03-01", answers_for("phq9", 5)),
                             ("2026-01-01", answers_for("phq9", 20)),
                             ("2026-02-01", answers_for("phq9", 12)))
        self.assertEqual(series.get_n_administrations(), 3)
        self.assertEqual([series.get_date(i) for i in range(3)],
                         ["2026-01-01", "2026-02-01", "2026-03-01"])
        self.assertEqual([series.get_score(i).get_total() for i in range(3)], [20, 12, 5])
        self.assertIsNone(series.get_date(3))
        self.assertIsNone(series.get_score(3))
        # The baseline is the earliest date, the latest is the last date, whatever the order.
        self.assertEqual(series.get_change_from_baseline(), -15)
        self.assertEqual(series.get_response(), MET)

    def test_equal_dates_keep_insertion_order(self):
        series = self.series("phq9", UNKNOWN,
                             ("2026-01-10", answers_for("phq9", 3)),
                             ("2026-01-10", answers_for("phq9", 4)),
                             ("2026-01-01", answers_for("phq9", 11)),
                             ("2026-01-10", answers_for("phq9", 5)))
        self.assertEqual([series.get_score(i).get_total() for i in range(4)], [11, 3, 4, 5])
        self.assertEqual(series.get_change_from_baseline(), -6)
        self.assertEqual(series.get_remission(), NOT_MET)  # the latest is the 5

    def test_invalid_dates_are_refused_and_leave_the_series_unchanged(self):
        series = self.phq9_series(12, 6)
        before = series.to_json()
        for date in ("2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
                     "2026-04-31", "2026-1-05", "26-01-05", "2026/01/05", "2026-01-05T10:00",
                     "0000-01-01", "", "yesterday"):
            with self.subTest(date=date):
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    series.add(date, answers_for("phq9", 1))
                self.assertEqual(cm.exception.code, iop.IOP_ERROR_INVALID_ARGUMENT)
                if date:
                    self.assertNotIn(date, cm.exception.message)
                self.assertEqual(series.get_n_administrations(), 2)
                self.assertEqual(series.to_json(), before)
        with self.assertRaises(ValueError):
            series.add(None, [0] * 9)
        with self.assertRaises(ValueError):
            series.add("2026-01-05\0", [0] * 9)
        self.assertEqual(series.to_json(), before)

    def test_invalid_answers_leave_the_series_unchanged(self):
        series = self.phq9_series(12)
        before = series.to_json()
        with self.assertRaises(iop.InvalidArgumentError):
            series.add("2026-02-01", [0] * 8)
        with self.assertRaises(iop.InvalidArgumentError):
            series.add("2026-02-01", [0] * 8 + [4])
        with self.assertRaises(TypeError):
            series.add("2026-02-01", [0] * 8 + [0.5])
        self.assertEqual(series.get_n_administrations(), 1)
        self.assertEqual(series.to_json(), before)

    def test_leap_days(self):
        series = self.series("gad7", UNKNOWN, ("2024-02-29", [0] * 7), ("2000-02-29", [1] * 7))
        self.assertEqual([series.get_date(i) for i in range(2)], ["2000-02-29", "2024-02-29"])
        for date in ("1900-02-29", "2100-02-29", "2023-02-29"):
            with self.subTest(date=date):
                with self.assertRaises(iop.InvalidArgumentError):
                    series.add(date, [0] * 7)
        self.assertEqual(series.get_n_administrations(), 2)

    def test_change_from_baseline(self):
        self.assertEqual(self.phq9_series().get_change_from_baseline(), 0)
        self.assertEqual(self.phq9_series(14).get_change_from_baseline(), 0)
        self.assertEqual(self.phq9_series(14, 9).get_change_from_baseline(), -5)
        self.assertEqual(self.phq9_series(4, 9, 17).get_change_from_baseline(), 13)
        # No primary scale: no change.
        bam = self.series("bam", UNKNOWN, ("2026-01-01", [0] * 17), ("2026-02-01", [4] * 17))
        self.assertEqual(bam.get_change_from_baseline(), 0)

    def test_response_is_a_50_percent_reduction(self):
        self.assertEqual(self.phq9_series(20, 10).get_response(), MET)  # exactly 50%
        self.assertEqual(self.phq9_series(20, 11).get_response(), NOT_MET)  # 45%
        self.assertEqual(self.phq9_series(11, 5).get_response(), MET)  # 54.5%
        self.assertEqual(self.phq9_series(11, 6).get_response(), NOT_MET)  # 45.5%
        self.assertEqual(self.phq9_series(10, 5).get_response(), MET)  # minimum baseline
        self.assertEqual(self.phq9_series(20, 0).get_response(), MET)
        self.assertEqual(self.phq9_series(10, 14).get_response(), NOT_MET)  # worse
        # Only baseline and latest count: an intermediate low does not.
        self.assertEqual(self.phq9_series(20, 2, 15).get_response(), NOT_MET)

    def test_baseline_below_10_is_not_applicable(self):
        series = self.phq9_series(9, 0)
        self.assertEqual(series.get_response(), NOT_APPLICABLE)
        self.assertEqual(series.get_remission(), NOT_APPLICABLE)
        self.assertEqual(series.get_change_from_baseline(), -9)
        single = self.phq9_series(20)
        self.assertEqual(single.get_response(), NOT_APPLICABLE)
        self.assertEqual(single.get_remission(), NOT_APPLICABLE)

    def test_remission_is_below_5(self):
        self.assertEqual(self.phq9_series(15, 4).get_remission(), MET)
        self.assertEqual(self.phq9_series(15, 5).get_remission(), NOT_MET)
        self.assertEqual(self.phq9_series(10, 0).get_remission(), MET)
        # Remission without response and response without remission.
        series = self.phq9_series(27, 13)
        self.assertEqual((series.get_response(), series.get_remission()), (MET, NOT_MET))

    def test_gad7_uses_the_same_rules(self):
        series = self.series("gad7", UNKNOWN, ("2026-01-01", answers_for("gad7", 12)),
                             ("2026-03-01", answers_for("gad7", 4)))
        self.assertEqual((series.get_response(), series.get_remission()), (MET, MET))
        series = self.series("gad7", UNKNOWN, ("2026-01-01", answers_for("gad7", 9)),
                             ("2026-03-01", answers_for("gad7", 0)))
        self.assertEqual((series.get_response(), series.get_remission()),
                         (NOT_APPLICABLE, NOT_APPLICABLE))

    def test_instruments_without_outcome_rules(self):
        series = self.series("audit", UNKNOWN, ("2026-01-01", answers_for("audit", 30)),
                             ("2026-06-01", answers_for("audit", 2)))
        self.assertEqual(series.get_change_from_baseline(), -28)
        self.assertEqual(series.get_response(), NOT_APPLICABLE)
        self.assertEqual(series.get_remission(), NOT_APPLICABLE)

    def test_series_sex_applies_to_its_scores(self):
        for sex, flagged in ((MALE, False), (FEMALE, True), (UNKNOWN, True)):
            with self.subTest(sex=iop.sex_to_string(sex)):
                series = self.series("audit-c", sex, ("2026-01-01", [1, 1, 1]))
                self.assertEqual(series.get_score(0).has_flag("alcohol-screen-positive"), flagged)

    def test_to_json(self):
        series = self.series("phq9", FEMALE, ("2026-03-01", [1, 1, 1, 1, 0, 0, 0, 0, 0]),
                             ("2026-01-05", [2, 2, 2, 2, 2, 2, 2, 2, 1]))
        doc = json.loads(series.to_json())
        self.assertEqual(doc["format"], "libiop-measure-series")
        self.assertEqual(doc["format_version"], 1)
        self.assertEqual(doc["instrument"], "phq9")
        self.assertEqual(doc["sex"], "female")
        self.assertEqual(doc["administrations"], [
            {"date": "2026-01-05", "answers": [2, 2, 2, 2, 2, 2, 2, 2, 1]},
            {"date": "2026-03-01", "answers": [1, 1, 1, 1, 0, 0, 0, 0, 0]},
        ])
        summary = doc["summary"]
        self.assertEqual(summary["administrations"], 2)
        self.assertEqual(summary["baseline"]["date"], "2026-01-05")
        self.assertEqual(summary["baseline"]["total"], 17)
        self.assertEqual(summary["baseline"]["band"]["id"], "moderately-severe")
        self.assertEqual([f["id"] for f in summary["baseline"]["flags"]],
                         ["self-harm-thoughts", "depression-screen-positive"])
        self.assertEqual(summary["latest"]["date"], "2026-03-01")
        self.assertEqual(summary["latest"]["total"], 4)
        self.assertEqual(summary["latest"]["band"], {"id": "minimal", "label": "None to minimal"})
        self.assertEqual(summary["change_from_baseline"], -13)
        self.assertEqual(summary["response"], "met")
        self.assertEqual(summary["remission"], "met")

    def test_to_json_of_short_series(self):
        empty = json.loads(iop.MeasureSeries(self.set, "phq9").to_json())
        self.assertEqual(empty["administrations"], [])
        self.assertEqual(empty["summary"]["administrations"], 0)
        self.assertNotIn("baseline", empty["summary"])
        self.assertIsNone(empty["summary"]["change_from_baseline"])
        self.assertEqual(empty["summary"]["response"], "not-applicable")
        one = json.loads(self.phq9_series(12).to_json())
        self.assertEqual(one["summary"]["baseline"], one["summary"]["latest"])
        self.assertIsNone(one["summary"]["change_from_baseline"])
        bam = json.loads(self.series("bam", UNKNOWN, ("2026-01-01", [0] * 17),
                                     ("2026-02-01", [1] * 17)).to_json())
        self.assertIsNone(bam["summary"]["change_from_baseline"])
        self.assertIsNone(bam["summary"]["latest"]["total"])

    def test_json_round_trip_is_byte_identical(self):
        cases = [
            self.series("phq9", FEMALE, ("2026-03-01", [0] * 9), ("2026-01-05", [3] * 9),
                        ("2026-02-01", [1, 2, 1, 2, 1, 2, 1, 2, 0]), ("2026-02-01", [0] * 8 + [1])),
            self.series("audit-c", MALE, ("2025-12-31", [4, 4, 4])),
            self.series("bam", UNKNOWN, ("2024-02-29", list(range(5)) * 3 + [0, 1])),
            iop.MeasureSeries(self.set, "dast10", UNKNOWN),
        ]
        for series in cases:
            with self.subTest(instrument=series.get_instrument().get_id()):
                text = series.to_json()
                back = iop.MeasureSeries.from_json(self.set, text)
                self.assertEqual(back.to_json(), text)
                self.assertEqual(back.get_sex(), series.get_sex())
                self.assertEqual(back.get_n_administrations(), series.get_n_administrations())
                self.assertEqual(iop.MeasureSeries.from_json(self.set, back.to_json()).to_json(),
                                 text)

    def test_from_json_sorts_rescores_and_ignores_the_summary(self):
        doc = {"format": "libiop-measure-series", "format_version": 1, "instrument": "PHQ-9",
               "sex": "male",
               "administrations": [{"date": "2026-04-01", "answers": answers_for("phq9", 4)},
                                   {"date": "2026-01-01", "answers": answers_for("phq9", 16)}],
               "summary": {"response": "not-met", "change_from_baseline": 99, "bogus": True}}
        series = iop.MeasureSeries.from_json(self.set, json.dumps(doc))
        self.assertEqual(series.get_instrument().get_id(), "phq9")
        self.assertEqual(series.get_sex(), MALE)
        self.assertEqual([series.get_date(i) for i in range(2)], ["2026-01-01", "2026-04-01"])
        self.assertEqual(series.get_change_from_baseline(), -12)
        self.assertEqual(series.get_response(), MET)
        self.assertEqual(series.get_remission(), MET)
        out = json.loads(series.to_json())
        self.assertEqual(out["instrument"], "phq9")
        self.assertEqual(out["summary"]["change_from_baseline"], -12)
        # Without a summary it reads the same.
        del doc["summary"]
        self.assertEqual(iop.MeasureSeries.from_json(self.set, json.dumps(doc)).to_json(),
                         series.to_json())

    def series_doc(self):
        return json.loads(self.phq9_series(14, 8).to_json())

    def assertSeriesRefused(self, doc, error_class, path):
        text = doc if isinstance(doc, str) else json.dumps(doc)
        with self.assertRaises(error_class) as cm:
            iop.MeasureSeries.from_json(self.set, text)
        e = cm.exception
        self.assertIs(type(e), error_class)
        self.assertEqual(e.path, path)
        if path is not None:
            self.assertTrue(e.message.startswith(path + ": "), e.message)
        return e

    def test_invalid_date_in_a_document(self):
        for date in ("2026-02-30", "2025-02-29", "2026-1-12"):
            with self.subTest(date=date):
                doc = self.series_doc()
                doc["administrations"][1]["date"] = date
                e = self.assertSeriesRefused(doc, iop.InvalidDataError, "$.administrations[1].date")
                self.assertNotIn(date, e.message)
                self.assertNotIn(date[5:], e.message)
        doc = self.series_doc()
        doc["administrations"][0]["date"] = 20260105
        self.assertSeriesRefused(doc, iop.ParseError, "$.administrations[0].date")

    def test_invalid_answers_in_a_document(self):
        doc = self.series_doc()
        doc["administrations"][1]["answers"] = [0] * 8
        e = self.assertSeriesRefused(doc, iop.InvalidDataError, "$.administrations[1].answers")
        self.assertIn("9 answers", e.message)
        doc = self.series_doc()
        doc["administrations"][1]["answers"][4] = 7
        e = self.assertSeriesRefused(doc, iop.InvalidDataError, "$.administrations[1].answers")
        self.assertIn("item 5", e.message)
        self.assertNotQuoted(e.message, 7)
        for bad in (1.5, "1", True, None, 2 ** 40):
            with self.subTest(answer=bad):
                doc = self.series_doc()
                doc["administrations"][0]["answers"][8] = bad
                path = "$.administrations[0].answers[8]"
                e = self.assertSeriesRefused(doc, iop.ParseError, path)
                self.assertNotIn(json.dumps(bad), e.message[len(path):])

    def test_invalid_document_members(self):
        doc = self.series_doc()
        doc["instrument"] = "phq-99"
        self.assertSeriesRefused(doc, iop.NotFoundError, "$.instrument")
        doc = self.series_doc()
        doc["sex"] = "other"
        e = self.assertSeriesRefused(doc, iop.InvalidDataError, "$.sex")
        self.assertNotIn("other", e.message)
        doc = self.series_doc()
        doc["format"] = "libiop-measures"
        self.assertSeriesRefused(doc, iop.InvalidDataError, "$.format")
        doc = self.series_doc()
        doc["format_version"] = 2
        self.assertSeriesRefused(doc, iop.InvalidDataError, "$.format_version")
        doc = self.series_doc()
        doc["administrations"][1]["dat"] = doc["administrations"][1].pop("date")
        self.assertSeriesRefused(doc, iop.ParseError, "$.administrations[1].dat")
        doc = self.series_doc()
        del doc["administrations"][1]["answers"]
        self.assertSeriesRefused(doc, iop.ParseError, "$.administrations[1].answers")
        self.assertSeriesRefused("[]", iop.ParseError, "$")
        e = self.assertSeriesRefused(self.phq9_series(3).to_json()[:-1], iop.ParseError, None)
        self.assertIn("malformed JSON", e.message)


class UserPackTest(unittest.TestCase):
    def test_default_pack_json_loads_back(self):
        text = iop.MeasureSet.default_pack_json()
        pack = json.loads(text)
        self.assertEqual(pack["format"], "libiop-measures")
        self.assertEqual([i["id"] for i in pack["instruments"]], INSTRUMENT_IDS)
        s = iop.MeasureSet.from_json(text)
        self.assertEqual(s.get_id(), "libiop-default-measures")
        self.assertEqual([i.get_id() for i in s.instruments()], INSTRUMENT_IDS)

    def test_user_pack_from_a_file_scores_a_new_instrument(self):
        name = write_temp(self, json.dumps(pack_with_k3()))
        for path in (name, pathlib.Path(name)):
            with self.subTest(path=type(path).__name__):
                s = iop.MeasureSet.from_file(path)
                self.assertEqual(s.get_id(), "clinic-measures")
                self.assertEqual(s.get_n_instruments(), 7)
                k3 = s.lookup_instrument("k-3")
                self.assertIsNotNone(k3)
                self.assertEqual(k3.get_id(), "k3")
                self.assertEqual(k3.get_name(), "Three-item check")
                self.assertIsNone(k3.get_loinc())
                self.assertEqual(k3.get_lookback_days(), 7)
                self.assertTrue(k3.has_outcome_rules())
                low = k3.score([0, 0, 2])  # item 3 reversed: 2 -> 0 points
                self.assertEqual((low.get_total(), low.get_band(), low.get_n_flags()),
                                 (0, "low", 0))
                high = k3.score([1, 0, 0])  # 1 + 0 + 2
                self.assertEqual((high.get_total(), high.get_band_label()), (3, "High"))
                self.assertEqual(flag_ids(high), ["k3-high"])
                self.assertEqual(high.get_max_severity(), iop.IOP_SEVERITY_INFO)
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    k3.score([0, 3, 0])
                self.assertIn("K-3 item 2", cm.exception.message)
                # The built-in instruments are still there, unchanged.
                self.assertEqual(s.lookup_instrument("phq9").score([3] * 9).get_total(), 27)
                series = iop.MeasureSeries(s, "k3")
                series.add("2026-01-01", [2, 2, 0])
                series.add("2026-02-01", [0, 1, 2])
                self.assertEqual(series.get_change_from_baseline(), -5)
                self.assertEqual((series.get_response(), series.get_remission()), (MET, MET))
        self.assertIsNone(iop.MeasureSet().lookup_instrument("k3"))

    def test_user_pack_response_needs_the_full_percentage(self):
        # tests/data/measures/valid/custom-instrument.json, "dose": one item scored at face value
        # (0, 49, 50, 51, 100); response 50% from a baseline of 100 or more; remission below 50.
        s = iop.MeasureSet.from_file(os.path.join(CORPUS, "valid", "custom-instrument.json"))
        rows = [(100, 51, NOT_MET, NOT_MET), (100, 50, MET, NOT_MET), (100, 49, MET, MET),
                (100, 100, NOT_MET, NOT_MET), (100, 0, MET, MET),
                (51, 0, NOT_APPLICABLE, NOT_APPLICABLE)]
        for baseline, latest, response, remission in rows:
            with self.subTest(baseline=baseline, latest=latest):
                series = iop.MeasureSeries(s, "dose")
                series.add("2026-01-05", [baseline])
                series.add("2026-02-02", [latest])
                self.assertEqual((series.get_response(), series.get_remission()),
                                 (response, remission))
                self.assertEqual(series.get_change_from_baseline(), latest - baseline)

    def test_series_of_a_user_instrument_needs_its_pack(self):
        s = iop.MeasureSet.from_json(json.dumps(pack_with_k3()))
        series = iop.MeasureSeries(s, "k3")
        series.add("2026-01-01", [1, 1, 1])
        text = series.to_json()
        self.assertEqual(iop.MeasureSeries.from_json(s, text).to_json(), text)
        with self.assertRaises(iop.NotFoundError) as cm:
            iop.MeasureSeries.from_json(iop.MeasureSet(), text)
        self.assertEqual(cm.exception.path, "$.instrument")

    def assertPackRefused(self, test_pack, error_class, path):
        text = json.dumps(test_pack)
        with self.assertRaises(error_class) as cm:
            iop.MeasureSet.from_json(text)
        self.assertIs(type(cm.exception), error_class)
        self.assertEqual(cm.exception.path, path)
        self.assertTrue(cm.exception.message.startswith(path + ": "), cm.exception.message)
        with self.assertRaises(error_class) as cm:
            iop.MeasureSet.from_file(write_temp(self, text))
        self.assertEqual(cm.exception.path, path)
        return cm.exception

    def test_bands_with_a_gap(self):
        pack = default_pack()
        pack["instruments"][0]["scales"][0]["bands"][1]["min"] = 6  # PHQ-9 mild 6-9: 5 is lost
        e = self.assertPackRefused(pack, iop.InvalidDataError,
                                   "$.instruments[0].scales[0].bands[1].min")
        self.assertEqual(e.code, iop.IOP_ERROR_INVALID_DATA)
        pack = default_pack()
        pack["instruments"][2]["scales"][0]["bands"][2]["min"] = 15  # AUDIT zones overlap
        self.assertPackRefused(pack, iop.InvalidDataError,
                               "$.instruments[2].scales[0].bands[2].min")
        pack = default_pack()
        pack["instruments"][1]["scales"][0]["bands"][3]["max"] = 20  # GAD-7 stops short of 21
        self.assertPackRefused(pack, iop.InvalidDataError, "$.instruments[1].scales[0].bands")
        pack = pack_with_k3()
        pack["instruments"][6]["scales"][0]["bands"][0]["min"] = 1  # does not start at 0
        self.assertPackRefused(pack, iop.InvalidDataError,
                               "$.instruments[6].scales[0].bands[0].min")

    def test_other_invalid_packs(self):
        pack = pack_with_k3()
        pack["instruments"][6]["flags"][0]["item"] = "4"
        del pack["instruments"][6]["flags"][0]["scale"]
        self.assertPackRefused(pack, iop.InvalidDataError, "$.instruments[6].flags[0].item")
        pack = pack_with_k3()
        pack["instruments"][6]["items"][2]["points"] = [2, 1]
        self.assertPackRefused(pack, iop.InvalidDataError, "$.instruments[6].items[2].points")
        pack = pack_with_k3()
        pack["instruments"][6]["id"] = "phq9"
        self.assertPackRefused(pack, iop.InvalidDataError, "$.instruments[6].id")
        pack = pack_with_k3()
        pack["instruments"][6]["flags"][0]["sevrity"] = "info"
        self.assertPackRefused(pack, iop.ParseError, "$.instruments[6].flags[0].sevrity")

    def test_unreadable_and_malformed_packs(self):
        with self.assertRaises(iop.IoError):
            iop.MeasureSet.from_file(write_temp(self, "{}") + ".missing")
        with self.assertRaises(iop.ParseError) as cm:
            iop.MeasureSet.from_json('{"format": "libiop-measures", ')
        self.assertIn("malformed JSON", cm.exception.message)
        with self.assertRaises(ValueError):
            iop.MeasureSet.from_json(None)


CORPUS = os.path.join(os.environ.get("IOP_TEST_DATA_DIR")
                      or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"),
                      "measures")


def corpus_files(*parts):
    directory = os.path.join(CORPUS, *parts)
    return sorted(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(".json"))


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# tests/data/measures/series/invalid: (error class, JSON path, patient data the message must not
# quote). The same table as invalid_series[] in tests/test-measure.c.
INVALID_SERIES = {
    "malformed-json.json": (iop.ParseError, None, None),
    "wrong-format.json": (iop.InvalidDataError, "$.format", None),
    "format-version-2.json": (iop.InvalidDataError, "$.format_version", None),
    "unknown-member.json": (iop.ParseError, "$.patient", "Jane"),
    "unknown-instrument.json": (iop.NotFoundError, "$.instrument", None),
    "unknown-sex.json": (iop.InvalidDataError, "$.sex", "intersex-x"),
    "missing-sex.json": (iop.ParseError, "$.sex", None),
    "administrations-not-array.json": (iop.ParseError, "$.administrations", None),
    "administration-not-object.json": (iop.ParseError, "$.administrations[1]", None),
    "unknown-administration-member.json": (iop.ParseError, "$.administrations[0].score", "18"),
    "bad-date-feb-31.json": (iop.InvalidDataError, "$.administrations[1].date", "1999"),
    "bad-date-not-leap-year.json": (iop.InvalidDataError, "$.administrations[0].date", "2025"),
    "bad-date-unpadded.json": (iop.InvalidDataError, "$.administrations[0].date", "2026-1-05"),
    "bad-date-with-time.json": (iop.InvalidDataError, "$.administrations[0].date", "T00:00"),
    "bad-date-month-13.json": (iop.InvalidDataError, "$.administrations[0].date", "2026-13"),
    "date-empty.json": (iop.InvalidDataError, "$.administrations[0].date", None),
    "date-not-string.json": (iop.ParseError, "$.administrations[0].date", "20260105"),
    "missing-date.json": (iop.ParseError, "$.administrations[0].date", None),
    "answer-outside-set.json": (iop.InvalidDataError, "$.administrations[0].answers", "77"),
    "answer-negative.json": (iop.InvalidDataError, "$.administrations[0].answers", "-7"),
    "answer-not-integer.json": (iop.ParseError, "$.administrations[0].answers[2]", "1.5"),
    "answer-string.json": (iop.ParseError, "$.administrations[0].answers[2]", '"2"'),
    "answer-beyond-int32.json": (iop.ParseError, "$.administrations[0].answers[2]", "4294967296"),
    "too-few-answers.json": (iop.InvalidDataError, "$.administrations[1].answers", None),
    "missing-answers.json": (iop.ParseError, "$.administrations[0].answers", None),
}

# A selection of tests/data/measures/invalid with its exact error (invalid_packs[] in
# tests/test-measure.c has every file; the rest are checked for consistency only).
INVALID_PACKS = {
    "malformed-json.json": (iop.ParseError, None),
    "top-level-array.json": (iop.ParseError, "$"),
    "bands-gap.json": (iop.InvalidDataError, "$.instruments[0].scales[0].bands[1].min"),
    "bands-overlap.json": (iop.InvalidDataError, "$.instruments[0].scales[0].bands[1].min"),
    "bands-first-not-at-minimum.json":
        (iop.InvalidDataError, "$.instruments[0].scales[0].bands[0].min"),
    "bands-last-short-of-maximum.json":
        (iop.InvalidDataError, "$.instruments[0].scales[0].bands"),
    "band-min-above-max.json": (iop.InvalidDataError, "$.instruments[0].scales[0].bands[1]"),
    "scale-unknown-item.json": (iop.InvalidDataError, "$.instruments[0].scales[0].items[2]"),
    "flag-unknown-item.json": (iop.InvalidDataError, "$.instruments[0].flags[1].item"),
    "flag-unknown-sex.json": (iop.InvalidDataError, "$.instruments[0].flags[0].sex"),
    "points-length-mismatch.json": (iop.InvalidDataError, "$.instruments[1].items[0].points"),
    "duplicate-instrument-id-case.json": (iop.InvalidDataError, "$.instruments[1].id"),
    "unknown-instrument-member.json": (iop.ParseError, "$.instruments[0].lookback"),
    "unknown-instrument-member-bracket.json":
        (iop.ParseError, '$.instruments[0]["sub-scales"]'),
    "source-bad-confidence.json": (iop.InvalidDataError, '$.sources["test-2"].confidence'),
    "outcomes-without-primary.json": (iop.InvalidDataError, "$.instruments[1].outcomes"),
    "response-percent-101.json":
        (iop.InvalidDataError, "$.instruments[0].outcomes.response_reduction_percent"),
}


class CorpusTest(unittest.TestCase):
    """The shared test corpus in tests/data/measures, as tests/test-measure.c reads it."""

    def test_every_valid_pack_loads(self):
        files = corpus_files("valid")
        self.assertIn("minimal.json", [os.path.basename(f) for f in files])
        for path in files:
            with self.subTest(file=os.path.basename(path)):
                s = iop.MeasureSet.from_file(path)
                pack = json.loads(read_text(path))
                self.assertEqual(s.get_id(), pack["id"])
                self.assertEqual([i.get_id() for i in s.instruments()],
                                 [i["id"] for i in pack["instruments"]])
                self.assertEqual(iop.MeasureSet.from_json(read_text(path)).get_n_instruments(),
                                 len(pack["instruments"]))

    def test_minimal_pack_scores(self):
        s = iop.MeasureSet.from_file(os.path.join(CORPUS, "valid", "minimal.json"))
        t3 = s.lookup_instrument("T-3")
        score = t3.score([2, 2, 1])
        self.assertEqual((score.get_total(), score.get_band()), (5, "high"))
        self.assertEqual(score.get_scale("sub"), 4)
        self.assertTrue(score.has_flag("high-total"))
        self.assertEqual(t3.score([1, 1, 1]).get_band(), "mid")

    def test_every_invalid_pack_is_refused_consistently(self):
        files = corpus_files("invalid")
        names = [os.path.basename(f) for f in files]
        for name in INVALID_PACKS:
            self.assertIn(name, names, "the table names a missing file")
        for path in files:
            name = os.path.basename(path)
            with self.subTest(file=name):
                with self.assertRaises(iop.Error) as cm:
                    iop.MeasureSet.from_file(path)
                e = cm.exception
                self.assertIn(type(e), (iop.ParseError, iop.InvalidDataError))
                self.assertIn(e.code, (iop.IOP_ERROR_PARSE, iop.IOP_ERROR_INVALID_DATA))
                if e.path is not None:
                    self.assertTrue(e.path.startswith("$"), e.path)
                    self.assertTrue(e.message.startswith(e.path + ": "), e.message)
                with self.assertRaises(iop.Error) as cm2:
                    iop.MeasureSet.from_json(read_text(path))
                self.assertEqual((type(cm2.exception), cm2.exception.path), (type(e), e.path))
                if name in INVALID_PACKS:
                    self.assertEqual((type(e), e.path), INVALID_PACKS[name])

    def test_valid_series_documents_load(self):
        s = iop.MeasureSet()
        series = iop.MeasureSeries.from_json(
            s, read_text(os.path.join(CORPUS, "series", "valid", "phq9-improving.json")))
        self.assertEqual(series.get_instrument().get_id(), "phq9")
        self.assertEqual(series.get_sex(), FEMALE)
        self.assertEqual([series.get_date(i) for i in range(3)],
                         ["2026-01-05", "2026-02-02", "2026-03-02"])
        self.assertEqual([series.get_score(i).get_total() for i in range(3)], [18, 12, 6])
        self.assertEqual(series.get_change_from_baseline(), -12)
        self.assertEqual((series.get_response(), series.get_remission()), (MET, NOT_MET))
        doc = json.loads(series.to_json())
        self.assertEqual(doc["summary"]["administrations"], 3)  # the stale summary is ignored
        self.assertEqual(doc["summary"]["change_from_baseline"], -12)
        self.assertNotIn("$comment", doc)

        bam = iop.MeasureSeries.from_json(
            s, read_text(os.path.join(CORPUS, "series", "valid", "bam-monthly.json")))
        first, second = bam.get_score(0), bam.get_score(1)
        self.assertEqual([first.get_scale(k) for k in ("use", "risk", "protective")], [1, 12, 15])
        self.assertEqual(flag_ids(first), ["any-use", "risk-concern"])
        self.assertEqual([second.get_scale(k) for k in ("use", "risk", "protective")], [0, 7, 21])
        self.assertEqual(second.get_n_flags(), 0)
        self.assertEqual(bam.get_change_from_baseline(), 0)
        for path in corpus_files("series", "valid"):
            with self.subTest(file=os.path.basename(path)):
                text = iop.MeasureSeries.from_json(s, read_text(path)).to_json()
                self.assertEqual(iop.MeasureSeries.from_json(s, text).to_json(), text)

    def test_invalid_series_documents(self):
        s = iop.MeasureSet()
        files = corpus_files("series", "invalid")
        names = [os.path.basename(f) for f in files]
        for name in INVALID_SERIES:
            self.assertIn(name, names, "the table names a missing file")
        for path in files:
            name = os.path.basename(path)
            with self.subTest(file=name):
                with self.assertRaises(iop.Error) as cm:
                    iop.MeasureSeries.from_json(s, read_text(path))
                e = cm.exception
                if e.path is not None:
                    self.assertTrue(e.message.startswith(e.path + ": "), e.message)
                if name in INVALID_SERIES:
                    error_class, error_path, secret = INVALID_SERIES[name]
                    self.assertIs(type(e), error_class)
                    self.assertEqual(e.path, error_path)
                    if secret is not None:
                        self.assertNotIn(secret, e.message)


if __name__ == "__main__":
    unittest.main()
