"""Weekly schedules and intensity compliance through the Python binding: hours-per-week band
edges (step-down and step-up recommendations), adolescent bands, the IOP taper rule, the H0015
and Medicare rule sets, unknown rule sets, Medicare payment tiers and recertification dates,
per-diem claim rules (one unit per date, exclusive services, the Medicare PHP window), schedule
validation (the schedule is unchanged on error), byte-identical schedule JSON round trips with
exact JSON paths on error, None refused, ownership across garbage collection, and the report's
JSON.

Mirrors tests/lua/test_compliance.lua (parity is the point). SPDX-License-Identifier: MIT
"""

import gc
import json
import os
import unittest

import iop

UNDER_VALGRIND = bool(os.environ.get("IOP_UNDER_VALGRIND"))

ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT
ASAM3, ASAM4 = iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_ASAM4
MON, TUE, WED, THU, FRI, SAT, SUN = (iop.IOP_MONDAY, iop.IOP_TUESDAY, iop.IOP_WEDNESDAY,
                                     iop.IOP_THURSDAY, iop.IOP_FRIDAY, iop.IOP_SATURDAY,
                                     iop.IOP_SUNDAY)


def week(*minutes, kind="group-therapy"):
    """A schedule with one untimed session a day, Monday first, of the given minutes."""
    s = iop.Schedule()
    for day, m in enumerate(minutes, start=MON):
        s.add_session(day, None, m, kind)
    return s


