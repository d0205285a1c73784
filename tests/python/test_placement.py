"""Placement through the Python binding: the built-in open pack's rules (dimension tables never
averaged, least-intensive level, binding ties, Dimensions 4-6 capped below Level 4, Dimension 1
withdrawal management, 4th edition medically managed variants, COC/COE designations,
availability step-up), LOCUS/CALOCUS composite band edges, explained recommendations (binding
dimensions, reason codes, rule ids and sources), user packs loaded from a file, strict pack
validation with JSON paths, assessment documents (byte-identical round trip, exact paths, no
PHI in messages), place_into reuse and ownership across garbage collection.

Mirrors tests/test-placement.c and tests/lua/test_placement.lua. SPDX-License-Identifier: MIT
"""

import copy
import gc
import json
import os
import pathlib
import tempfile
import unittest

import iop

UNDER_VALGRIND = bool(os.environ.get("IOP_UNDER_VALGRIND"))

ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT
ASAM3, ASAM4, LOCUS = iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_ASAM4, iop.IOP_EDITION_LOCUS

INSTRUMENTS = ["asam3", "asam4", "locus", "calocus"]
ASAM_DIMS = ["d1", "d2", "d3", "d4", "d5", "d6"]
LOCUS_DIMS = ["I", "II", "III", "IV-A", "IV-B", "V", "VI"]
CALOCUS_DIMS = ["I", "II", "III", "IV-A", "IV-B", "V", "VI-A", "VI-B"]

# (composite, level): both sides of every band edge, and the ends of the range.
LOCUS_EDGES = [(7, "0"), (9, "0"), (10, "1"), (13, "1"), (14, "2"), (16, "2"), (17, "3"),
               (19, "3"), (20, "4"), (22, "4"), (23, "5"), (27, "5"), (28, "6"), (35, "6")]
CALOCUS_EDGES = [(8, "0"), (9, "0"), (10, "1"), (13, "1"), (14, "2"), (16, "2"), (17, "3"),
                 (19, "3"), (20, "4"), (22, "4"), (23, "5"), (27, "5"), (28, "6"), (40, "6")]


def ratings_for(n, composite):
    """n ratings, each 1..5, that sum to composite: the highest first, scale by scale."""
    ratings, left = [], composite - n
    for _ in range(n):
        extra = min(4, left)
        ratings.append(1 + extra)
        left -= extra
    assert left == 0 and min(ratings) >= 1, "%d scales cannot sum to %d" % (n, composite)
    return ratings


def default_pack():
    return json.loads(iop.Placer.default_pack_json())


def instrument_of(pack, instrument_id):
    return next(i for i in pack["instruments"] if i["id"] == instrument_id)


def rule_index(pack, instrument_id, rule_id):
    inst = instrument_of(pack, instrument_id)
    return next(k for k, r in enumerate(inst["rules"]) if r["id"] == rule_id)


def write_temp(test, pack_or_text, prefix="iop-placement-"):
    """Writes a document to a temporary file removed at the end of the test; returns its name."""
    text = pack_or_text if isinstance(pack_or_text, str) else json.dumps(pack_or_text)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    test.addCleanup(os.unlink, name)
    return name


def assess(placer, instrument, ratings, co_occurring=False, available=(), age=None):
    a = iop.Assessment(placer, instrument)
    a.set_ratings(ratings)
    a.set_co_occurring(co_occurring)
    if age is not None:
        a.set_age_group(age)
    for code in available:
        a.add_available_level(code)
    return a


def codes_of(rec):
    return [r["code"] for r in rec.reasons()]


class PlacementCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.placer = iop.Placer()

    def place(self, instrument, ratings, **kwargs):
        return self.placer.place(assess(self.placer, instrument, ratings, **kwargs))

    def level(self, instrument, ratings, **kwargs):
        return self.place(instrument, ratings, **kwargs).get_level().get_code()

    def reason(self, rec, code, dimension=None):
        """The one reason with this code (and dimension); fails when absent or repeated."""
        found = [r for r in rec.reasons() if r["code"] == code
                 and (dimension is None or r["dimension"] == dimension)]
        self.assertEqual(len(found), 1, "%s/%s in %r" % (code, dimension, codes_of(rec)))
        return found[0]


class DefaultPackTest(PlacementCase):
    def test_identity_and_instruments(self):
        p = self.placer
        self.assertEqual(p.get_id(), "libiop-default-placement")
        self.assertEqual(p.get_version(), default_pack()["version"])
        self.assertEqual(p.get_n_instruments(), 4)
        self.assertEqual([p.get_instrument_id(i) for i in range(4)], INSTRUMENTS)
        self.assertIsNone(p.get_instrument_id(4))
        self.assertEqual(p.get_continuum().get_id(), "libiop-default")

    def test_default_pack_json_is_the_open_default(self):
        text = iop.Placer.default_pack_json()
        self.assertIsInstance(text, str)
        pack = json.loads(text)
        self.assertEqual(pack["format"], "libiop-placement")
        self.assertIn("NOT the ASAM Criteria", pack["$comment"])
        self.assertEqual(iop.Placer.from_json(text).get_id(), "libiop-default-placement")

    def test_dimensions_of_each_instrument(self):
        for instrument, ids in (("asam3", ASAM_DIMS), ("asam4", ASAM_DIMS), ("locus", LOCUS_DIMS),
                                ("calocus", CALOCUS_DIMS)):
            with self.subTest(instrument=instrument):
                a = iop.Assessment(self.placer, instrument)
                self.assertEqual(a.get_instrument(), instrument)
                self.assertEqual(a.get_n_dimensions(), len(ids))
                self.assertEqual([a.get_dimension_id(i) for i in range(len(ids))], ids)
                self.assertIsNone(a.get_dimension_id(len(ids)))
                self.assertIsNone(a.get_dimension_name(len(ids)))
        a3, a4 = iop.Assessment(self.placer, "asam3"), iop.Assessment(self.placer, "asam4")
        self.assertEqual(a3.get_dimension_name(3), "Readiness to Change")
        self.assertEqual(a4.get_dimension_name(3), "Substance Use-Related Risks")
        self.assertEqual(iop.Assessment(self.placer, "locus").get_dimension_name(0), "Risk of Harm")

    def test_new_assessment_defaults(self):
        a = iop.Assessment(self.placer, "asam3")
        self.assertFalse(a.is_complete())
        self.assertEqual([a.get_rating(d) for d in ASAM_DIMS], [-1] * 6)
        self.assertEqual(a.get_rating("no-such-dimension"), -1)
        self.assertEqual(a.get_age_group(), ADULT)
        self.assertFalse(a.get_co_occurring())
        self.assertEqual(a.get_n_available_levels(), 0)
        self.assertIsNone(a.get_available_level(0))
        self.assertIsNone(a.get_assessor_credential())
        self.assertIsNone(a.get_signed_date())

    def test_setters_and_getters(self):
        a = iop.Assessment(self.placer, "asam3")
        a.set_rating("d3", 2)
        self.assertEqual(a.get_rating("d3"), 2)
        self.assertFalse(a.is_complete())
        a.set_ratings([1, 0, 2, 2, 1, 1])
        self.assertEqual([a.get_rating(d) for d in ASAM_DIMS], [1, 0, 2, 2, 1, 1])
        self.assertTrue(a.is_complete())
        a.set_ratings((4, 4, 4, 4, 4, 4))  # any sequence
        self.assertEqual(a.get_rating("d6"), 4)
        a.set_age_group(ADOLESCENT)
        self.assertEqual(a.get_age_group(), ADOLESCENT)
        a.set_co_occurring(True)
        self.assertTrue(a.get_co_occurring())
        a.add_available_level("II.1")  # aliases are stored as the canonical code
        a.add_available_level("3.5")
        self.assertEqual(a.get_n_available_levels(), 2)
        self.assertEqual([a.get_available_level(i) for i in range(2)], ["2.1", "3.5"])
        a.clear_available_levels()
        self.assertEqual(a.get_n_available_levels(), 0)
        a.set_assessor("LCADC", "2026-01-15")
        self.assertEqual((a.get_assessor_credential(), a.get_signed_date()), ("LCADC", "2026-01-15"))
        a.set_assessor(None, None)
        self.assertEqual((a.get_assessor_credential(), a.get_signed_date()), (None, None))

    def test_copy_is_independent(self):
        a = assess(self.placer, "asam3", [1, 0, 2, 0, 0, 0], co_occurring=True, available=["3.5"])
        b = a.copy()
        self.assertEqual(b.to_json(), a.to_json())
        b.set_rating("d3", 4)
        self.assertEqual(a.get_rating("d3"), 2)
        self.assertEqual(self.placer.place(a).get_level().get_code(), "3.5")
        self.assertEqual(self.placer.place(b).get_level().get_code(), "4")


