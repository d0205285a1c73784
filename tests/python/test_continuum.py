"""The care continuum through the Python binding: the built-in pack's facts, navigation,
ownership across garbage collection, user packs and strict validation with JSON paths.

Mirrors tests/test-continuum.c. SPDX-License-Identifier: MIT
"""

import gc
import json
import os
import tempfile
import unittest

import iop

ASAM3, ASAM4, LOCUS, ANY = (iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_ASAM4, iop.IOP_EDITION_LOCUS,
                            iop.IOP_EDITION_ANY)
ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT

UNDER_VALGRIND = bool(os.environ.get("IOP_UNDER_VALGRIND"))

ASAM3_CODES = ["0.5", "1", "OTP", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4",
               "1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM"]
ASAM4_CODES = ["RR", "1.0", "1.5", "1.7", "2.1", "2.5", "2.7", "3.1", "3.5", "3.7", "4"]
LOCUS_CODES = ["0", "1", "2", "3", "4", "5", "6"]


def codes(levels):
    return [level.get_code() for level in levels]


def default_pack():
    return json.loads(iop.Continuum.default_pack_json())


def level_index(pack, edition, code):
    for i, level in enumerate(pack["levels"]):
        if level["edition"] == edition and level["code"] == code:
            return i
    raise AssertionError("%s %s is not in the pack" % (edition, code))