def hours_week(hours):
    """Three service days (Mon, Wed, Fri) adding up to exactly `hours` hours."""
    total = round(hours * 60)
    s = iop.Schedule()
    for day, m in zip((MON, WED, FRI), (total // 3, total // 3, total - 2 * (total // 3))):
        s.add_session(day, None, m, "group-therapy")
    return s


def claims(*lines):
    return json.dumps({"format": "libiop-claims", "format_version": 1, "lines": list(lines)})


def line(date, code, units=None):
    d = {"date": date, "code": code}
    if units is not None:
        d["units"] = units
    return d


def result(report, rule_id):
    found = [r for r in report.results() if r["id"] == rule_id]
    if len(found) != 1:
        raise AssertionError("%d results for %s in %s" % (len(found), rule_id, report.to_json()))
    return found[0]


def ids(report):
    return [r["id"] for r in report.results()]


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.continuum = iop.Continuum()
        cls.rules = iop.ComplianceRules()
        cls.l21 = cls.continuum.lookup_level(ASAM3, "2.1")
        cls.l25 = cls.continuum.lookup_level(ASAM3, "2.5")
        assert cls.l21 is not None and cls.l25 is not None


class Pack(Base):
    def test_identity_and_rule_sets(self):
        self.assertEqual(self.rules.get_id(), "libiop-default-compliance")
        self.assertEqual(self.rules.get_n_rule_sets(), 4)
        self.assertEqual([self.rules.get_rule_set_id(i) for i in range(4)],
                         ["asam", "service-day", "h0015", "medicare"])
        self.assertIsNone(self.rules.get_rule_set_id(4))

    def test_default_pack_json(self):
        pack = json.loads(iop.ComplianceRules.default_pack_json())
        self.assertEqual(pack["format"], "libiop-compliance")
        self.assertEqual(pack["id"], "libiop-default-compliance")
        again = iop.ComplianceRules.from_json(iop.ComplianceRules.default_pack_json())
        self.assertEqual(again.get_id(), "libiop-default-compliance")


class IntensityEdges(Base):
    """ASAM 3 Level 2.1, adult: 9-19 hours/week."""

    def check(self, hours, **kw):
        return self.rules.check_schedule(self.l21, ADULT, hours_week(hours), **kw)

    def test_below_band_fails_with_step_down(self):
        rep = self.check(8.75)
        self.assertFalse(rep.is_compliant())
        band = result(rep, "weekly-hours-band")
        self.assertEqual((band["passed"], band["status"]), (False, "fail"))
        self.assertAlmostEqual(band["measured"], 8.75)
        self.assertEqual(band["required"], "9-19 hours/week")
        self.assertIsNone(band["date"])
        self.assertEqual(band["source"], "continuum-bands")
        self.assertEqual(rep.get_recommendation(), "step-down")
        self.assertEqual(rep.get_recommended_level().get_code(), "1")
        self.assertEqual(rep.get_recommended_level().get_edition(), ASAM3)

    def test_lower_edge_passes(self):
        rep = self.check(9)
        self.assertTrue(rep.is_compliant(), rep.to_json())
        self.assertEqual(ids(rep), ["weekly-hours-band", "service-day-minimum"])
        band = result(rep, "weekly-hours-band")
        self.assertEqual((band["passed"], band["status"], band["measured"]), (True, "pass", 9.0))
        day = result(rep, "service-day-minimum")
        self.assertEqual((day["passed"], day["measured"], day["required"]), (True, 3.0, ">= 3 hours/service day"))
        self.assertIsNone(rep.get_recommendation())
        self.assertIsNone(rep.get_recommended_level())

    def test_upper_edge_passes(self):
        rep = self.check(19)
        self.assertTrue(rep.is_compliant(), rep.to_json())
        self.assertEqual(result(rep, "weekly-hours-band")["measured"], 19.0)
        self.assertIsNone(rep.get_recommendation())

    def test_above_band_fails_with_step_up(self):
        rep = self.check(19.25)
        self.assertFalse(rep.is_compliant())
        band = result(rep, "weekly-hours-band")
        self.assertEqual((band["passed"], band["status"]), (False, "fail"))
        self.assertAlmostEqual(band["measured"], 19.25)
        self.assertTrue(result(rep, "service-day-minimum")["passed"])
        self.assertEqual(rep.get_recommendation(), "step-up")
        self.assertEqual(rep.get_recommended_level().get_code(), "2.5")

    def test_adolescent_band_starts_at_6(self):
        rep = self.rules.check_schedule(self.l21, ADOLESCENT, week(120, 120, 120), 0, "asam")
        self.assertTrue(rep.is_compliant(), rep.to_json())
        band = result(rep, "weekly-hours-band")
        self.assertEqual((band["measured"], band["required"]), (6.0, "6-19 hours/week"))
        rep = self.rules.check_schedule(self.l21, ADOLESCENT, week(119, 120, 120), 0, "asam")
        self.assertFalse(rep.is_compliant())
        self.assertEqual(rep.get_recommendation(), "step-down")
        # The same 6 hours are below the adult band.
        self.assertFalse(self.rules.check_schedule(self.l21, ADULT, week(120, 120, 120), 0, "asam").is_compliant())

    def test_level_2_5_at_20_hours(self):
        rep = self.rules.check_schedule(self.l25, ADULT, week(240, 240, 240, 240, 240), 0, "asam")
        self.assertTrue(rep.is_compliant(), rep.to_json())
        band = result(rep, "weekly-hours-band")
        self.assertEqual((band["measured"], band["required"]), (20.0, ">= 20 hours/week"))
        rep = self.rules.check_schedule(self.l25, ADULT, week(240, 240, 240, 240, 239), 0, "asam")
        self.assertFalse(rep.is_compliant())
        self.assertEqual(rep.get_recommendation(), "step-down")
        self.assertEqual(rep.get_recommended_level().get_code(), "2.1")
        # 4 hours a day is under 2.5's per-service-day minimum (default rule sets).
        rep = self.rules.check_schedule(self.l25, ADULT, week(240, 240, 240, 240, 240))
        day = result(rep, "service-day-minimum")
        self.assertEqual((day["passed"], day["measured"], day["required"]), (False, 4.0, ">= 5 hours/service day"))

    def test_asam4_level(self):
        l4 = self.continuum.lookup_level(ASAM4, "2.1")
        rep = self.rules.check_schedule(l4, ADULT, hours_week(9))
        self.assertTrue(rep.is_compliant(), rep.to_json())
        self.assertEqual(json.loads(rep.to_json())["edition"], "asam4")


class Taper(Base):
    """7 hours/week at 2.1: below the band; taper for 1-2 weeks, then step down."""

    def check(self, weeks):
        return self.rules.check_schedule(self.l21, ADULT, hours_week(7), weeks, "asam")

    def test_weeks_1_and_2_taper(self):
        for weeks in (1, 2):
            rep = self.check(weeks)
            self.assertTrue(rep.is_compliant(), rep.to_json())
            band = result(rep, "weekly-hours-band")
            self.assertEqual((band["passed"], band["status"], band["measured"]), (True, "taper", 7.0))
            self.assertEqual(band["source"], "aetna-asam-taper")
            self.assertIn("%d of at most 2 weeks" % weeks, band["text"])
            self.assertIsNone(rep.get_recommendation())
            self.assertIsNone(rep.get_recommended_level())

    def test_week_3_fails_with_step_down(self):
        rep = self.check(3)
        self.assertFalse(rep.is_compliant())
        band = result(rep, "weekly-hours-band")
        self.assertEqual((band["passed"], band["status"]), (False, "fail"))
        self.assertEqual(rep.get_recommendation(), "step-down")
        self.assertEqual(rep.get_recommended_level().get_code(), "1")

    def test_not_tapering_fails(self):
        rep = self.check(0)
        self.assertFalse(rep.is_compliant())
        self.assertEqual(result(rep, "weekly-hours-band")["status"], "fail")
        self.assertEqual(rep.get_recommendation(), "step-down")

    def test_taper_does_not_excuse_service_day_minimum(self):
        rep = self.rules.check_schedule(self.l21, ADULT, hours_week(7), 1)
        self.assertFalse(rep.is_compliant())
        self.assertEqual(result(rep, "weekly-hours-band")["status"], "taper")
        self.assertFalse(result(rep, "service-day-minimum")["passed"])

    def test_negative_weeks_refused(self):
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            self.rules.check_schedule(self.l21, ADULT, hours_week(9), -1)
        self.assertEqual(cm.exception.code, iop.IOP_ERROR_INVALID_ARGUMENT)

    def test_invalid_age_refused(self):
        with self.assertRaises(iop.InvalidArgumentError):
            self.rules.check_schedule(self.l21, 0, hours_week(9))


class RuleSets(Base):
    def test_asam_h0015_medicare(self):
        rep = self.rules.check_schedule(self.l21, ADULT, week(180, 180, 180), 0, "asam,h0015,medicare")
        self.assertTrue(rep.is_compliant(), rep.to_json())
        self.assertEqual(ids(rep), ["weekly-hours-band", "h0015-hours-per-day", "h0015-days-per-week",
                                    "medicare-certification"])
        rule_sets = [r["rule_set"] for r in json.loads(rep.to_json())["rules"]]
        self.assertEqual(rule_sets, ["asam", "h0015", "h0015", "medicare"])
        self.assertEqual(result(rep, "h0015-days-per-week")["measured"], 3.0)
        self.assertEqual(result(rep, "h0015-days-per-week")["required"], ">= 3 days/week")
        self.assertEqual(result(rep, "medicare-certification")["required"], ">= 9 hours/week")
        self.assertEqual(result(rep, "medicare-certification")["source"], "cms-iop-2024")

    def test_h0015_two_days_fail(self):
        rep = self.rules.check_schedule(self.l21, ADULT, week(300, 300), 0, "h0015")
        self.assertFalse(rep.is_compliant())
        self.assertEqual(ids(rep), ["h0015-hours-per-day", "h0015-days-per-week"])
        self.assertTrue(result(rep, "h0015-hours-per-day")["passed"])
        days = result(rep, "h0015-days-per-week")
        self.assertEqual((days["passed"], days["measured"]), (False, 2.0))

    def test_h0015_short_day_fails(self):
        rep = self.rules.check_schedule(self.l21, ADULT, week(240, 240, 179), 0, "h0015")
        self.assertFalse(rep.is_compliant())
        self.assertFalse(result(rep, "h0015-hours-per-day")["passed"])
        self.assertTrue(result(rep, "h0015-days-per-week")["passed"])

    def test_medicare_nine_hours(self):
        rep = self.rules.check_schedule(self.l21, ADULT, hours_week(9), 0, "medicare")
        self.assertTrue(rep.is_compliant())
        self.assertEqual(ids(rep), ["medicare-certification"])
        rep = self.rules.check_schedule(self.l21, ADULT, hours_week(8.75), 0, "medicare")
        self.assertFalse(rep.is_compliant())
        m = result(rep, "medicare-certification")
        self.assertEqual(m["status"], "fail")
        self.assertAlmostEqual(m["measured"], 8.75)

    def test_unknown_rule_set(self):
        for sets in ("nope", "asam,nope"):
            with self.assertRaises(iop.NotFoundError) as cm:
                self.rules.check_schedule(self.l21, ADULT, hours_week(9), 0, sets)
            self.assertEqual(cm.exception.code, iop.IOP_ERROR_NOT_FOUND)
            self.assertIn("nope", str(cm.exception))

    def test_empty_selection_refused(self):
        for sets in ("", ","):
            with self.assertRaises(iop.InvalidArgumentError, msg=repr(sets)):
                self.rules.check_schedule(self.l21, ADULT, hours_week(9), 0, sets)
        rep = self.rules.check_schedule(self.l21, ADULT, hours_week(9), 0, "asam,,medicare")
        self.assertEqual(ids(rep), ["weekly-hours-band", "medicare-certification"])


class Medicare(Base):
    def test_tiers(self):
        self.assertEqual([self.rules.get_medicare_tier(n) for n in range(6)], [0, 0, 0, 3, 4, 4])

    def test_recertification_due(self):
        self.assertEqual(self.rules.get_recertification_due("2025-12-31"), "2026-02-28")
        self.assertEqual(self.rules.get_recertification_due("2024-12-31"), "2025-02-28")
        self.assertEqual(self.rules.get_recertification_due("2025-01-31"), "2025-03-31")
        self.assertEqual(self.rules.get_recertification_due("2025-06-15"), "2025-08-15")

    def test_recertification_bad_date(self):
        for bad in ("2025-02-30", "2025-13-01", "31/12/2025", ""):
            with self.assertRaises(iop.InvalidArgumentError, msg=bad):
                self.rules.get_recertification_due(bad)


class Claims(Base):
    def test_two_iop_units_one_date(self):
        for lines in ((line("2026-03-02", "H0015"), line("2026-03-02", "S9480")),
                      (line("2026-03-02", "H0015", 2),)):
            rep = self.rules.check_claims(claims(*lines))
            self.assertFalse(rep.is_compliant())
            self.assertEqual(ids(rep), ["one-unit-per-day"])
            r = rep.results()[0]
            self.assertEqual((r["passed"], r["measured"], r["date"]), (False, 2.0, "2026-03-02"))
            self.assertEqual(r["required"], "<= 1 unit/date of service")
            self.assertEqual(r["source"], "bcbsnc-per-diem")

    def test_iop_and_php_same_date(self):
        rep = self.rules.check_claims(claims(line("2026-03-02", "H0015"), line("2026-03-02", "H0035")))
        self.assertFalse(rep.is_compliant())
        self.assertEqual(ids(rep), ["exclusive-services", "medicare-php-window"])
        self.assertEqual([r["date"] for r in rep.results()], ["2026-03-02", "2026-03-02"])
        doc = json.loads(rep.to_json())
        self.assertIsNone(doc["level"])
        self.assertEqual([r["rule_set"] for r in doc["rules"]], ["per-diem", "medicare"])

    def test_php_window_7_vs_8_days(self):
        rep = self.rules.check_claims(claims(line("2026-03-02", "H0015"), line("2026-03-09", "H0035")))
        self.assertFalse(rep.is_compliant())
        self.assertEqual(ids(rep), ["medicare-php-window"])
        r = rep.results()[0]
        self.assertEqual((r["measured"], r["date"]), (7.0, "2026-03-02"))
        self.assertIn("2026-03-09", r["text"])
        rep = self.rules.check_claims(claims(line("2026-03-01", "H0015"), line("2026-03-09", "H0035")))
        self.assertTrue(rep.is_compliant(), rep.to_json())
        self.assertEqual(rep.get_n_results(), 0)
        # IOP after the PHP date is not in the window.
        self.assertTrue(self.rules.check_claims(
            claims(line("2026-03-10", "H0015"), line("2026-03-09", "H0035"))).is_compliant())

    def test_clean_and_ignored_codes(self):
        rep = self.rules.check_claims(claims(line("2026-03-02", "H0015"), line("2026-03-03", "H0015"),
                                             line("2026-03-02", "99213"), line("2026-03-02", "90853", 3)))
        self.assertTrue(rep.is_compliant(), rep.to_json())
        self.assertEqual(rep.results(), [])
        self.assertTrue(self.rules.check_claims(claims()).is_compliant())

    def test_malformed_claims(self):
        with self.assertRaises(iop.ParseError):
            self.rules.check_claims("{")
        cases = [
            (claims(line("2026-02-30", "H0015")), iop.InvalidDataError, "$.lines[0].date"),
            (claims(line("2026-03-01", "H0015"), {"date": "2026-03-01"}), iop.ParseError, "$.lines[1].code"),
            (claims(line("2026-03-01", "H0015", 0)), iop.InvalidDataError, "$.lines[0].units"),
            (claims(line("2026-03-01", "H0015", "x")), iop.ParseError, "$.lines[0].units"),
            (json.dumps({"format": "x", "format_version": 1, "lines": []}), iop.InvalidDataError, "$.format"),
        ]
        for text, cls, path in cases:
            with self.assertRaises(cls, msg=path) as cm:
                self.rules.check_claims(text)
            self.assertEqual(cm.exception.path, path)


def sample_schedule():
    """Timed and untimed sessions, added out of order."""
    s = iop.Schedule()
    s.add_session(MON, "09:00", 180, "group-therapy")
    s.add_session(MON, None, 60, "drug-testing")
    s.add_session(WED, "18:00", 90, "family-therapy")
    s.add_session(MON, "13:00", 60, "individual-counseling")
    return s


class ScheduleBasics(unittest.TestCase):
    sample = staticmethod(sample_schedule)

    def test_getters_and_order(self):
        s = self.sample()
        self.assertEqual(s.get_n_sessions(), 4)
        self.assertEqual([(s.get_session_day(i), s.get_session_start(i), s.get_session_minutes(i),
                           s.get_session_kind(i)) for i in range(4)],
                         [(MON, "09:00", 180, "group-therapy"), (MON, "13:00", 60, "individual-counseling"),
                          (MON, None, 60, "drug-testing"), (WED, "18:00", 90, "family-therapy")])
        self.assertEqual(s.get_minutes_per_week(), 390)
        self.assertEqual(s.get_hours_per_week(), 6.5)
        self.assertEqual(s.get_minutes_on(MON), 300)
        self.assertEqual(s.get_minutes_on(TUE), 0)
        self.assertEqual(s.get_days_per_week(), 2)
        self.assertEqual(s.get_min_minutes_per_service_day(), 90)
        self.assertEqual((s.get_session_day(4), s.get_session_start(4), s.get_session_minutes(4),
                          s.get_session_kind(4)), (0, None, 0, None))

    def test_empty(self):
        s = iop.Schedule()
        self.assertEqual((s.get_n_sessions(), s.get_minutes_per_week(), s.get_days_per_week(),
                          s.get_min_minutes_per_service_day()), (0, 0, 0, 0))

    def test_adjacent_sessions_and_edges_allowed(self):
        s = iop.Schedule()
        s.add_session(TUE, "09:00", 60, "group-therapy")
        s.add_session(TUE, "10:00", 60, "psychoeducation")  # touches, does not overlap
        s.add_session(SUN, "23:00", 60, "peer-support")      # ends exactly at midnight
        s.add_session(SAT, "00:00", 1440, "activity-therapy")
        self.assertEqual(s.get_n_sessions(), 4)

    def test_errors_leave_schedule_unchanged(self):
        s = self.sample()
        before = s.to_json()
        bad = [
            (MON, "11:00", 60, "group-therapy"),   # overlaps 09:00-12:00
            (MON, "08:30", 31, "group-therapy"),   # overlaps from before
            (MON, "23:00", 61, "group-therapy"),   # crosses midnight
            (TUE, "10:00", 0, "group-therapy"),    # 0 minutes
            (TUE, None, 1441, "group-therapy"),    # over a day
            (TUE, "10:00", 60, "yoga"),            # unknown kind
            (TUE, "9:00", 60, "group-therapy"),    # bad time
            (TUE, "24:00", 60, "group-therapy"),
            (TUE, "10:00Z", 60, "group-therapy"),
            (0, "10:00", 60, "group-therapy"),     # bad day
            (8, None, 60, "group-therapy"),
            (MON, None, 1141, "assessment"),       # Monday would exceed 24 hours
        ]
        for args in bad:
            with self.assertRaises(iop.InvalidArgumentError, msg=repr(args)) as cm:
                s.add_session(*args)
            self.assertEqual(cm.exception.code, iop.IOP_ERROR_INVALID_ARGUMENT)
            self.assertIsNone(cm.exception.path)
            self.assertEqual(s.to_json(), before, repr(args))
        self.assertEqual(s.get_n_sessions(), 4)

    def test_none_kind_refused(self):
        s = iop.Schedule()
        with self.assertRaises(ValueError):
            s.add_session(MON, "10:00", 60, None)
        self.assertEqual(s.get_n_sessions(), 0)

    def test_copy_is_independent(self):
        s = self.sample()
        c = s.copy()
        c.add_session(FRI, None, 60, "life-skills")
        self.assertEqual((s.get_n_sessions(), c.get_n_sessions()), (4, 5))
        del s
        gc.collect()
        self.assertEqual(c.get_minutes_per_week(), 450)


class ScheduleJson(unittest.TestCase):
    def setUp(self):
        s = sample_schedule()
        self.text = s.to_json()
        self.doc = json.loads(self.text)

    def test_document_shape(self):
        self.assertEqual(self.doc["format"], "libiop-schedule")
        self.assertEqual(self.doc["format_version"], 1)
        self.assertEqual(self.doc["sessions"][0],
                         {"day": "mon", "start": "09:00", "minutes": 180, "kind": "group-therapy"})
        self.assertIsNone(self.doc["sessions"][2]["start"])

    def test_round_trip_byte_identical(self):
        again = iop.Schedule.from_json(self.text)
        self.assertEqual(again.to_json(), self.text)
        # Re-serialized with other whitespace and order, the schedule still comes back the same.
        shuffled = dict(self.doc)
        shuffled["sessions"] = list(reversed(self.doc["sessions"]))
        self.assertEqual(iop.Schedule.from_json(json.dumps(shuffled, indent=2)).to_json(), self.text)

    def test_malformed_paths(self):
        def with_session1(**change):
            d = json.loads(self.text)
            d["sessions"][1].update(change)
            return json.dumps(d)

        cases = [
            (with_session1(start="09:30"), iop.InvalidDataError, "$.sessions[1]"),   # overlap
            (with_session1(start="23:30"), iop.InvalidDataError, "$.sessions[1]"),   # midnight
            (with_session1(minutes=0), iop.InvalidDataError, "$.sessions[1]"),
            (with_session1(kind="yoga"), iop.InvalidDataError, "$.sessions[1]"),
            (with_session1(day="xyz"), iop.InvalidDataError, "$.sessions[1].day"),
            (json.dumps({"format": "nope", "format_version": 1, "sessions": []}), iop.InvalidDataError, "$.format"),
            (json.dumps({"format": "libiop-schedule", "format_version": 1}), iop.ParseError, "$.sessions"),
        ]
        for text, cls, path in cases:
            with self.assertRaises(cls, msg=path) as cm:
                iop.Schedule.from_json(text)
            self.assertEqual(cm.exception.path, path, cm.exception.message)
        with self.assertRaises(iop.ParseError) as cm:
            iop.Schedule.from_json("{")
        self.assertIsNone(cm.exception.path)


class NoneAndOwnership(Base):
    def test_none_level_or_schedule_refused(self):
        with self.assertRaises(ValueError):
            self.rules.check_schedule(None, ADULT, hours_week(9))
        with self.assertRaises(ValueError):
            self.rules.check_schedule(self.l21, ADULT, None)
        with self.assertRaises((ValueError, TypeError)):
            self.rules.check_claims(None)

    def test_report_and_level_survive_rules(self):
        rules = iop.ComplianceRules()
        continuum = iop.Continuum()
        level = continuum.lookup_level(ASAM3, "2.1")
        rep = rules.check_schedule(level, ADULT, hours_week(8.75))
        rec = rep.get_recommended_level()
        del rules, continuum
        gc.collect()
        self.assertEqual(level.get_code(), "2.1")
        self.assertEqual(rec.get_code(), "1")
        self.assertFalse(rep.is_compliant())
        self.assertEqual(json.loads(rep.to_json())["recommended_level"], "1")
        del rep
        gc.collect()
        self.assertEqual(rec.get_code(), "1")
        self.assertEqual(rec.get_edition(), ASAM3)

    def test_rules_from_json_outlive_continuum(self):
        continuum = iop.Continuum()
        rules = iop.ComplianceRules.from_json(iop.ComplianceRules.default_pack_json(), continuum)
        level = continuum.lookup_level(ASAM3, "2.1")
        del continuum
        gc.collect()
        self.assertTrue(rules.check_schedule(level, ADULT, hours_week(9)).is_compliant())


class ReportJson(Base):
    def test_schedule_report_json(self):
        rep = self.rules.check_schedule(self.l21, ADULT, hours_week(19.25), 0, "asam,service-day,medicare")
        doc = json.loads(rep.to_json())
        self.assertIs(doc["compliant"], False)
        self.assertEqual((doc["level"], doc["edition"], doc["age_group"]), ("2.1", "asam3", "adult"))
        self.assertEqual((doc["recommendation"], doc["recommended_level"]), ("step-up", "2.5"))
        self.assertEqual([r["id"] for r in doc["rules"]],
                         ["weekly-hours-band", "service-day-minimum", "medicare-certification"])
        for r, res in zip(doc["rules"], rep.results()):
            self.assertLessEqual({"id", "rule_set", "passed", "status", "measured", "required", "date",
                                  "text", "source"}, set(r))
            self.assertIsInstance(r["passed"], bool)
            self.assertEqual((r["id"], r["passed"], r["status"], r["required"]),
                             (res["id"], res["passed"], res["status"], res["required"]))
            self.assertAlmostEqual(r["measured"], round(res["measured"], 2))
        # Measured values are rounded to 2 decimals in JSON: 19.25/3 hours a day.
        self.assertEqual(doc["rules"][1]["measured"], 6.42)

    def test_compliant_report_json(self):
        doc = json.loads(self.rules.check_schedule(self.l21, ADULT, hours_week(12)).to_json())
        self.assertIs(doc["compliant"], True)
        self.assertIsNone(doc["recommendation"])
        self.assertTrue(all(r["passed"] and r["status"] == "pass" for r in doc["rules"]))


class Repeated(Base):
    def test_repeated_checks(self):
        # Gives valgrind (memcheck/python/compliance) something to find if anything leaks.
        for i in range(10 if UNDER_VALGRIND else 100):
            rules = iop.ComplianceRules()
            s = hours_week(7 + i % 14)
            rep = rules.check_schedule(self.l21, ADULT, s, i % 4, "asam,h0015,medicare")
            json.loads(rep.to_json())
            rep.get_recommended_level()
            self.assertEqual(iop.Schedule.from_json(s.to_json()).to_json(), s.to_json())
            for bad in ((MON, "9:00", 60, "group-therapy"), (TUE, None, 60, "yoga")):
                with self.assertRaises(iop.InvalidArgumentError):
                    s.add_session(*bad)
            with self.assertRaises(iop.NotFoundError):
                rules.check_schedule(self.l21, ADULT, s, 0, "nope")
            with self.assertRaises(iop.InvalidDataError):
                iop.Schedule.from_json('{"format":"libiop-schedule","format_version":1,"sessions":'
                                       '[{"day":"mon","start":"09:00","minutes":0,"kind":"assessment"}]}')
            rules.check_claims(claims(line("2026-03-02", "H0015"), line("2026-03-02", "H0035")))
            rules.get_recertification_due("2025-12-31")
            with self.assertRaises(iop.InvalidArgumentError):
                rules.get_recertification_due("bad")
        gc.collect()


if __name__ == "__main__":
    unittest.main()