class ExplanationTest(PlacementCase):
    """The recommendation explains itself: binding dimensions, reasons with rule ids and sources."""

    def test_acceptance_example(self):
        rec = self.place("asam3", [1, 0, 2, 2, 1, 1])
        level = rec.get_level()
        self.assertEqual(level.get_code(), "2.1")
        self.assertEqual(level.get_edition(), ASAM3)
        self.assertEqual(level.get_name(), "Intensive Outpatient Services")
        self.assertIsNone(rec.get_withdrawal_level())
        self.assertIsNone(rec.get_designation())
        self.assertFalse(rec.has_composite())
        self.assertEqual(rec.get_composite(), -1)
        self.assertEqual(rec.binding_dimensions(), ["d3", "d4"])
        self.assertEqual(rec.get_n_binding_dimensions(), 2)
        self.assertIsNone(rec.get_binding_dimension(2))
        self.assertEqual(rec.reasons(), [
            {"code": "dimension-minimum",
             "text": "d3 (Emotional, Behavioral, or Cognitive Conditions and Complications) rated 2: "
                     "at least Level 2.1",
             "rule": "d3-minimum", "source": "ppc2r-grid", "dimension": "d3"},
            {"code": "dimension-minimum", "text": "d4 (Readiness to Change) rated 2: at least Level 2.1",
             "rule": "d4-minimum", "source": "libiop-illustrative-tables", "dimension": "d4"},
            {"code": "least-intensive",
             "text": "Level 2.1 is the least intensive level that addresses every dimension; the "
                     "highest-risk dimension sets the minimum (ratings are not averaged)",
             "rule": None, "source": "asam-not-averaged", "dimension": None},
        ])
        self.assertEqual(rec.alternatives(), [("1", "insufficient")])
        self.assertEqual((rec.get_pack_id(), rec.get_pack_version()),
                         ("libiop-default-placement", default_pack()["version"]))

    def test_reason_getters_out_of_range(self):
        rec = self.place("asam3", [1, 0, 2, 2, 1, 1])
        n = rec.get_n_reasons()
        self.assertEqual(n, 3)
        for getter in (rec.get_reason_code, rec.get_reason_text, rec.get_reason_rule,
                       rec.get_reason_source, rec.get_reason_dimension):
            self.assertIsNone(getter(n))
        self.assertIsNone(rec.get_alternative_code(rec.get_n_alternatives()))
        self.assertIsNone(rec.get_alternative_reason(rec.get_n_alternatives()))

    def test_every_source_is_in_the_pack(self):
        sources = default_pack()["sources"]
        cases = [("asam3", [3, 2, 4, 4, 4, 4], {}), ("asam4", [2, 0, 3, 0, 0, 0], {"co_occurring": True}),
                 ("asam3", [1, 0, 2, 0, 0, 0], {"available": ["3.5"]}), ("locus", [3] * 7, {}),
                 ("calocus", [3] * 8, {})]
        for instrument, ratings, kwargs in cases:
            with self.subTest(instrument=instrument, ratings=ratings):
                rec = self.place(instrument, ratings, **kwargs)
                self.assertGreater(rec.get_n_reasons(), 0)
                for r in rec.reasons():
                    self.assertIn(r["source"], sources, r)
                    self.assertTrue(r["text"])

    def test_to_json(self):
        rec = self.place("asam3", [2, 0, 2, 0, 0, 0], co_occurring=True)
        doc = json.loads(rec.to_json())
        self.assertEqual(doc["level"], "2.1")
        self.assertEqual(doc["edition"], "asam3")
        self.assertEqual(doc["name"], "Intensive Outpatient Services")
        self.assertEqual(doc["instrument"], "asam3")
        self.assertEqual(doc["withdrawal_management"], "2-WM")
        self.assertEqual(doc["designation"], "COC")
        self.assertIsNone(doc["composite"])
        self.assertEqual(doc["binding_dimensions"], ["d1", "d3"])
        self.assertEqual(doc["reasons"], rec.reasons())
        self.assertEqual([r["code"] for r in doc["reasons"]],
                         ["dimension-minimum", "dimension-minimum", "least-intensive", "withdrawal",
                          "designation"])
        self.assertEqual(doc["alternatives"], [{"level": "1", "reason": "insufficient"}])
        self.assertEqual(doc["pack"], {"id": "libiop-default-placement",
                                       "version": default_pack()["version"]})

    def test_to_json_locus_has_composite(self):
        rec = self.place("locus", [3] * 7)
        doc = json.loads(rec.to_json())
        self.assertEqual((doc["level"], doc["edition"], doc["composite"]), ("4", "locus", 21))
        self.assertEqual(doc["binding_dimensions"], [])
        self.assertEqual([r["code"] for r in doc["reasons"]], ["composite-band"])
        self.assertEqual(doc["reasons"][0]["text"], "Composite score 21 falls in the band for Level 4")

    def test_empty_recommendation(self):
        rec = iop.Recommendation()
        self.assertIsNone(rec.get_level())
        self.assertIsNone(rec.get_withdrawal_level())
        self.assertIsNone(rec.get_pack_id())
        self.assertIsNone(rec.get_pack_version())
        self.assertEqual((rec.get_n_reasons(), rec.get_n_alternatives(), rec.get_composite()), (0, 0, -1))
        self.assertEqual((rec.reasons(), rec.binding_dimensions(), rec.alternatives()), ([], [], []))
        doc = json.loads(rec.to_json())
        self.assertIsNone(doc["level"])
        self.assertIsNone(doc["pack"])
        self.assertEqual(doc["reasons"], [])