def write_temp_pack(test, pack_or_text):
    """Writes a pack to a temporary file removed at the end of the test; returns its name."""
    text = pack_or_text if isinstance(pack_or_text, str) else json.dumps(pack_or_text)
    fd, name = tempfile.mkstemp(prefix="iop-pack-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    test.addCleanup(os.unlink, name)
    return name


class DefaultPackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = iop.Continuum()

    def test_identity(self):
        self.assertEqual(self.c.get_id(), "libiop-default")
        self.assertEqual(self.c.get_version(), default_pack()["version"])
        self.assertTrue(self.c.get_title().startswith("libiop open continuum pack"))
        self.assertIn("libiop-default", repr(self.c))

    def test_counts_per_edition(self):
        self.assertEqual(self.c.get_n_levels(ASAM3), 15)
        self.assertEqual(self.c.get_n_levels(ASAM4), 11)
        self.assertEqual(self.c.get_n_levels(LOCUS), 7)
        self.assertEqual(self.c.get_n_levels(ANY), 33)
        self.assertEqual(self.c.get_n_levels(), 33)
        self.assertEqual(len(self.c), 33)
        self.assertEqual(self.c.get_n_levels(99), 0)

    def test_levels_lists_in_pack_order(self):
        self.assertEqual(codes(self.c.levels(ASAM3)), ASAM3_CODES)
        self.assertEqual(codes(self.c.levels(ASAM4)), ASAM4_CODES)
        self.assertEqual(codes(self.c.levels(LOCUS)), LOCUS_CODES)
        self.assertEqual(codes(self.c.levels()), ASAM3_CODES + ASAM4_CODES + LOCUS_CODES)
        self.assertEqual(self.c.levels(99), [])
        self.assertIsInstance(self.c.levels(), list)

    def test_iteration(self):
        seen = list(self.c)
        self.assertEqual(len(seen), 33)
        self.assertEqual(codes(seen), codes(self.c.levels()))
        editions = [level.get_edition() for level in self.c]
        self.assertEqual(editions, [ASAM3] * 15 + [ASAM4] * 11 + [LOCUS] * 7)

    def test_get_level_by_index(self):
        self.assertEqual(self.c.get_level(ASAM3, 3).get_code(), "2.1")
        self.assertEqual(self.c.get_level(ANY, 15).get_code(), "RR")
        self.assertEqual(self.c.get_level(LOCUS, 6).get_code(), "6")
        self.assertIsNone(self.c.get_level(LOCUS, 7))
        self.assertIsNone(self.c.get_level(ANY, 33))
        self.assertEqual(self.c.get_level(ASAM3, 3), self.c.lookup_level(ASAM3, "2.1"))


class AcceptanceFactsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = iop.Continuum()

    def lookup(self, edition, code):
        level = self.c.lookup_level(edition, code)
        self.assertIsNotNone(level, "%s %s" % (iop.edition_to_string(edition), code))
        return level

    def test_asam3_iop_level(self):
        level = self.lookup(ASAM3, "2.1")
        self.assertEqual(level.get_code(), "2.1")
        self.assertEqual(level.get_edition(), ASAM3)
        self.assertEqual(level.get_name(), "Intensive Outpatient Services")
        self.assertEqual(level.get_setting(), iop.IOP_SETTING_OUTPATIENT)
        self.assertEqual(level.get_management(), iop.IOP_MANAGEMENT_CLINICALLY_MANAGED)
        self.assertFalse(level.is_withdrawal_management())
        self.assertIn("9-19 hours a week", level.get_description())

    def test_asam3_iop_adult_hours_per_week(self):
        r = self.lookup(ASAM3, "2.1").get_hours_per_week(ADULT)
        self.assertEqual(r.bounds(), (9, 19))
        self.assertTrue(r.has_min)
        self.assertEqual(r.min, 9)
        self.assertTrue(r.has_max)
        self.assertEqual(r.max, 19)
        self.assertFalse(r.max_exclusive)
        self.assertTrue(r.is_published())
        self.assertFalse(r.contains(8.75))
        self.assertTrue(r.contains(9))
        self.assertTrue(r.contains(19))
        self.assertFalse(r.contains(19.25))

    def test_asam3_iop_adolescent_hours_per_week(self):
        r = self.lookup(ASAM3, "2.1").get_hours_per_week(ADOLESCENT)
        self.assertEqual(r.bounds(), (6, 19))
        self.assertTrue(r.contains(6))
        self.assertTrue(r.contains(8.75))
        self.assertFalse(r.contains(5.75))
        self.assertFalse(r.contains(19.25))

    def test_asam3_iop_hours_per_day(self):
        level = self.lookup(ASAM3, "2.1")
        adult = level.get_hours_per_day(ADULT)
        adolescent = level.get_hours_per_day(ADOLESCENT)
        self.assertEqual(adult.bounds(), (3, None))
        self.assertEqual(adolescent.bounds(), (2, None))
        self.assertFalse(adult.has_max)
        self.assertFalse(adult.contains(2.5))
        self.assertTrue(adult.contains(3))
        self.assertTrue(adolescent.contains(2))
        self.assertTrue(adult.contains(12))

    def test_invalid_age_gives_unpublished_band(self):
        r = self.lookup(ASAM3, "2.1").get_hours_per_week(99)
        self.assertEqual(r.bounds(), (None, None))
        self.assertFalse(r.is_published())
        self.assertTrue(r.contains(1000))  # an unpublished band contains every value

    def test_exclusive_upper_bound(self):
        r = self.lookup(ASAM3, "1").get_hours_per_week(ADULT)
        self.assertEqual(r.bounds(), (None, 9))
        self.assertTrue(r.max_exclusive)
        self.assertTrue(r.contains(8.75))
        self.assertFalse(r.contains(9))
        self.assertIn("exclusive", repr(r))

    def test_asam4_high_intensity_outpatient(self):
        level = self.lookup(ASAM4, "2.5")
        self.assertEqual(level.get_name(), "High-Intensity Outpatient")
        r = level.get_hours_per_week(ADULT)
        self.assertEqual(r.bounds(), (20, None))
        self.assertTrue(r.has_min)
        self.assertFalse(r.has_max)
        self.assertTrue(r.contains(60))
        self.assertFalse(r.contains(19.5))
        # The 4th-edition pack publishes no adolescent band for 2.5.
        self.assertFalse(level.get_hours_per_week(ADOLESCENT).is_published())

    def test_crosswalk_asam3_33_to_asam4_35(self):
        level = self.lookup(ASAM3, "3.3")
        target = level.crosswalk(ASAM4)
        self.assertIsNotNone(target)
        self.assertEqual(target.get_edition(), ASAM4)
        self.assertEqual(target.get_code(), "3.5")
        self.assertEqual(level.get_crosswalk_confidence(ASAM4), iop.IOP_CONFIDENCE_MEDIUM)
        self.assertEqual(level.get_crosswalk_note(ASAM4), "The 4th edition folds 3.3 into 3.5.")
        # No mapping to LOCUS, nor to its own edition.
        self.assertIsNone(level.crosswalk(LOCUS))
        self.assertEqual(level.get_crosswalk_confidence(LOCUS), iop.IOP_CONFIDENCE_NONE)
        self.assertIsNone(level.crosswalk(ASAM3))
        self.assertIsNone(level.get_crosswalk_note(LOCUS))

    def test_crosswalk_locus(self):
        iop_level = self.lookup(ASAM3, "2.1")
        self.assertEqual(iop_level.crosswalk(LOCUS).get_code(), "3")
        self.assertEqual(iop_level.get_crosswalk_confidence(LOCUS), iop.IOP_CONFIDENCE_LOW)
        self.assertEqual(self.lookup(LOCUS, "3").crosswalk(ASAM3), iop_level)

    def test_step_up_walk(self):
        level, walk = self.lookup(ASAM3, "0.5"), []
        while level is not None:
            walk.append(level.get_code())
            level = level.get_step_up()
        self.assertEqual(walk, ["0.5", "1", "2.1", "2.5", "3.1", "3.5", "3.7", "4"])

    def test_step_down_walk(self):
        level, walk = self.lookup(ASAM3, "4"), []
        while level is not None:
            walk.append(level.get_code())
            level = level.get_step_down()
        self.assertEqual(walk, ["4", "3.7", "3.5", "3.1", "2.5", "2.1", "1", "0.5"])

    def test_ends_of_the_continuum(self):
        self.assertIsNone(self.lookup(ASAM3, "0.5").get_step_down())
        self.assertIsNone(self.lookup(ASAM3, "4").get_step_up())
        self.assertIsNone(self.lookup(ASAM3, "OTP").get_step_up())
        self.assertEqual(self.lookup(ASAM3, "3.2-WM").get_step_up().get_code(), "3.7-WM")

    def test_aliases(self):
        self.assertEqual(self.lookup(ASAM3, "II.1"), self.lookup(ASAM3, "2.1"))
        self.assertEqual(self.lookup(ANY, "II.1").get_code(), "2.1")
        self.assertEqual(self.lookup(ASAM3, "2.1").aliases(), ["II.1"])
        self.assertEqual(self.lookup(ASAM3, "4").aliases(), ["IV", "4.0"])
        self.assertEqual(self.lookup(ASAM3, "III.2-D").get_code(), "3.2-WM")
        self.assertTrue(self.lookup(ASAM3, "3.2-WM").is_withdrawal_management())

    def test_lookup_any_edition_prefers_codes_then_pack_order(self):
        # "1.0" is an ASAM 4 code and an ASAM 3 alias of "1": the code wins.
        level = self.lookup(ANY, "1.0")
        self.assertEqual((level.get_edition(), level.get_code()), (ASAM4, "1.0"))
        self.assertEqual(self.lookup(ASAM3, "1.0").get_code(), "1")
        # "4" is a code in all three editions: ASAM 3 comes first in the pack.
        self.assertEqual(self.lookup(ANY, "4").get_edition(), ASAM3)
        self.assertEqual(self.lookup(ANY, "6").get_edition(), LOCUS)

    def test_lookup_unknown_returns_none(self):
        self.assertIsNone(self.c.lookup_level(ASAM3, "9.9"))
        self.assertIsNone(self.c.lookup_level(ANY, "9.9"))
        self.assertIsNone(self.c.lookup_level(ASAM4, "II.1"))  # an ASAM 3 alias only
        self.assertIsNone(self.c.lookup_level(ASAM3, "ii.1"))  # case-sensitive
        self.assertIsNone(self.c.lookup_level(99, "2.1"))
        self.assertIsNone(self.c.lookup_level(ASAM3, ""))

    def test_billing_codes(self):
        level = self.lookup(ASAM3, "2.1")
        bills = level.billing_codes()
        self.assertEqual(len(bills), level.get_n_billing_codes())
        self.assertIn({"system": "hcpcs", "code": "H0015",
                       "description": level.get_billing_code_description(0)}, bills)
        self.assertEqual(level.get_billing_code(0), "H0015")
        self.assertEqual(level.get_billing_code_system(0), "hcpcs")
        by_code = {b["code"]: b["system"] for b in bills}
        self.assertEqual(by_code["0905"], "revenue")
        self.assertEqual(by_code["92"], "condition")
        self.assertIsNone(level.get_billing_code(level.get_n_billing_codes()))
        self.assertEqual(self.lookup(ASAM4, "RR").billing_codes(), [])

    def test_sources_resolve(self):
        level = self.lookup(ASAM3, "2.1")
        fields = ["level", "hours_per_week.adult", "hours_per_week.adolescent",
                  "hours_per_day.adult", "hours_per_day.adolescent", "billing_codes.0",
                  "crosswalk.asam4", "crosswalk.locus"]
        for field in fields:
            with self.subTest(field=field):
                source = level.get_source(field)
                self.assertIsNotNone(source)
                citation = self.c.get_source_citation(source)
                self.assertIsInstance(citation, str)
                self.assertTrue(citation)
                self.assertNotEqual(self.c.get_source_confidence(source), iop.IOP_CONFIDENCE_NONE)
        week = level.get_source("hours_per_week.adult")
        self.assertEqual(week, "il-77-iac-2060-410")
        self.assertTrue(self.c.get_source_citation(week).startswith("Illinois Administrative Code"))
        self.assertTrue(self.c.get_source_url(week).startswith("https://"))
        self.assertEqual(self.c.get_source_confidence(week), iop.IOP_CONFIDENCE_HIGH)
        self.assertEqual(level.get_source("crosswalk.asam4"), "asam-crosswalk-derived")

    def test_sources_absent(self):
        level = self.lookup(ASAM3, "2.1")
        for field in ("crosswalk.asam3", "billing_codes.99", "billing_codes.x", "hours", ""):
            with self.subTest(field=field):
                self.assertIsNone(level.get_source(field))
        self.assertIsNone(self.lookup(ASAM3, "3.3").get_source("hours_per_week.adult"))
        self.assertIsNone(self.c.get_source_citation("no-such-source"))
        self.assertIsNone(self.c.get_source_url("no-such-source"))
        self.assertEqual(self.c.get_source_confidence("no-such-source"), iop.IOP_CONFIDENCE_NONE)
        # A source without a URL.
        self.assertIsNone(self.c.get_source_url("asam3-level-names"))

    def test_to_json(self):
        level = self.lookup(ASAM3, "2.1")
        doc = json.loads(level.to_json())
        self.assertEqual(doc["code"], "2.1")
        self.assertEqual(doc["edition"], "asam3")
        self.assertEqual(doc["hours_per_week"]["adult"]["min"], 9)
        self.assertEqual(doc["hours_per_week"]["adult"]["max"], 19)
        self.assertIsNone(doc["hours_per_day"]["adult"]["max"])
        self.assertEqual(doc["step_down"], "1")
        self.assertEqual(doc["step_up"], "2.5")
        self.assertEqual(doc["crosswalk"]["asam4"], {"code": "2.1", "confidence": "M", "note": None})
        self.assertEqual(doc["aliases"], ["II.1"])
        self.assertEqual(doc["billing_codes"][0]["code"], "H0015")
        self.assertEqual(doc["sources"]["hours_per_week.adult"], "il-77-iac-2060-410")
        top = json.loads(self.lookup(ASAM3, "4").to_json())
        self.assertIsNone(top["step_up"])

    def test_comparison(self):
        aspects = self.c.comparison()
        self.assertEqual(len(aspects), 7)
        self.assertEqual(self.c.get_n_comparison_aspects(), 7)
        ids = [a["id"] for a in aspects]
        self.assertEqual(ids, ["location", "intensity", "duration", "support", "lifestyle",
                               "cost", "suitability"])
        for a in aspects:
            with self.subTest(aspect=a["id"]):
                self.assertTrue(a["label"] and a["inpatient"] and a["outpatient"])
                self.assertNotEqual(a["inpatient"], a["outpatient"])
        self.assertEqual(self.c.get_comparison_label("cost"), "Cost")
        self.assertIsNone(self.c.get_comparison("cost", iop.IOP_SETTING_RESIDENTIAL))
        self.assertIsNone(self.c.get_comparison("no-such-aspect", iop.IOP_SETTING_INPATIENT))
        self.assertIsNone(self.c.get_comparison_aspect(7))
        doc = json.loads(self.c.comparison_to_json())
        self.assertEqual([a["id"] for a in doc["aspects"]], ids)
        self.assertEqual(doc["aspects"][5]["outpatient"],
                         self.c.get_comparison("cost", iop.IOP_SETTING_OUTPATIENT))
        self.assertEqual(doc["aspects"][0]["source"], "midshore-glossary")

    def test_level_equality_and_continuum(self):
        a = self.lookup(ASAM3, "2.1")
        b = self.c.levels(ASAM3)[3]
        self.assertEqual(a, b)
        self.assertEqual(hash(a), hash(b))
        self.assertNotEqual(a, self.lookup(ASAM4, "2.1"))
        self.assertEqual(len({a, b, self.lookup(ASAM3, "II.1")}), 1)
        owner = a.get_continuum()
        self.assertEqual(owner.get_id(), "libiop-default")
        self.assertEqual(len(owner), 33)
        self.assertEqual(repr(a), "<iop.Level asam3 2.1: Intensive Outpatient Services>")


class OwnershipTest(unittest.TestCase):
    """Levels and lists hold their own reference: they outlive the Continuum proxy."""

    def test_level_outlives_continuum(self):
        c = iop.Continuum()
        level = c.lookup_level(ASAM3, "2.1")
        del c
        gc.collect()
        self.assertEqual(level.get_name(), "Intensive Outpatient Services")
        self.assertEqual(level.get_hours_per_week(ADULT).bounds(), (9, 19))
        self.assertEqual(level.get_step_down().get_code(), "1")
        self.assertEqual(level.crosswalk(ASAM4).get_code(), "2.1")
        self.assertEqual(json.loads(level.to_json())["code"], "2.1")
        self.assertEqual(len(level.get_continuum()), 33)

    def test_list_outlives_continuum(self):
        c = iop.Continuum()
        levels = c.levels(LOCUS)
        del c
        gc.collect()
        self.assertEqual(codes(levels), LOCUS_CODES)
        self.assertEqual(levels[-1].get_name(), "Medically Managed Residential Services")

    def test_walk_after_continuum_is_gone(self):
        level = iop.Continuum().lookup_level(ASAM3, "0.5")
        gc.collect()
        n = 0
        while level is not None:
            level = level.get_step_up()
            n += 1
        self.assertEqual(n, 8)

    def test_range_is_a_copy(self):
        c = iop.Continuum()
        r = c.lookup_level(ASAM3, "2.1").get_hours_per_week(ADULT)
        del c
        gc.collect()
        self.assertEqual(r.bounds(), (9, 19))
        r.min = 1  # changing the copy does not change the level
        self.assertEqual(iop.Continuum().lookup_level(ASAM3, "2.1")
                         .get_hours_per_week(ADULT).min, 9)

    def test_continuum_from_level_keeps_levels_alive(self):
        c = iop.Continuum()
        owner = c.get_level(ASAM4, 0).get_continuum()
        del c
        gc.collect()
        self.assertEqual(owner.get_n_levels(ASAM4), 11)
        self.assertEqual(owner.lookup_level(ASAM4, "2.5").get_name(), "High-Intensity Outpatient")

    def test_level_cannot_be_created_directly(self):
        with self.assertRaises(AttributeError):
            iop.Level()

    def test_repeated_creation(self):
        # Gives valgrind (memcheck/python/continuum) something to find if anything leaks.
        rounds = 25 if UNDER_VALGRIND else 200
        for _ in range(rounds):
            c = iop.Continuum()
            level = c.lookup_level(ASAM3, "2.1")
            levels = c.levels(ASAM4)
            self.assertEqual(len(c), 33)
            del c
            self.assertEqual(level.get_step_up().get_code(), "2.5")
            self.assertEqual(len(levels), 11)
            self.assertIn("H0015", level.to_json())
        gc.collect()


class UserPackTest(unittest.TestCase):
    def test_default_pack_json_round_trips(self):
        text = iop.Continuum.default_pack_json()
        self.assertIsInstance(text, str)
        self.assertEqual(json.loads(text)["id"], "libiop-default")
        c = iop.Continuum.from_json(text)
        self.assertEqual(len(c), 33)
        self.assertEqual(c.get_id(), iop.Continuum().get_id())
        self.assertEqual(codes(c.levels()), codes(iop.Continuum().levels()))

    def test_user_pack_from_file_changes_the_answer(self):
        pack = default_pack()
        i = level_index(pack, "asam3", "2.1")
        pack["id"] = "clinic-pack"
        pack["levels"][i]["hours_per_week"]["adult"]["min"] = 6
        c = iop.Continuum.from_file(write_temp_pack(self, pack))
        self.assertEqual(c.get_id(), "clinic-pack")
        r = c.lookup_level(ASAM3, "2.1").get_hours_per_week(ADULT)
        self.assertEqual(r.bounds(), (6, 19))
        self.assertTrue(r.contains(7))
        default = iop.Continuum().lookup_level(ASAM3, "2.1").get_hours_per_week(ADULT)
        self.assertFalse(default.contains(7))

    def test_minimal_pack(self):
        pack = {
            "format": "libiop-continuum", "format_version": 1, "id": "mini", "version": "1",
            "sources": {"s": {"citation": "Test source", "confidence": "L"}},
            "levels": [
                {"code": "1", "edition": "locus", "name": "Low", "setting": "outpatient",
                 "source": "s", "step_up": "2"},
                {"code": "2", "edition": "locus", "name": "High", "setting": "inpatient",
                 "source": "s", "step_down": "1", "x-local-note": "extension members are allowed"},
            ],
        }
        c = iop.Continuum.from_file(write_temp_pack(self, pack))
        self.assertEqual(c.get_title(), "mini")  # the title defaults to the id
        self.assertEqual((len(c), c.get_n_levels(LOCUS), c.get_n_levels(ASAM3)), (2, 2, 0))
        self.assertEqual(c.get_n_comparison_aspects(), 0)
        self.assertEqual(c.comparison(), [])
        low = c.lookup_level(LOCUS, "1")
        self.assertEqual(low.get_step_up().get_name(), "High")
        self.assertEqual(low.get_management(), iop.IOP_MANAGEMENT_UNSPECIFIED)
        self.assertIsNone(low.get_description())
        self.assertEqual(c.get_source_confidence(low.get_source("level")), iop.IOP_CONFIDENCE_LOW)


class InvalidPackTest(unittest.TestCase):
    """A pack that breaks a rule is refused, and the error names the exact JSON path."""

    @classmethod
    def setUpClass(cls):
        cls.base = iop.Continuum.default_pack_json()

    def assert_refused(self, mutate, error_class, path):
        pack = json.loads(self.base)
        mutate(pack)
        with self.assertRaises(error_class) as cm:
            iop.Continuum.from_json(json.dumps(pack))
        self.assertEqual(cm.exception.path, path)
        self.assertTrue(cm.exception.message.startswith(path + ": "), cm.exception.message)
        # The same document from a file gives the same error.
        with self.assertRaises(error_class) as cm:
            iop.Continuum.from_file(write_temp_pack(self, pack))
        self.assertEqual(cm.exception.path, path)
        return cm.exception

    def test_min_above_max(self):
        i = level_index(json.loads(self.base), "asam3", "2.1")

        def mutate(pack):
            pack["levels"][i]["hours_per_week"]["adult"]["min"] = 25
        self.assert_refused(mutate, iop.InvalidDataError, "$.levels[%d].hours_per_week.adult" % i)

    def test_min_equal_to_exclusive_max(self):
        i = level_index(json.loads(self.base), "asam3", "1")

        def mutate(pack):
            pack["levels"][i]["hours_per_week"]["adolescent"]["min"] = 6
        e = self.assert_refused(mutate, iop.InvalidDataError,
                                "$.levels[%d].hours_per_week.adolescent" % i)
        self.assertIn("exclusive", e.message)

    def test_hours_per_day_above_24(self):
        i = level_index(json.loads(self.base), "asam3", "2.5")

        def mutate(pack):
            pack["levels"][i]["hours_per_day"]["adolescent"]["min"] = 25
        self.assert_refused(mutate, iop.InvalidDataError,
                            "$.levels[%d].hours_per_day.adolescent.min" % i)

    def test_negative_hours(self):
        i = level_index(json.loads(self.base), "asam4", "2.1")

        def mutate(pack):
            pack["levels"][i]["hours_per_week"]["adult"]["max"] = -1
        self.assert_refused(mutate, iop.InvalidDataError,
                            "$.levels[%d].hours_per_week.adult.max" % i)

    def test_unknown_step_down(self):
        i = level_index(json.loads(self.base), "asam3", "2.1")

        def mutate(pack):
            pack["levels"][i]["step_down"] = "1.9"
        e = self.assert_refused(mutate, iop.InvalidDataError, "$.levels[%d].step_down" % i)
        self.assertIn('"1.9"', e.message)

    def test_step_cycle(self):
        i = level_index(json.loads(self.base), "locus", "0")

        def mutate(pack):
            pack["levels"][i]["step_down"] = "6"  # 0 -> 6 -> 5 -> ... -> 0
        e = self.assert_refused(mutate, iop.InvalidDataError, "$.levels[%d].step_down" % i)
        self.assertIn("cycle", e.message)

    def test_duplicate_code(self):
        pack = json.loads(self.base)
        i = level_index(pack, "asam3", "2.5")

        def mutate(pack):
            pack["levels"][i]["code"] = "2.1"
        self.assert_refused(mutate, iop.InvalidDataError, "$.levels[%d].code" % i)

    def test_alias_clashing_with_a_code(self):
        i = level_index(json.loads(self.base), "asam3", "2.1")

        def mutate(pack):
            pack["levels"][i]["aliases"] = ["II.1", "I"]  # "I" is an alias of level 1
        self.assert_refused(mutate, iop.InvalidDataError, "$.levels[%d].aliases[1]" % i)

    def test_misspelt_level_member(self):
        i = level_index(json.loads(self.base), "asam3", "2.1")

        def mutate(pack):
            pack["levels"][i]["hours_per_wek"] = pack["levels"][i].pop("hours_per_week")
        self.assert_refused(mutate, iop.ParseError, "$.levels[%d].hours_per_wek" % i)

    def test_misspelt_member_in_a_source(self):
        def mutate(pack):
            pack["sources"]["midshore-glossary"]["cite"] = "x"
        # Names that are not identifiers use bracket notation.
        self.assert_refused(mutate, iop.ParseError, '$.sources["midshore-glossary"].cite')

    def test_wrong_type(self):
        def mutate(pack):
            pack["levels"][0]["name"] = 5
        self.assert_refused(mutate, iop.ParseError, "$.levels[0].name")

    def test_unknown_source_reference(self):
        i = level_index(json.loads(self.base), "asam3", "2.1")

        def mutate(pack):
            pack["levels"][i]["billing_codes"][2]["source"] = "no-such-source"
        self.assert_refused(mutate, iop.InvalidDataError,
                            "$.levels[%d].billing_codes[2].source" % i)

    def test_crosswalk_to_unknown_level(self):
        pack = json.loads(self.base)
        k = next(k for k, x in enumerate(pack["crosswalk"]) if x["from"]["code"] == "3.3")

        def mutate(pack):
            pack["crosswalk"][k]["to"]["code"] = "3.4"
        self.assert_refused(mutate, iop.InvalidDataError, "$.crosswalk[%d].to.code" % k)

    def test_unsupported_format_version(self):
        def mutate(pack):
            pack["format_version"] = 2
        self.assert_refused(mutate, iop.InvalidDataError, "$.format_version")

    def test_no_levels(self):
        def mutate(pack):
            pack["levels"] = []
            pack.pop("crosswalk")
        self.assert_refused(mutate, iop.InvalidDataError, "$.levels")


class StrictPackValidationTest(unittest.TestCase):
    """Strictness beyond the member rules: only RFC 8259 JSON, sources of unpublished bands,
    and empty aliases. Mirrors tests/test-continuum.c."""

    @classmethod
    def setUpClass(cls):
        cls.base = iop.Continuum.default_pack_json()

    def test_non_rfc8259_json_is_a_parse_error(self):
        # json-glib 1.6 alone accepts comments, single quotes, hex numbers, duplicate members
        # and a trailing second document (leaking it); libiop's syntax check refuses them all.
        texts = {
            "block comment": "/* pack */ " + self.base,
            "single quotes": self.base.replace('"libiop-default"', "'libiop-default'", 1),
            "hex number": self.base.replace('"format_version": 1', '"format_version": 0x1', 1),
            "duplicate member": self.base.replace('"format_version": 1', '"format_version": 1, "format_version": 1', 1),
            "trailing document": self.base + " {}",
        }
        loaded = []
        for what, text in texts.items():
            self.assertNotEqual(text, self.base)
            try:
                iop.Continuum.from_json(text)
            except iop.ParseError as e:
                self.assertIsNone(e.path)
                continue
            loaded.append(what)
        self.assertEqual(loaded, [])

    def test_unknown_source_of_an_unpublished_band(self):
        # A band without bounds may name a source, but it must exist.
        pack = json.loads(self.base)
        i = level_index(pack, "locus", "3")
        pack["levels"][i]["hours_per_week"] = {"adolescent": {"source": "no-such-source"}}
        with self.assertRaises(iop.Error) as cm:
            iop.Continuum.from_json(json.dumps(pack))
        self.assertEqual(cm.exception.code, iop.IOP_ERROR_INVALID_DATA)
        self.assertEqual(cm.exception.path, "$.levels[%d].hours_per_week.adolescent.source" % i)

    def test_empty_alias_is_invalid_data(self):
        # An empty alias has the right type, so like an empty name it breaks a rule.
        pack = json.loads(self.base)
        i = level_index(pack, "asam3", "2.1")
        pack["levels"][i]["aliases"] = [""]
        with self.assertRaises(iop.Error) as cm:
            iop.Continuum.from_json(json.dumps(pack))
        self.assertEqual(iop.error_code_to_string(cm.exception.code), "IOP_ERROR_INVALID_DATA")
        self.assertEqual(cm.exception.path, "$.levels[%d].aliases[0]" % i)


if __name__ == "__main__":
    unittest.main()