class DimensionRulesTest(PlacementCase):
    def test_dimension_tables(self):
        # The asam3 tables of the default pack, rating by rating, each dimension alone.
        pack = default_pack()
        inst = instrument_of(pack, "asam3")
        tables = {r["dimension"]: r["levels"] for r in inst["rules"] if r["type"] == "dimension-table"}
        for d, dim in enumerate(ASAM_DIMS):
            for rating in range(4):  # rating 4 is covered by the never-averaged / capped tests
                with self.subTest(dimension=dim, rating=rating):
                    ratings = [0] * 6
                    ratings[d] = rating
                    rec = self.place("asam3", ratings)
                    expected = tables[dim][rating]
                    self.assertEqual(rec.get_level().get_code(), expected)
                    if rating > 0:
                        self.assertEqual(rec.binding_dimensions(), [dim])
                        r = self.reason(rec, "dimension-minimum")
                        self.assertEqual((r["rule"], r["dimension"]), (dim + "-minimum", dim))
                        self.assertTrue(r["text"].endswith("rated %d: at least Level %s" % (rating, expected)),
                                        r["text"])

    def test_never_averaged_one_4_and_the_rest_0(self):
        # The average (0.67) would give an outpatient level; the highest-risk dimension wins.
        for d, dim in enumerate(ASAM_DIMS[:3]):
            for instrument in ("asam3", "asam4"):
                with self.subTest(instrument=instrument, dimension=dim):
                    ratings = [0] * 6
                    ratings[d] = 4
                    rec = self.place(instrument, ratings)
                    self.assertEqual(rec.get_level().get_code(), "4")
                    self.assertEqual(rec.binding_dimensions(), [dim])
                    self.assertEqual(self.reason(rec, "least-intensive")["source"], "asam-not-averaged")
                    self.assertEqual(rec.alternatives()[-1], ("3.7", "insufficient"))

    def test_all_zero_binds_every_dimension(self):
        rec = self.place("asam3", [0] * 6)
        self.assertEqual(rec.get_level().get_code(), "0.5")
        self.assertEqual(rec.binding_dimensions(), ASAM_DIMS)
        self.assertEqual(rec.alternatives(), [])  # nothing is less intensive than 0.5
        rec4 = self.place("asam4", [0] * 6)
        self.assertEqual(rec4.get_level().get_code(), "1.0")

    def test_least_intensive_reason(self):
        rec = self.place("asam3", [1, 1, 3, 1, 2, 0])
        self.assertEqual(rec.get_level().get_code(), "3.5")
        r = self.reason(rec, "least-intensive")
        self.assertIsNone(r["rule"])
        self.assertIsNone(r["dimension"])
        self.assertEqual(r["source"], "asam-not-averaged")
        self.assertTrue(r["text"].startswith("Level 3.5 is the least intensive level"), r["text"])
        self.assertEqual(rec.alternatives(), [("3.1", "insufficient")])
        # Only the binding dimension gets a dimension-minimum reason.
        self.assertEqual([r["dimension"] for r in rec.reasons() if r["code"] == "dimension-minimum"], ["d3"])

    def test_binding_ties(self):
        rec = self.place("asam3", [2, 0, 2, 0, 2, 1])
        self.assertEqual(rec.get_level().get_code(), "2.1")
        self.assertEqual(rec.binding_dimensions(), ["d1", "d3", "d5"])
        self.assertEqual([(r["rule"], r["source"]) for r in rec.reasons() if r["code"] == "dimension-minimum"],
                         [("d1-minimum", "ppc2r-grid"), ("d3-minimum", "ppc2r-grid"),
                          ("d5-minimum", "libiop-illustrative-tables")])
        # Equal ratings need not tie: d1 rated 3 asks for 3.7, d3 rated 3 for 3.5.
        rec = self.place("asam3", [3, 0, 3, 0, 0, 0])
        self.assertEqual(rec.get_level().get_code(), "3.7")
        self.assertEqual(rec.binding_dimensions(), ["d1"])

    def test_dimensions_4_to_6_alone_never_reach_level_4(self):
        for instrument in ("asam3", "asam4"):
            for d in (3, 4, 5):
                with self.subTest(instrument=instrument, dimension=ASAM_DIMS[d]):
                    ratings = [0] * 6
                    ratings[d] = 4
                    rec = self.place(instrument, ratings)
                    self.assertEqual(rec.get_level().get_code(), "3.7")
                    self.assertEqual(rec.binding_dimensions(), [ASAM_DIMS[d]])
                    q = self.reason(rec, "qualifying-dimensions")
                    self.assertEqual(q["rule"], "level-4-needs-d1-d3")
                    self.assertEqual(q["source"], "asam-ppc-adult-grid")
                    self.assertEqual(q["dimension"], ASAM_DIMS[d])
                    self.assertTrue(q["text"].startswith("Dimensions 4-6 alone never qualify for Level 4: %s ("
                                                         % ASAM_DIMS[d]), q["text"])
                    self.assertTrue(q["text"].endswith(" rated 4 asked for Level 4"), q["text"])
                    self.assertIn(("4", "capped"), rec.alternatives())
        rec = self.place("asam3", [1, 1, 1, 4, 4, 4])
        self.assertEqual(rec.get_level().get_code(), "3.7")
        self.assertEqual(rec.binding_dimensions(), ["d4", "d5", "d6"])
        self.assertEqual([r["dimension"] for r in rec.reasons() if r["code"] == "qualifying-dimensions"],
                         ["d4", "d5", "d6"])

    def test_dimensions_1_to_3_still_reach_level_4(self):
        rec = self.place("asam3", [0, 0, 4, 4, 0, 0])
        self.assertEqual(rec.get_level().get_code(), "4")
        self.assertEqual(rec.binding_dimensions(), ["d3"])

    def test_chosen_level_is_never_an_alternative(self):
        # d4 asked for 4 and was capped, but d3 reaches 4 on its own, or the availability step
        # climbs to it: 4 is then not an alternative "considered and not chosen".
        rec = self.place("asam3", [0, 0, 4, 4, 0, 0])
        self.assertEqual(rec.get_level().get_code(), "4")
        self.assertEqual(rec.alternatives(), [("3.7", "insufficient")])
        self.assertEqual([(r["code"], r["dimension"]) for r in rec.reasons()],
                         [("qualifying-dimensions", "d4"), ("dimension-minimum", "d3"), ("least-intensive", None)])
        rec = self.place("asam3", [0, 0, 0, 4, 0, 0], available=["4"])
        self.assertEqual(rec.get_level().get_code(), "4")
        self.assertEqual(rec.alternatives(), [("3.5", "insufficient"), ("3.7", "unavailable")])
        self.assertEqual(codes_of(rec)[-1], "stepped-up-unavailable")
        # The same holds over many assessments, for the level and the withdrawal level.
        for d1 in range(5):
            for d4 in range(5):
                for available in ((), ("2.1", "4"), ("3.7", "4-WM")):
                    rec = self.place("asam3", [d1, 0, 2, d4, 0, 0], available=available)
                    chosen = {rec.get_level().get_code()}
                    if rec.get_withdrawal_level() is not None:
                        chosen.add(rec.get_withdrawal_level().get_code())
                    self.assertFalse(chosen & {code for code, _ in rec.alternatives()},
                                     (d1, d4, available, rec.alternatives()))


class WithdrawalAndVariantTest(PlacementCase):
    def test_asam3_dimension_1_withdrawal_management(self):
        expected = {0: None, 1: None, 2: "2-WM", 3: "3.7-WM", 4: "4-WM"}
        for rating, wm in expected.items():
            with self.subTest(d1=rating):
                rec = self.place("asam3", [rating, 0, 0, 0, 0, 0])
                level = rec.get_withdrawal_level()
                if wm is None:
                    self.assertIsNone(level)
                    self.assertNotIn("withdrawal", codes_of(rec))
                    self.assertIsNone(json.loads(rec.to_json())["withdrawal_management"])
                    continue
                self.assertEqual(level.get_code(), wm)
                self.assertEqual(level.get_edition(), ASAM3)
                self.assertTrue(level.is_withdrawal_management())
                r = self.reason(rec, "withdrawal")
                self.assertEqual((r["rule"], r["source"], r["dimension"]),
                                 ("d1-withdrawal-management", "d1-risk-anchors", "d1"))
                self.assertIn("rated %d" % rating, r["text"])
                self.assertIn("Level " + wm, r["text"])
                self.assertEqual(json.loads(rec.to_json())["withdrawal_management"], wm)

    def test_withdrawal_does_not_replace_the_level(self):
        rec = self.place("asam3", [3, 0, 0, 0, 0, 0])
        self.assertEqual(rec.get_level().get_code(), "3.7")
        self.assertFalse(rec.get_level().is_withdrawal_management())
        self.assertEqual(rec.get_withdrawal_level().get_code(), "3.7-WM")

    def test_asam4_medically_managed_variant(self):
        rec = self.place("asam4", [2, 0, 0, 0, 0, 0])
        self.assertEqual(rec.get_level().get_code(), "2.7")
        self.assertEqual(rec.get_level().get_edition(), ASAM4)
        self.assertIsNone(rec.get_withdrawal_level())  # the 4th edition folds it into 2.7
        self.assertIn(("2.1", "replaced-by-variant"), rec.alternatives())
        r = self.reason(rec, "variant")
        self.assertEqual((r["rule"], r["source"]), ("medically-managed-variant", "asam4-medical-variants"))
        self.assertIn("Level 2.7 instead of 2.1", r["text"])
        # The least-intensive reason still names the level before the variant.
        self.assertTrue(self.reason(rec, "least-intensive")["text"].startswith("Level 2.1 "))

    def test_asam4_variant_table(self):
        cases = [([2, 0, 0, 3, 0, 0], "3.7", "3.1"), ([3, 0, 3, 0, 0, 0], "3.7", None),
                 ([2, 0, 3, 0, 0, 0], "3.7", "3.5"), ([4, 0, 0, 0, 0, 0], "4", None),
                 ([1, 0, 2, 0, 0, 0], "2.1", None), ([0, 0, 2, 0, 0, 0], "2.1", None)]
        for ratings, level, replaced in cases:
            with self.subTest(ratings=ratings):
                rec = self.place("asam4", ratings)
                self.assertEqual(rec.get_level().get_code(), level)
                if replaced is None:
                    self.assertNotIn("variant", codes_of(rec))
                else:
                    self.assertIn((replaced, "replaced-by-variant"), rec.alternatives())
                    self.assertEqual(self.reason(rec, "variant")["rule"], "medically-managed-variant")


class DesignationTest(PlacementCase):
    def test_coc_coe_none(self):
        cases = [("asam3", [1, 0, 1, 0, 0, 0], True, "COC", "co-occurring-capable", "ppc2r-overview"),
                 ("asam3", [1, 0, 3, 0, 0, 0], True, "COE", "co-occurring-enhanced", "ppc2r-overview"),
                 ("asam3", [1, 0, 4, 0, 0, 0], False, None, None, None),
                 ("asam4", [0, 0, 2, 0, 0, 0], True, "COC", "co-occurring-capable", "asam4-coc-editorial"),
                 ("asam4", [0, 0, 3, 0, 0, 0], True, "COE", "co-occurring-enhanced", "ppc2r-overview"),
                 ("asam4", [0, 0, 3, 0, 0, 0], False, None, None, None)]
        for instrument, ratings, co, designation, rule, source in cases:
            with self.subTest(instrument=instrument, ratings=ratings, co_occurring=co):
                rec = self.place(instrument, ratings, co_occurring=co)
                self.assertEqual(rec.get_designation(), designation)
                self.assertEqual(json.loads(rec.to_json())["designation"], designation)
                if designation is None:
                    self.assertNotIn("designation", codes_of(rec))
                else:
                    r = self.reason(rec, "designation")
                    self.assertEqual((r["rule"], r["source"]), (rule, source))

    def test_designation_does_not_change_the_level(self):
        self.assertEqual(self.level("asam3", [1, 0, 3, 0, 0, 0], co_occurring=True),
                         self.level("asam3", [1, 0, 3, 0, 0, 0]))

    def test_locus_has_no_designation(self):
        self.assertIsNone(self.place("locus", [3] * 7, co_occurring=True).get_designation())


class AvailabilityTest(PlacementCase):
    def test_step_up_to_the_next_available_level(self):
        rec = self.place("asam3", [1, 0, 2, 0, 0, 0], available=["3.5"])
        self.assertEqual(rec.get_level().get_code(), "3.5")
        self.assertIn(("2.1", "unavailable"), rec.alternatives())
        r = self.reason(rec, "stepped-up-unavailable")
        self.assertEqual((r["rule"], r["source"]), ("next-available-level", "anthem-cg-beh-04"))
        self.assertEqual(r["text"], "Level 2.1 is not available locally: the next more intensive "
                                    "available level, 3.5, is recommended")

    def test_step_up_skips_to_the_nearest(self):
        self.assertEqual(self.level("asam3", [0, 0, 2, 0, 0, 0], available=["0.5", "3.1", "4"]), "3.1")
        self.assertEqual(self.level("asam3", [0, 0, 2, 0, 0, 0], available=["0.5", "4"]), "4")

    def test_available_level_is_kept(self):
        rec = self.place("asam3", [1, 0, 2, 0, 0, 0], available=["2.1", "3.5"])
        self.assertEqual(rec.get_level().get_code(), "2.1")
        self.assertNotIn("stepped-up-unavailable", codes_of(rec))
        self.assertNotIn("no-available-level", codes_of(rec))

    def test_no_more_intensive_level_available(self):
        rec = self.place("asam3", [1, 0, 2, 0, 0, 0], available=["1"])
        self.assertEqual(rec.get_level().get_code(), "2.1")  # never steps down
        self.assertNotIn("stepped-up-unavailable", codes_of(rec))
        r = self.reason(rec, "no-available-level")
        self.assertEqual((r["rule"], r["source"]), ("next-available-level", "anthem-cg-beh-04"))
        self.assertIn("Level 2.1 is not available locally", r["text"])
        rec = self.place("locus", [5] * 7, available=["5"])
        self.assertEqual(rec.get_level().get_code(), "6")
        self.assertEqual(codes_of(rec), ["composite-band", "no-available-level"])

    def test_locus_step_up(self):
        rec = self.place("locus", [1] * 7, available=["3", "5"])
        self.assertEqual(rec.get_level().get_code(), "3")
        self.assertEqual(rec.get_composite(), 7)
        self.assertEqual(rec.alternatives(), [("0", "unavailable")])

    def test_withdrawal_level_is_checked_too(self):
        # Only 3.7 is declared: the level steps up to it, and 2-WM, with no declared
        # withdrawal-management level above it, is kept; that reason names the availability rule.
        rec = self.place("asam3", [2, 0, 0, 0, 0, 0], available=["3.7"])
        self.assertEqual(rec.get_level().get_code(), "3.7")
        self.assertEqual(rec.get_withdrawal_level().get_code(), "2-WM")
        self.assertEqual(codes_of(rec), ["dimension-minimum", "least-intensive", "withdrawal",
                                         "stepped-up-unavailable", "no-available-level"])
        r = self.reason(rec, "no-available-level")
        self.assertEqual((r["rule"], r["source"]), ("next-available-level", "anthem-cg-beh-04"))
        self.assertIn("Level 2-WM is not available locally", r["text"])
        for r in rec.reasons():
            self.assertIsNotNone(r["source"], r)
        # A declared withdrawal-management level is kept.
        rec = self.place("asam3", [2, 0, 0, 0, 0, 0], available=["2.1", "2-WM"])
        self.assertEqual((rec.get_level().get_code(), rec.get_withdrawal_level().get_code()), ("2.1", "2-WM"))
        self.assertEqual(codes_of(rec), ["dimension-minimum", "least-intensive", "withdrawal"])
        # Declaring a more intensive withdrawal-management level steps it up.
        rec = self.place("asam3", [2, 0, 0, 0, 0, 0], available=["2.1", "3.7-WM"])
        self.assertEqual((rec.get_level().get_code(), rec.get_withdrawal_level().get_code()), ("2.1", "3.7-WM"))
        self.assertIn(("2-WM", "unavailable"), rec.alternatives())
        r = self.reason(rec, "stepped-up-unavailable")
        self.assertEqual((r["rule"], r["source"]), ("next-available-level", "anthem-cg-beh-04"))


class CompositeBandsTest(PlacementCase):
    def check_edges(self, instrument, n, edges):
        for composite, level in edges:
            with self.subTest(instrument=instrument, composite=composite):
                ratings = ratings_for(n, composite)
                self.assertTrue(all(1 <= r <= 5 for r in ratings))
                rec = self.place(instrument, ratings)
                self.assertEqual(rec.get_level().get_code(), level)
                self.assertEqual(rec.get_level().get_edition(), LOCUS)
                self.assertTrue(rec.has_composite())
                self.assertEqual(rec.get_composite(), composite)
                self.assertEqual(rec.binding_dimensions(), [])
                r = self.reason(rec, "composite-band")
                self.assertEqual(r["rule"], "composite-bands")
                self.assertEqual(r["text"], "Composite score %d falls in the band for Level %s"
                                 % (composite, level))
                doc = json.loads(rec.to_json())
                self.assertEqual((doc["composite"], doc["level"], doc["edition"]),
                                 (composite, level, "locus"))

    def test_locus_band_edges(self):
        self.check_edges("locus", 7, LOCUS_EDGES)

    def test_calocus_band_edges(self):
        self.check_edges("calocus", 8, CALOCUS_EDGES)

    def test_every_locus_composite(self):
        bands = [(7, 9, "0"), (10, 13, "1"), (14, 16, "2"), (17, 19, "3"), (20, 22, "4"),
                 (23, 27, "5"), (28, 35, "6")]
        for lo, hi, level in bands:
            for composite in range(lo, hi + 1):
                with self.subTest(composite=composite):
                    self.assertEqual(self.level("locus", ratings_for(7, composite)), level)

    def test_composite_is_the_sum_whatever_the_spread(self):
        # Same composite 17 from very different profiles: the same level.
        for ratings in ([5, 5, 1, 1, 1, 1, 3], [3, 2, 2, 2, 3, 3, 2], [1, 1, 1, 1, 5, 5, 3]):
            with self.subTest(ratings=ratings):
                self.assertEqual(sum(ratings), 17)
                self.assertEqual(self.level("locus", ratings), "3")

    def test_alternative_below_the_band(self):
        self.assertEqual(self.place("locus", ratings_for(7, 14)).alternatives(), [("1", "insufficient")])
        self.assertEqual(self.place("locus", ratings_for(7, 7)).alternatives(), [])

    def test_band_sources_sit_in_the_pack(self):
        sources = default_pack()["sources"]
        for instrument, n in (("locus", 7), ("calocus", 8)):
            for composite in (9, 10, 28):
                rec = self.place(instrument, ratings_for(n, composite))
                self.assertIn(self.reason(rec, "composite-band")["source"], sources)

    def test_composite_reason_cites_the_band_source(self):
        # Each band names its own source (Level 0: "locus-level-0", graded M).
        cases = [("locus", 7, 9, "locus-level-0"), ("locus", 7, 10, "locus-composite-bands"),
                 ("locus", 7, 28, "locus-composite-bands"), ("calocus", 8, 9, "locus-level-0"),
                 ("calocus", 8, 10, "locus-composite-bands"), ("calocus", 8, 28, "calocus-composite")]
        for instrument, n, composite, source in cases:
            with self.subTest(instrument=instrument, composite=composite):
                rec = self.place(instrument, ratings_for(n, composite))
                self.assertEqual(self.reason(rec, "composite-band")["source"], source)


class UserPackTest(PlacementCase):
    """The issue's acceptance: a user pack loaded from a file changes the outcome."""

    def clinic_pack(self):
        pack = default_pack()
        pack["id"] = "clinic-placement"
        pack["version"] = "1"
        k = rule_index(pack, "asam3", "d3-minimum")
        instrument_of(pack, "asam3")["rules"][k]["levels"][2] = "2.5"
        return pack

    def test_user_pack_from_file_changes_the_outcome(self):
        path = write_temp(self, self.clinic_pack())
        for loaded in (iop.Placer.from_file(path), iop.Placer.from_file(pathlib.Path(path))):
            with self.subTest(path_type=type(path).__name__):
                self.assertEqual((loaded.get_id(), loaded.get_version()), ("clinic-placement", "1"))
                rec = loaded.place(assess(loaded, "asam3", [1, 0, 2, 0, 0, 0]))
                self.assertEqual(rec.get_level().get_code(), "2.5")
                self.assertEqual(rec.get_level().get_name(), "Partial Hospitalization Services")
                self.assertEqual(rec.binding_dimensions(), ["d3"])
                r = self.reason(rec, "dimension-minimum")
                self.assertEqual((r["rule"], r["source"]), ("d3-minimum", "ppc2r-grid"))
                self.assertTrue(r["text"].endswith("rated 2: at least Level 2.5"), r["text"])
                self.assertEqual((rec.get_pack_id(), rec.get_pack_version()), ("clinic-placement", "1"))
                self.assertEqual(json.loads(rec.to_json())["pack"], {"id": "clinic-placement", "version": "1"})
        # The built-in pack is unchanged.
        self.assertEqual(self.level("asam3", [1, 0, 2, 0, 0, 0]), "2.1")

    def test_user_pack_from_json_with_a_continuum(self):
        continuum = iop.Continuum()
        loaded = iop.Placer.from_json(json.dumps(self.clinic_pack()), continuum)
        self.assertEqual(loaded.get_continuum().get_id(), continuum.get_id())
        self.assertEqual(loaded.place(assess(loaded, "asam3", [0, 0, 2, 0, 0, 0])).get_level().get_code(), "2.5")
        loaded = iop.Placer.from_json(json.dumps(self.clinic_pack()), None)
        self.assertEqual(loaded.get_continuum().get_id(), "libiop-default")

    def test_assessment_for_another_pack_with_the_same_dimensions(self):
        clinic = iop.Placer.from_json(json.dumps(self.clinic_pack()))
        a = assess(self.placer, "asam3", [1, 0, 2, 0, 0, 0])
        self.assertEqual(clinic.place(a).get_level().get_code(), "2.5")
        self.assertEqual(self.placer.place(a).get_level().get_code(), "2.1")

    def test_available_levels_carry_across_continuums(self):
        # Another placer on its own copy of the continuum matches declared levels by code.
        other = iop.Placer.from_json(iop.Placer.default_pack_json(),
                                     iop.Continuum.from_json(iop.Continuum.default_pack_json()))
        cases = [(["3.5"], "3.5", "2-WM", ["stepped-up-unavailable", "no-available-level"]),
                 (["2.1"], "2.1", "2-WM", ["no-available-level"]),
                 (["2.1", "3.7-WM"], "2.1", "3.7-WM", ["stepped-up-unavailable"])]
        for available, level, wm, tail in cases:
            with self.subTest(available=available):
                a = assess(self.placer, "asam3", [2, 0, 2, 0, 0, 0], available=available)
                rec = other.place(a)
                self.assertEqual((rec.get_level().get_code(), rec.get_withdrawal_level().get_code()), (level, wm))
                self.assertEqual(codes_of(rec)[4:], tail)
                self.assertEqual(rec.to_json(), self.placer.place(a).to_json())

    def test_pack_without_the_instrument(self):
        pack = default_pack()
        pack["instruments"] = [instrument_of(pack, "asam3")]
        only_asam3 = iop.Placer.from_json(json.dumps(pack))
        self.assertEqual(only_asam3.get_n_instruments(), 1)
        a = assess(self.placer, "locus", [3] * 7)
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            only_asam3.place(a)
        self.assertIn('"locus"', cm.exception.message)
        with self.assertRaises(iop.NotFoundError):
            iop.Assessment(only_asam3, "locus")


class PackRulesTest(PlacementCase):
    """Rules the built-in pack does not use, added by a user pack: minimum, cap and override
    change the level and then no dimension binds; a variant or a step-up keeps them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pack = default_pack()
        pack["id"] = "clinic-rules"
        rules = instrument_of(pack, "asam3")["rules"]
        rules[-1:-1] = [
            {"id": "adolescent-cap", "type": "cap", "level": "3.5", "when": {"age_group": "adolescent"},
             "source": "libiop-illustrative-tables", "text": "Level {from} is not licensed for adolescents: Level {level}"},
            {"id": "co-occurring-minimum", "type": "minimum", "level": "2.5", "when": {"co_occurring": True},
             "source": "libiop-illustrative-tables", "text": "Co-occurring: at least Level {level}"},
            {"id": "d6-override", "type": "override", "level": "3.1",
             "when": {"rating": "d6", "op": ">=", "value": 4},
             "source": "libiop-illustrative-tables", "text": "Homeless: Level {level}"},
        ]
        cls.clinic = iop.Placer.from_json(json.dumps(pack))

    def clinic_place(self, ratings, **kwargs):
        return self.clinic.place(assess(self.clinic, "asam3", ratings, **kwargs))

    def test_cap_uses_the_age_group(self):
        adult = self.clinic_place([0, 0, 4, 0, 0, 0])
        self.assertEqual(adult.get_level().get_code(), "4")
        self.assertEqual(adult.binding_dimensions(), ["d3"])
        rec = self.clinic_place([0, 0, 4, 0, 0, 0], age=ADOLESCENT)
        self.assertEqual(rec.get_level().get_code(), "3.5")
        r = self.reason(rec, "cap")
        self.assertEqual((r["rule"], r["source"]), ("adolescent-cap", "libiop-illustrative-tables"))
        self.assertEqual(r["text"], "Level 4 is not licensed for adolescents: Level 3.5")
        self.assertIn(("4", "capped"), rec.alternatives())
        self.assertEqual(rec.binding_dimensions(), [])  # the cap set the level, not a rating

    def test_minimum_and_override(self):
        rec = self.clinic_place([1, 0, 2, 0, 0, 0], co_occurring=True)
        self.assertEqual(rec.get_level().get_code(), "2.5")
        self.assertEqual(self.reason(rec, "minimum")["rule"], "co-occurring-minimum")
        self.assertIn(("2.1", "insufficient"), rec.alternatives())
        self.assertEqual(rec.binding_dimensions(), [])
        self.assertEqual(rec.get_designation(), "COC")
        rec = self.clinic_place([1, 0, 2, 0, 0, 4])
        self.assertEqual(rec.get_level().get_code(), "3.1")
        self.assertEqual(self.reason(rec, "override")["rule"], "d6-override")
        self.assertEqual(rec.binding_dimensions(), [])

    def test_rule_that_does_not_move_the_level_leaves_no_reason(self):
        rec = self.clinic_place([1, 0, 3, 0, 0, 0], co_occurring=True)  # 3.5 is above the 2.5 minimum
        self.assertEqual(rec.get_level().get_code(), "3.5")
        self.assertNotIn("minimum", codes_of(rec))
        self.assertEqual(rec.binding_dimensions(), ["d3"])

    def test_variant_and_step_up_keep_the_binding_dimensions(self):
        self.assertEqual(self.place("asam4", [2, 0, 0, 0, 0, 0]).binding_dimensions(), ["d1"])
        self.assertEqual(self.place("asam3", [1, 0, 2, 0, 0, 0], available=["3.5"]).binding_dimensions(), ["d3"])

    def test_ratings_are_checked_against_the_placing_pack(self):
        # A pack whose d3 only goes to 3: a default-pack assessment rating d3 4 is refused.
        pack = default_pack()
        pack["id"] = "narrow"
        inst = instrument_of(pack, "asam3")
        inst["dimensions"][2]["max"] = 3
        inst["rules"][rule_index(pack, "asam3", "d3-minimum")]["levels"].pop()
        narrow = iop.Placer.from_json(json.dumps(pack))
        a = assess(self.placer, "asam3", [0, 0, 4, 0, 0, 0])
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            narrow.place(a)
        self.assertIn("dimension d3", cm.exception.message)
        self.assertNotIn("4", cm.exception.message)
        a.set_rating("d3", 3)
        self.assertEqual(narrow.place(a).get_level().get_code(), "3.5")


class InvalidPackTest(unittest.TestCase):
    """A pack that breaks a rule is refused, and the error names the exact JSON path."""

    def assert_refused(self, mutate, error_class, path):
        pack = default_pack()
        mutate(pack)
        with self.assertRaises(error_class) as cm:
            iop.Placer.from_json(json.dumps(pack))
        self.assertEqual(cm.exception.path, path)
        self.assertTrue(cm.exception.message.startswith(path + ": "), cm.exception.message)
        with self.assertRaises(error_class) as cm:
            iop.Placer.from_file(write_temp(self, pack))
        self.assertEqual(cm.exception.path, path)
        return cm.exception

    def test_ladder_with_an_unknown_level(self):
        def mutate(pack):
            pack["instruments"][0]["ladder"][3] = "2.6"
        e = self.assert_refused(mutate, iop.InvalidDataError, "$.instruments[0].ladder[3]")
        self.assertIn('"2.6"', e.message)

    def test_table_of_the_wrong_length(self):
        k = rule_index(default_pack(), "asam3", "d3-minimum")

        def shorter(pack):
            pack["instruments"][0]["rules"][k]["levels"].pop()

        def longer(pack):
            pack["instruments"][0]["rules"][k]["levels"].append("4")
        self.assert_refused(shorter, iop.InvalidDataError, "$.instruments[0].rules[%d].levels" % k)
        self.assert_refused(longer, iop.InvalidDataError, "$.instruments[0].rules[%d].levels" % k)

    def test_withdrawal_table_of_the_wrong_length(self):
        k = rule_index(default_pack(), "asam3", "d1-withdrawal-management")

        def mutate(pack):
            pack["instruments"][0]["rules"][k]["levels"].append(None)
        self.assert_refused(mutate, iop.InvalidDataError, "$.instruments[0].rules[%d].levels" % k)

    def test_table_level_off_the_ladder(self):
        k = rule_index(default_pack(), "asam3", "d3-minimum")

        def mutate(pack):
            pack["instruments"][0]["rules"][k]["levels"][2] = "3.3"  # a real level, not on the ladder
        self.assert_refused(mutate, iop.InvalidDataError, "$.instruments[0].rules[%d].levels[2]" % k)

    def test_variant_to_an_unknown_level(self):
        k = rule_index(default_pack(), "asam4", "medically-managed-variant")

        def mutate(pack):
            pack["instruments"][1]["rules"][k]["map"]["2.1"] = "2.9"
        self.assert_refused(mutate, iop.InvalidDataError, '$.instruments[1].rules[%d].map["2.1"]' % k)

    def test_unknown_source_and_dimension(self):
        k = rule_index(default_pack(), "asam3", "d3-minimum")

        def source(pack):
            pack["instruments"][0]["rules"][k]["source"] = "no-such-source"

        def dimension(pack):
            pack["instruments"][0]["rules"][k]["dimension"] = "d9"
        self.assert_refused(source, iop.InvalidDataError, "$.instruments[0].rules[%d].source" % k)
        self.assert_refused(dimension, iop.InvalidDataError, "$.instruments[0].rules[%d].dimension" % k)

    def test_band_gap(self):
        def mutate(pack):
            pack["instruments"][2]["rules"][0]["bands"][1]["min"] = 11
        self.assert_refused(mutate, iop.InvalidDataError, "$.instruments[2].rules[0].bands[1].min")

    def test_duplicate_instrument(self):
        def mutate(pack):
            pack["instruments"][1]["id"] = "asam3"
        self.assert_refused(mutate, iop.InvalidDataError, "$.instruments[1].id")

    def test_unknown_rule_type_and_misspelt_member(self):
        def kind(pack):
            pack["instruments"][0]["rules"][0]["type"] = "magic"

        def misspelt(pack):
            pack["instruments"][0]["rules"][0]["levls"] = []
        self.assert_refused(kind, iop.InvalidDataError, "$.instruments[0].rules[0].type")
        self.assert_refused(misspelt, iop.ParseError, "$.instruments[0].rules[0].levls")

    def test_unsupported_format_version(self):
        def mutate(pack):
            pack["format_version"] = 2
        self.assert_refused(mutate, iop.InvalidDataError, "$.format_version")

    def test_malformed_and_missing_files(self):
        with self.assertRaises(iop.ParseError) as cm:
            iop.Placer.from_json('{"format": "libiop-placement", ')
        self.assertIsNone(cm.exception.path)
        with self.assertRaises(iop.IoError) as cm:
            iop.Placer.from_file(os.path.join(tempfile.gettempdir(), "no-such-iop-pack.json"))
        self.assertIsInstance(cm.exception, OSError)
        with self.assertRaises(ValueError):
            iop.Placer.from_json(None)


class ErrorTest(PlacementCase):
    def test_rating_out_of_range_names_the_dimension_not_the_value(self):
        a = iop.Assessment(self.placer, "asam3")
        for dim, value in (("d3", 7), ("d1", -3), ("d6", 5)):
            with self.subTest(dimension=dim, value=value):
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    a.set_rating(dim, value)
                self.assertIsInstance(cm.exception, ValueError)
                self.assertEqual(cm.exception.code, iop.IOP_ERROR_INVALID_ARGUMENT)
                self.assertIn("dimension " + dim, cm.exception.message)
                self.assertNotIn(str(value), cm.exception.message)
                self.assertEqual(a.get_rating(dim), -1)  # unchanged
        locus = iop.Assessment(self.placer, "locus")
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            locus.set_rating("IV-B", 0)
        self.assertIn("IV-B", cm.exception.message)

    def test_set_ratings_out_of_range_leaves_the_assessment_unchanged(self):
        a = assess(self.placer, "asam3", [1, 1, 1, 1, 1, 1])
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            a.set_ratings([0, 0, 0, 0, 9, 0])
        self.assertIn("d5", cm.exception.message)
        self.assertNotIn("9", cm.exception.message)
        self.assertEqual([a.get_rating(d) for d in ASAM_DIMS], [1] * 6)
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            iop.Assessment(self.placer, "locus").set_ratings([1, 1, 1, 1, 1, 1, 6])
        self.assertIn("VI", cm.exception.message)

    def test_unknown_dimension(self):
        a = iop.Assessment(self.placer, "asam3")
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            a.set_rating("d9", 1)
        self.assertIn('"d9"', cm.exception.message)
        with self.assertRaises(iop.InvalidArgumentError):
            a.set_rating("I", 1)  # a LOCUS dimension

    def test_wrong_count(self):
        a = iop.Assessment(self.placer, "asam3")
        for ratings in ([1, 2, 3], [0] * 7, []):
            with self.subTest(n=len(ratings)):
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    a.set_ratings(ratings)
                self.assertIn("needs 6 ratings", cm.exception.message)
        self.assertFalse(a.is_complete())

    def test_non_integer_ratings_are_type_errors_naming_the_index(self):
        a = assess(self.placer, "asam3", [1, 1, 1, 1, 1, 1])
        for bad in (2.5, "3", True, None, 2.0):
            with self.subTest(value=bad):
                with self.assertRaises(TypeError) as cm:
                    a.set_ratings([0, bad, 0, 0, 0, 0])
                self.assertIn("ratings[1] (dimension 2) must be an integer", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            a.set_ratings([0, 0, 2 ** 40, 0, 0, 0])
        self.assertIn("ratings[2] (dimension 3) is out of range", str(cm.exception))
        with self.assertRaises(TypeError):
            a.set_ratings(5)
        with self.assertRaises(TypeError):
            a.set_rating("d1", 2.5)
        self.assertEqual([a.get_rating(d) for d in ASAM_DIMS], [1] * 6)

    def test_non_integer_rating_message(self):
        # docs/errors.md: set_ratings names the position as "ratings[i] (dimension n)".
        a = iop.Assessment(self.placer, "asam3")
        with self.assertRaises(TypeError) as cm:
            a.set_ratings([0, 2.5, 0, 0, 0, 0])
        self.assertEqual(str(cm.exception), "ratings[1] (dimension 2) must be an integer")
        with self.assertRaises(ValueError) as cm:
            a.set_ratings([0, 0, 0, 0, 0, -2 ** 40])
        self.assertEqual(str(cm.exception), "ratings[5] (dimension 6) is out of range")

    def test_missing_dimension_at_place(self):
        a = iop.Assessment(self.placer, "asam3")
        for dim in ASAM_DIMS:
            if dim != "d4":
                a.set_rating(dim, 1)
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.placer.place(a)
        self.assertIn("d4", cm.exception.message)
        self.assertIn("has no rating", cm.exception.message)
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.placer.place(iop.Assessment(self.placer, "locus"))
        self.assertIn("dimension I ", cm.exception.message)

    def test_unknown_instrument(self):
        with self.assertRaises(iop.NotFoundError) as cm:
            iop.Assessment(self.placer, "asam5")
        self.assertIsInstance(cm.exception, KeyError)
        self.assertEqual(cm.exception.code, iop.IOP_ERROR_NOT_FOUND)
        self.assertIn('"asam5"', cm.exception.message)
        with self.assertRaises(ValueError):
            iop.Assessment(self.placer, None)

    def test_unknown_available_level(self):
        a = iop.Assessment(self.placer, "asam3")
        for code in ("9.9", "6", "1.5"):  # "6" is LOCUS, "1.5" is 4th edition only
            with self.subTest(code=code):
                with self.assertRaises(iop.NotFoundError) as cm:
                    a.add_available_level(code)
                self.assertIn('"%s"' % code, cm.exception.message)
        self.assertEqual(a.get_n_available_levels(), 0)

    def test_bad_signed_date(self):
        a = iop.Assessment(self.placer, "asam3")
        a.set_assessor("LCADC", "2026-01-15")
        for date in ("1987-02-30", "2026-1-5", "yesterday"):
            with self.subTest(date=date):
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    a.set_assessor("Dr Jane Roe, LCADC", date)
                self.assertNotIn(date, cm.exception.message)
                self.assertNotIn("Jane", cm.exception.message)
        self.assertEqual((a.get_assessor_credential(), a.get_signed_date()), ("LCADC", "2026-01-15"))


def assessment_doc(**changes):
    doc = {"format": "libiop-assessment", "format_version": 1, "instrument": "asam3",
           "age_group": "adult", "co_occurring": True,
           "ratings": {"d1": 1, "d2": 0, "d3": 2, "d4": 2, "d5": 1, "d6": 1},
           "available_levels": ["2.1"], "assessor": {"credential": "LCADC", "signed": "2026-01-15"}}
    doc.update(changes)
    return doc


class AssessmentJsonTest(PlacementCase):
    def test_round_trip_is_byte_identical(self):
        a = assess(self.placer, "asam3", [1, 0, 2, 2, 1, 1], co_occurring=True, available=["II.1", "3.5"],
                   age=ADOLESCENT)
        a.set_assessor("LCADC", "2026-01-15")
        text = a.to_json()
        doc = json.loads(text)
        self.assertEqual(doc["format"], "libiop-assessment")
        self.assertEqual(doc["instrument"], "asam3")
        self.assertEqual(doc["age_group"], "adolescent")
        self.assertTrue(doc["co_occurring"])
        self.assertEqual(doc["ratings"], {"d1": 1, "d2": 0, "d3": 2, "d4": 2, "d5": 1, "d6": 1})
        self.assertEqual(list(doc["ratings"]), ASAM_DIMS)
        self.assertEqual(doc["available_levels"], ["2.1", "3.5"])
        self.assertEqual(doc["assessor"], {"credential": "LCADC", "signed": "2026-01-15"})
        b = iop.Assessment.from_json(self.placer, text)
        self.assertEqual(b.to_json(), text)
        self.assertEqual(self.placer.place(b).to_json(), self.placer.place(a).to_json())

    def test_round_trip_of_every_instrument(self):
        for instrument, n in (("asam3", 6), ("asam4", 6), ("locus", 7), ("calocus", 8)):
            with self.subTest(instrument=instrument):
                ratings = [2] * n
                a = assess(self.placer, instrument, ratings)
                text = a.to_json()
                self.assertEqual(iop.Assessment.from_json(self.placer, text).to_json(), text)
                self.assertIsNone(json.loads(text)["assessor"])
        partial = iop.Assessment(self.placer, "locus")
        partial.set_rating("III", 4)
        text = partial.to_json()
        back = iop.Assessment.from_json(self.placer, text)
        self.assertEqual(back.to_json(), text)
        self.assertEqual(back.get_rating("III"), 4)
        self.assertFalse(back.is_complete())

    def test_reading_a_hand_written_document(self):
        doc = assessment_doc()
        a = iop.Assessment.from_json(self.placer, json.dumps(doc, indent=2))
        self.assertEqual(a.get_instrument(), "asam3")
        self.assertEqual([a.get_rating(d) for d in ASAM_DIMS], [1, 0, 2, 2, 1, 1])
        self.assertTrue(a.get_co_occurring())
        self.assertEqual(a.get_signed_date(), "2026-01-15")
        self.assertEqual(json.loads(a.to_json()), doc)
        rec = self.placer.place(a)
        self.assertEqual((rec.get_level().get_code(), rec.get_designation()), ("2.1", "COC"))

    def assert_bad(self, doc, error_class, path):
        text = doc if isinstance(doc, str) else json.dumps(doc)
        with self.assertRaises(error_class) as cm:
            iop.Assessment.from_json(self.placer, text)
        self.assertEqual(cm.exception.path, path)
        if path is not None:
            self.assertTrue(cm.exception.message.startswith(path + ": "), cm.exception.message)
        return cm.exception

    def test_malformed_documents_name_the_path(self):
        ratings = assessment_doc()["ratings"]
        e = self.assert_bad(assessment_doc(ratings=dict(ratings, d3=9)), iop.InvalidDataError, "$.ratings.d3")
        self.assertNotIn("9", e.message)
        self.assert_bad(assessment_doc(ratings=dict(ratings, d3=2.5)), iop.ParseError, "$.ratings.d3")
        self.assert_bad(assessment_doc(ratings=dict(ratings, d3="2")), iop.ParseError, "$.ratings.d3")
        self.assert_bad(assessment_doc(ratings=dict(ratings, d9=1)), iop.InvalidDataError, "$.ratings.d9")
        e = self.assert_bad(assessment_doc(instrument="asam5"), iop.NotFoundError, "$.instrument")
        self.assertIn('"asam5"', e.message)
        self.assert_bad(assessment_doc(instrument=3), iop.ParseError, "$.instrument")
        doc = assessment_doc()
        del doc["instrument"]
        self.assert_bad(doc, iop.ParseError, "$.instrument")
        self.assert_bad(assessment_doc(available_levels=["2.1", "9.9"]), iop.InvalidDataError,
                        "$.available_levels[1]")
        self.assert_bad(assessment_doc(age_group="senior"), iop.InvalidDataError, "$.age_group")
        self.assert_bad(assessment_doc(format="libiop-placement"), iop.InvalidDataError, "$.format")
        self.assert_bad(assessment_doc(ratngs={}), iop.ParseError, "$.ratngs")
        self.assert_bad('{"format": "libiop-assessment", ', iop.ParseError, None)

    def test_no_phi_in_messages(self):
        doc = assessment_doc(assessor={"credential": "Dr Jane Roe, LCADC", "signed": "1987-02-30"})
        e = self.assert_bad(doc, iop.InvalidDataError, "$.assessor.signed")
        self.assertNotIn("1987-02-30", e.message)
        self.assertNotIn("1987", e.message)
        self.assertNotIn("Jane", e.message)
        self.assertNotIn("1987-02-30", str(e))

    def test_missing_rating_is_reported_at_place(self):
        doc = assessment_doc()
        del doc["ratings"]["d2"]
        a = iop.Assessment.from_json(self.placer, json.dumps(doc))
        self.assertFalse(a.is_complete())
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.placer.place(a)
        self.assertIn("d2", cm.exception.message)


class PlaceIntoTest(PlacementCase):
    CASES = [("asam3", [1, 0, 2, 2, 1, 1], {}), ("locus", [3] * 7, {}),
             ("asam3", [2, 0, 3, 0, 0, 0], {"co_occurring": True}),
             ("asam4", [2, 0, 0, 3, 0, 0], {}), ("asam3", [1, 0, 2, 0, 0, 0], {"available": ["3.5"]}),
             ("calocus", [5] * 8, {}), ("asam3", [0] * 6, {})]

    def test_reuse_gives_the_same_result_as_place(self):
        rec = iop.Recommendation()
        for instrument, ratings, kwargs in self.CASES * 2:
            with self.subTest(instrument=instrument, ratings=ratings):
                a = assess(self.placer, instrument, ratings, **kwargs)
                self.assertIsNone(self.placer.place_into(a, rec))
                fresh = self.placer.place(a)
                self.assertEqual(rec.to_json(), fresh.to_json())
                self.assertEqual(rec.get_level(), fresh.get_level())
                self.assertEqual(rec.reasons(), fresh.reasons())
                self.assertEqual(rec.alternatives(), fresh.alternatives())
                self.assertEqual(rec.binding_dimensions(), fresh.binding_dimensions())

    def test_reuse_across_placers(self):
        rec = iop.Recommendation()
        pack = default_pack()
        pack["id"] = "other"
        other = iop.Placer.from_json(json.dumps(pack))
        a = assess(self.placer, "asam3", [1, 0, 2, 0, 0, 0])
        self.placer.place_into(a, rec)
        self.assertEqual(rec.get_pack_id(), "libiop-default-placement")
        other.place_into(a, rec)
        self.assertEqual(rec.get_pack_id(), "other")
        del other
        gc.collect()
        self.assertEqual(rec.get_level().get_code(), "2.1")

    def test_error_leaves_the_recommendation_empty(self):
        rec = self.placer.place(assess(self.placer, "asam3", [1, 0, 2, 0, 0, 0]))
        with self.assertRaises(iop.InvalidArgumentError):
            self.placer.place_into(iop.Assessment(self.placer, "asam3"), rec)
        self.assertIsNone(rec.get_level())
        self.assertEqual((rec.get_n_reasons(), rec.get_n_alternatives()), (0, 0))
        self.placer.place_into(assess(self.placer, "locus", [1] * 7), rec)
        self.assertEqual(rec.get_level().get_code(), "0")


class OwnershipTest(unittest.TestCase):
    def test_recommendation_and_level_outlive_the_placer(self):
        placer = iop.Placer()
        a = assess(placer, "asam3", [2, 0, 2, 0, 0, 0], co_occurring=True)
        rec = placer.place(a)
        level = rec.get_level()
        wm = rec.get_withdrawal_level()
        del placer, a
        gc.collect()
        self.assertEqual(level.get_code(), "2.1")
        self.assertEqual(level.get_name(), "Intensive Outpatient Services")
        self.assertEqual(level.get_step_up().get_code(), "2.5")
        self.assertEqual(wm.get_code(), "2-WM")
        self.assertEqual(rec.get_level(), level)
        self.assertEqual(rec.get_designation(), "COC")
        self.assertEqual(rec.get_pack_id(), "libiop-default-placement")
        self.assertEqual(rec.reasons()[0]["rule"], "d1-minimum")
        self.assertEqual(json.loads(rec.to_json())["level"], "2.1")

    def test_level_outlives_the_recommendation(self):
        placer = iop.Placer()
        rec = placer.place(assess(placer, "locus", [3] * 7))
        level = rec.get_level()
        del placer, rec
        gc.collect()
        self.assertEqual((level.get_code(), level.get_edition()), ("4", LOCUS))
        self.assertEqual(level.get_continuum().get_id(), "libiop-default")

    def test_assessment_keeps_its_placer(self):
        a = iop.Assessment(iop.Placer(), "asam4")
        gc.collect()
        a.set_ratings([2, 0, 0, 0, 0, 0])
        self.assertEqual(a.get_dimension_name(0), "Intoxication, Withdrawal, and Addiction Medications")
        self.assertEqual(json.loads(a.to_json())["instrument"], "asam4")
        self.assertEqual(iop.Placer().place(a).get_level().get_code(), "2.7")

    def test_placer_keeps_its_continuum(self):
        continuum = iop.Continuum()
        placer = iop.Placer.from_json(iop.Placer.default_pack_json(), continuum)
        del continuum
        gc.collect()
        self.assertEqual(placer.get_continuum().get_n_levels(), 33)
        rec = placer.place(assess(placer, "asam3", [0, 0, 3, 0, 0, 0]))
        del placer
        gc.collect()
        self.assertEqual(rec.get_level().get_name(), "Clinically Managed High-Intensity Residential Services")

    def test_classes_without_default_constructors(self):
        with self.assertRaises(TypeError):
            iop.Assessment()

    def test_none_placer_assessment_or_recommendation_raises(self):
        placer = iop.Placer()
        calls = {"Assessment(None, ...)": lambda: iop.Assessment(None, "asam3"),
                 "Assessment.from_json(None, ...)": lambda: iop.Assessment.from_json(None, "{}"),
                 "place(None)": lambda: placer.place(None),
                 "place_into(None, rec)": lambda: placer.place_into(None, iop.Recommendation()),
                 "place_into(a, None)": lambda: placer.place_into(iop.Assessment(placer, "asam3"), None)}
        for what, call in calls.items():
            with self.subTest(what):
                with self.assertRaises(ValueError) as cm:
                    call()
                self.assertIn("NULL", str(cm.exception))
        # The continuum stays optional.
        self.assertEqual(iop.Placer.from_json(iop.Placer.default_pack_json(), None).get_n_instruments(), 4)

    def test_repeated_placement(self):
        # Gives valgrind (memcheck/python/placement) something to find if anything leaks.
        rounds = 10 if UNDER_VALGRIND else 100
        reuse = iop.Recommendation()
        for i in range(rounds):
            placer = iop.Placer()
            a = assess(placer, "asam3", [i % 5, 0, (i + 2) % 5, 1, 1, 1], co_occurring=bool(i % 2),
                       available=["3.5", "4"])
            rec = placer.place(a)
            placer.place_into(a, reuse)
            self.assertEqual(reuse.to_json(), rec.to_json())
            b = iop.Assessment.from_json(placer, a.to_json())
            self.assertEqual(b.to_json(), a.to_json())
            try:
                a.set_rating("d3", 9)
            except iop.InvalidArgumentError:
                pass
            try:
                iop.Assessment.from_json(placer, '{"format": "libiop-assessment"')
            except iop.ParseError:
                pass
            del placer, a, b
            self.assertIn(rec.get_level().get_code(), ("3.5", "4"))
        gc.collect()


if __name__ == "__main__":
    unittest.main()
