"""Continuing care through the Python binding: the default taper's dates computed independently
with datetime and calendar (every start day of 2027 and 2028, named month-end and leap-year
cases, the boundary between the weekly and the two-weekly phase, counts per kind), a program's own
template, the contact log, every escalation rule firing and not firing, the six readiness items
each failing alone, both exports refusing every consent that does not permit them with
PermissionDeniedError (a PermissionError, code 8) and succeeding with the two that do, the FHIR
Bundle, byte-identical round trips, the malformed plan and template corpora with their JSON paths
and no values in messages, None refused where required, ownership across garbage collection.

Mirrors tests/lua/test_careplan.lua (parity is the point). SPDX-License-Identifier: MIT
"""

import calendar
import datetime
import gc
import json
import os
import pathlib
import re
import unittest

import iop

DATA = pathlib.Path(os.environ.get("IOP_TEST_DATA_DIR", pathlib.Path(__file__).resolve().parents[1] / "data")) / "careplan"
UNDER_VALGRIND = bool(os.environ.get("IOP_UNDER_VALGRIND"))
PHI = ("C-0042", "C-7731", "Hillside", "NPI:", "Test Patient", "Telephone check-in", "Referral to", "Dr. Example",
       "Friday evenings", "sponsor", "Sponsor", "555-0100")
DATE = re.compile(r"\d{4}-\d\d-\d\d")
HILLSIDE = "Hillside Outpatient Counseling"
PLANNED, COMPLETED, MISSED, RESCHEDULED, CANCELLED = (iop.IOP_CONTACT_PLANNED, iop.IOP_CONTACT_COMPLETED,
                                                      iop.IOP_CONTACT_MISSED, iop.IOP_CONTACT_RESCHEDULED,
                                                      iop.IOP_CONTACT_CANCELLED)


def no_phi(testcase, text):
    for value in PHI:
        testcase.assertNotIn(value, text)
    testcase.assertIsNone(DATE.search(text), text)


# --- an independent reading of the generation rules (iop-careplan.h, docs/careplan.md) ---------

def add_months(d, months):
    """The same day of the month, or the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def expand(template, start):
    """(date, kind, source) of every item a template gives from @start, by date then template order."""
    s = datetime.date.fromisoformat(start)
    out = []
    for series in template["series"]:
        for ph in series["phases"]:
            if ph["unit"] == "month":
                m = ph["from_month"] + ph["every"]
                while m <= ph["to_month"]:
                    out.append((add_months(s, m), series["kind"], ph["source"]))
                    m += ph["every"]
            else:
                step = datetime.timedelta(days=ph["every"] * (7 if ph["unit"] == "week" else 1))
                d, end = add_months(s, ph["from_month"]) + step, add_months(s, ph["to_month"])
                while d <= end:
                    out.append((d, series["kind"], ph["source"]))
                    d += step
    for item in template["items"]:
        d = add_months(s, item["offset_months"]) if "offset_months" in item else s + datetime.timedelta(item["offset_days"])
        out.append((d, item["kind"], item["source"]))
    order = sorted(range(len(out)), key=lambda i: (out[i][0], i))
    return [(out[i][0].isoformat(), out[i][1], out[i][2]) for i in order]


def items(plan):
    return [(i["date"], i["kind"], i["source"]) for i in json.loads(plan.to_json())["items"]]


# --- fixtures --------------------------------------------------------------------------------

def episode():
    return iop.Episode.from_file(str(DATA / "episode-ready.json"))


def episode_doc():
    return json.loads((DATA / "episode-ready.json").read_text())


def consent(name, mutate=None):
    d = json.loads((DATA / name).read_text())
    if mutate:
        mutate(d)
    return iop.Consent.from_json(json.dumps(d))


def ready_plan(template=None):
    return iop.CarePlan.from_file(str(DATA / "plan-ready.json"), template)


def custom_template():
    return iop.CarePlanTemplate.from_file(str(DATA / "template-custom.json"))


def index(plan, date, kind):
    for i in range(plan.get_n_items()):
        if plan.get_item_date(i) == date and plan.get_item_kind(i) == kind:
            return i
    raise AssertionError("no %s on %s" % (kind, date))


def record(plan, date, kind, status, relapse=False):
    i = index(plan, date, kind)
    assert plan.record_contact(i, status, None, relapse) == i


def score(instrument, answers):
    return iop.MeasureSet().lookup_instrument(instrument).score(answers)


def phq9(others, item9):
    return score("phq9", [others] * 8 + [item9])


def bam(use, risk, protective):
    kinds = "rrruuuxrpprppprpx"  # items 1-17: risk, use, protective, unscored
    return score("bam", [{"u": use, "r": risk, "p": protective, "x": 0}[k] for k in kinds])


def fired(plan, as_of):
    e = plan.escalate(as_of)
    return ["%s@%s" % (e.get_rule(i), e.get_date(i)) for i in range(len(e))]


READY_IDS = ["final-stage-goals", "stage-of-change", "recent-measures", "receiving-provider", "first-appointment",
             "consent"]


def failing(testcase, plan, ep, c, as_of):
    r = plan.check_readiness(ep, c, as_of)
    testcase.assertEqual([r.get_item(i) for i in range(r.get_n_items())], READY_IDS)
    for i in range(r.get_n_items()):
        no_phi(testcase, r.get_text(i))
    out = [r.get_item(i) for i in range(r.get_n_items()) if not r.get_passed(i)]
    testcase.assertEqual(r.is_ready(), not out)
    return out


# --- generation --------------------------------------------------------------------------------

class Generation(unittest.TestCase):
    def test_default_template_is_the_documented_taper(self):
        t = json.loads(iop.CarePlanTemplate.default_pack_json())
        self.assertEqual(t["duration_months"], 18)
        phone = t["series"][0]
        self.assertEqual(phone["kind"], "phone-check-in")
        self.assertEqual(phone["minutes"], 15)
        self.assertEqual([(p["from_month"], p["to_month"], p["every"], p["unit"]) for p in phone["phases"]],
                         [(0, 3, 1, "week"), (3, 12, 2, "week"), (12, 18, 1, "month")])
        tpl = iop.CarePlanTemplate()
        self.assertEqual(tpl.get_id(), "libiop-default-continuing-care")
        self.assertEqual(tpl.get_duration_months(), 18)

    def test_every_start_day_of_2027_and_2028(self):
        t = json.loads(iop.CarePlanTemplate.default_pack_json())
        ep = episode()
        day, last = datetime.date(2027, 1, 1), datetime.date(2028, 12, 31)
        step = datetime.timedelta(days=29 if UNDER_VALGRIND else 1)
        n = 0
        while day <= last:
            start = day.isoformat()
            plan = iop.CarePlan(ep, start)
            self.assertEqual(items(plan), expand(t, start), start)
            self.assertEqual(plan.get_end_date(), add_months(day, 18).isoformat())
            day += step
            n += 1
        self.assertGreater(n, 20)

    def test_month_ends_leap_years_and_the_phase_boundary(self):
        ep = episode()
        # start: (weekly calls, the last one, end of plan)
        cases = {
            "2026-01-31": (12, "2026-04-25", "2027-07-31"),
            "2026-01-30": (12, "2026-04-24", "2027-07-30"),
            "2026-01-29": (12, "2026-04-23", "2027-07-29"),
            "2026-02-28": (12, "2026-05-23", "2027-08-28"),
            "2027-12-31": (13, "2028-03-31", "2029-06-30"),
            "2028-02-29": (12, "2028-05-23", "2029-08-29"),
            "2026-04-01": (13, "2026-07-01", "2027-10-01"),
            "2026-08-31": (13, "2026-11-30", "2028-02-29"),
        }
        for start, (n_weekly, last_weekly, end) in cases.items():
            with self.subTest(start=start):
                s = datetime.date.fromisoformat(start)
                plan = iop.CarePlan(ep, start)
                got = items(plan)
                weekly = [d for d, k, src in got if k == "phone-check-in" and src == "mckay-2005-tel"]
                biweekly = [d for d, k, src in got if k == "phone-check-in" and src == "state-phone-protocol"]
                monthly = [d for d, k, src in got if k == "phone-check-in" and src == "mckay-2010-extended"]
                alumni = [d for d, k, _ in got if k == "alumni-meeting"]
                three = add_months(s, 3)
                self.assertEqual(len(weekly), n_weekly)
                self.assertEqual(weekly[-1], last_weekly)
                # 12 or 13 weekly calls, by the length of the first three months
                self.assertEqual(len(weekly), (three - s).days // 7)
                self.assertLessEqual(weekly[-1], three.isoformat())
                self.assertEqual(biweekly[0], (three + datetime.timedelta(days=14)).isoformat())
                self.assertLessEqual(biweekly[-1], add_months(s, 12).isoformat())
                self.assertEqual(monthly, [add_months(s, m).isoformat() for m in range(13, 19)])
                self.assertEqual(alumni, [add_months(s, m).isoformat() for m in range(1, 13)])
                self.assertEqual([d for d, k, _ in got if k == "booster-session"],
                                 [add_months(s, m).isoformat() for m in (1, 3, 6)])
                self.assertEqual(plan.get_end_date(), end)
                counts = {}
                for _, k, _ in got:
                    counts[k] = counts.get(k, 0) + 1
                self.assertEqual(counts, {"phone-check-in": n_weekly + len(biweekly) + 6, "support-group": 5,
                                          "alumni-meeting": 12, "booster-session": 3, "referral": 3,
                                          "relapse-prevention-review": 1})
        # the clamp counts from the start, never from the previous date
        self.assertIn(("2028-03-31", "alumni-meeting", "continuing-care-components"), items(iop.CarePlan(ep, "2027-12-31")))
        self.assertIn(("2028-02-29", "alumni-meeting", "continuing-care-components"), items(iop.CarePlan(ep, "2027-12-31")))

    def test_a_programs_own_template(self):
        t = custom_template()
        doc = json.loads((DATA / "template-custom.json").read_text())
        self.assertEqual(t.get_id(), "test-custom-care")
        self.assertEqual(t.get_duration_months(), 6)
        ep = episode()
        for start in ("2026-01-31", "2026-03-31", "2028-02-01", "2027-12-31", "2028-02-29"):
            with self.subTest(start=start):
                plan = iop.CarePlan(ep, start, t)
                self.assertEqual(items(plan), expand(doc, start))
                self.assertEqual(plan.get_item_date(0), start)  # the review on the start day
        self.assertEqual([d for d, k, _ in items(iop.CarePlan(ep, "2026-03-31", t)) if k == "phone-check-in"],
                         ["2026-04-10", "2026-04-20", "2026-04-30", "2026-07-31", "2026-09-30"])

    def test_item_details(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        first = index(plan, "2026-03-16", "referral")
        self.assertEqual([plan.get_item_resource(first + k) for k in range(3)],
                         ["vocational-training", "recreational-therapy", "family-therapy"])
        call = index(plan, "2026-03-09", "phone-check-in")
        self.assertEqual(plan.get_item_minutes(call), 15)
        self.assertEqual(plan.get_item_title(call), "Telephone check-in with brief counselling")
        self.assertEqual(plan.get_item_status(call), PLANNED)
        self.assertIsNone(plan.get_item_resource(call))
        self.assertFalse(plan.get_item_relapse(call))
        n = plan.get_n_items()
        self.assertIsNone(plan.get_item_date(n))
        self.assertIsNone(plan.get_item_kind(n))
        self.assertEqual(plan.get_item_minutes(n), 0)
        self.assertEqual(plan.get_item_status(n), 0)

    def test_bad_starts(self):
        ep = episode()
        for start in ("2026-02-30", "2026-3-02", "", "2026-01-04"):
            with self.subTest(start=start):
                with self.assertRaises(iop.InvalidArgumentError):
                    iop.CarePlan(ep, start)
        with self.assertRaises(ValueError):
            iop.CarePlan(ep, None)
        with self.assertRaises(ValueError):
            iop.CarePlan(None, "2026-03-02")


# --- editing and the contact log -------------------------------------------------------------

class Editing(unittest.TestCase):
    def test_provider_appointment_and_items(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        plan.set_receiving_provider(HILLSIDE)
        plan.set_first_appointment("2026-03-02")
        before = plan.to_json()
        for call in (lambda: plan.set_receiving_provider(""), lambda: plan.set_receiving_provider("x" * 201),
                     lambda: plan.set_first_appointment("2026-03-01"), lambda: plan.set_first_appointment("2026-02-29"),
                     lambda: plan.add_item("2026-03-01", "other", "Before"), lambda: plan.add_item("2026-04-01", "referral", "R"),
                     lambda: plan.add_item("2026-04-01", "home-visit", "H"), lambda: plan.add_item("2026-04-01", "other", ""),
                     lambda: plan.add_item("2026-04-01", "other", "Long", 1441)):
            with self.assertRaises(iop.InvalidArgumentError):
                call()
        self.assertEqual(plan.to_json(), before)
        i = plan.add_item("2026-03-16", "other", "Meet Dr. Example about housing", 30)
        self.assertEqual(i, index(plan, "2026-03-16", "referral") + 3)
        self.assertIsNone(plan.get_item_source(i))
        self.assertEqual(plan.add_item("2026-03-02", "booster-session", "Extra booster"), 0)
        plan.set_receiving_provider(None)
        plan.set_first_appointment(None)
        self.assertIsNone(plan.get_receiving_provider())
        self.assertIsNone(plan.get_first_appointment())
        with self.assertRaises(ValueError):
            plan.add_item("2026-04-01", None, "x")

    def test_contact_log(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        n = plan.get_n_items()
        c1, c2, c3 = (index(plan, d, "phone-check-in") for d in ("2026-03-09", "2026-03-16", "2026-03-23"))
        self.assertEqual(plan.record_contact(c1, COMPLETED), c1)
        self.assertEqual(plan.record_contact(c2, MISSED), c2)
        self.assertEqual(plan.record_contact(c1, MISSED, None, True), c1)  # a correction
        self.assertTrue(plan.get_item_relapse(c1))
        self.assertEqual(plan.get_item_status(c1), MISSED)
        copy = plan.record_contact(c3, RESCHEDULED, "2026-03-25")
        self.assertEqual(copy, c3 + 2)  # after the 2026-03-23 supportive group
        self.assertEqual(plan.get_n_items(), n + 1)
        self.assertEqual(plan.get_item_status(c3), RESCHEDULED)
        self.assertEqual((plan.get_item_date(copy), plan.get_item_kind(copy), plan.get_item_status(copy)),
                         ("2026-03-25", "phone-check-in", PLANNED))
        self.assertEqual(plan.get_item_source(copy), "mckay-2005-tel")
        before = plan.to_json()
        with self.assertRaises(iop.NotFoundError):
            plan.record_contact(plan.get_n_items(), COMPLETED)
        for args in ((c1, PLANNED), (c1, 0), (c1, 6), (c2, RESCHEDULED), (c2, COMPLETED, "2026-03-18"),
                     (c2, RESCHEDULED, "2026-02-30"), (c2, RESCHEDULED, "2026-03-01"), (c3, RESCHEDULED, "2026-03-27"),
                     (c3, COMPLETED)):
            with self.subTest(args=args):
                with self.assertRaises(iop.InvalidArgumentError) as cm:
                    plan.record_contact(*args)
                no_phi(self, str(cm.exception))
        self.assertEqual(plan.to_json(), before)
        self.assertGreater(plan.record_contact(copy, RESCHEDULED, "2026-03-27"), copy)

    def test_status_names(self):
        self.assertEqual(iop.contact_status_from_string("missed"), MISSED)
        self.assertEqual(iop.contact_status_to_string(RESCHEDULED), "rescheduled")
        with self.assertRaises(iop.InvalidArgumentError):
            iop.contact_status_from_string("no-show")

    def test_measures_and_relapse_prevention(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        plan.record_measure("2026-03-10", phq9(1, 1))
        plan.record_measure("2026-03-11", bam(1, 0, 4))
        self.assertEqual(plan.get_n_measures(), 2)
        self.assertEqual((plan.get_measure_instrument(0), plan.get_measure_date(0)), ("phq9", "2026-03-10"))
        self.assertTrue(plan.measure_has_flag(0, "self-harm-thoughts"))
        self.assertTrue(plan.measure_has_flag(1, "any-use"))
        self.assertFalse(plan.measure_has_flag(1, "protective-concern"))
        self.assertIsNone(plan.get_measure_instrument(2))
        with self.assertRaises(iop.InvalidArgumentError):
            plan.record_measure("2026-03-32", phq9(0, 0))
        with self.assertRaises(ValueError):
            plan.record_measure("2026-03-10", None)
        plan.add_relapse_prevention("triggers", "Friday evenings after work")
        plan.add_relapse_prevention("people_to_call", "Sponsor Jamie 555-0100")
        self.assertEqual(plan.get_n_relapse_prevention("triggers"), 1)
        self.assertEqual(plan.get_relapse_prevention("people_to_call", 0), "Sponsor Jamie 555-0100")
        self.assertIsNone(plan.get_relapse_prevention("triggers", 1))
        for section, text in (("warning_signs", "x"), ("triggers", ""), ("triggers", "x" * 501)):
            with self.assertRaises(iop.InvalidArgumentError):
                plan.add_relapse_prevention(section, text)


# --- escalation --------------------------------------------------------------------------------

class Escalation(unittest.TestCase):
    def test_two_consecutive_misses(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        record(plan, "2026-03-09", "phone-check-in", MISSED)
        self.assertEqual(fired(plan, "2026-03-09"), [])
        record(plan, "2026-03-16", "phone-check-in", MISSED)
        self.assertEqual(fired(plan, "2026-03-15"), [])
        self.assertEqual(fired(plan, "2026-03-16"), ["missed-contacts@2026-03-16"])
        e = plan.escalate("2026-03-16")
        self.assertEqual((e.get_action(0), e.get_source(0)), ("outreach", "state-phone-protocol"))
        record(plan, "2026-03-23", "phone-check-in", COMPLETED)
        self.assertEqual(fired(plan, "2026-03-23"), [])

    def test_a_completed_contact_between_breaks_the_run(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        record(plan, "2026-03-09", "phone-check-in", MISSED)
        record(plan, "2026-03-16", "support-group", COMPLETED)
        record(plan, "2026-03-23", "phone-check-in", MISSED)
        self.assertEqual(fired(plan, "2026-03-30"), [])

    def test_excluded_kinds_and_skipped_statuses(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        other = plan.add_item("2026-03-10", "other", "Housing appointment")
        record(plan, "2026-03-09", "phone-check-in", MISSED)
        plan.record_contact(other, MISSED)
        record(plan, "2026-03-16", "referral", MISSED)
        record(plan, "2026-03-16", "phone-check-in", CANCELLED)
        plan.record_contact(index(plan, "2026-03-23", "phone-check-in"), RESCHEDULED, "2026-03-25")
        self.assertEqual(fired(plan, "2026-03-29"), [])
        record(plan, "2026-03-30", "phone-check-in", MISSED)
        self.assertEqual(fired(plan, "2026-03-30"), ["missed-contacts@2026-03-30"])

    def test_bam_any_use_and_risk_concern_in_the_window(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        plan.record_measure("2026-03-10", bam(1, 0, 4))
        self.assertEqual(fired(plan, "2026-03-09"), [])
        self.assertEqual(fired(plan, "2026-03-10"), ["bam-concern@2026-03-10"])
        self.assertEqual(fired(plan, "2026-04-08"), ["bam-concern@2026-03-10"])
        self.assertEqual(fired(plan, "2026-04-09"), [])
        other = iop.CarePlan(episode(), "2026-03-02")
        other.record_measure("2026-03-10", bam(0, 0, 0))  # protective concern only
        other.record_measure("2026-03-11", phq9(2, 0))   # depression screen, item 9 = 0
        self.assertEqual(fired(other, "2026-03-12"), [])
        other.record_measure("2026-03-12", bam(0, 2, 4))  # risk 12
        self.assertEqual(fired(other, "2026-03-12"), ["bam-concern@2026-03-12"])

    def test_phq9_item9(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        plan.record_measure("2026-03-12", phq9(0, 1))
        self.assertEqual(fired(plan, "2026-03-12"), ["phq9-item9@2026-03-12"])
        self.assertEqual(plan.escalate("2026-03-12").get_action(0), "reassessment")
        self.assertEqual(fired(plan, "2026-04-10"), ["phq9-item9@2026-03-12"])
        self.assertEqual(fired(plan, "2026-04-11"), [])

    def test_relapse_report(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        record(plan, "2026-03-16", "phone-check-in", COMPLETED, True)
        self.assertEqual(fired(plan, "2026-03-15"), [])
        self.assertEqual(fired(plan, "2026-04-14"), ["relapse@2026-03-16"])
        self.assertEqual(fired(plan, "2026-04-15"), [])

    def test_custom_counts_and_windows(self):
        plan = iop.CarePlan(episode(), "2026-01-31", custom_template())
        record(plan, "2026-02-10", "phone-check-in", MISSED)
        record(plan, "2026-02-20", "phone-check-in", MISSED, True)
        self.assertEqual(fired(plan, "2026-02-20"), ["relapse-week@2026-02-20"])
        record(plan, "2026-02-21", "support-group", MISSED)
        self.assertEqual(fired(plan, "2026-02-21"), ["three-missed@2026-02-21", "relapse-week@2026-02-20"])
        self.assertEqual(fired(plan, "2026-02-27"), ["three-missed@2026-02-21"])
        plan.record_measure("2026-03-01", score("gad7", [2, 2, 2, 2, 1, 1, 0]))
        self.assertEqual(fired(plan, "2026-03-07"), ["three-missed@2026-02-21", "anxiety@2026-03-01"])
        self.assertEqual(fired(plan, "2026-03-08"), ["three-missed@2026-02-21"])

    def test_json_and_bad_dates(self):
        plan = iop.CarePlan(episode(), "2026-03-02")
        record(plan, "2026-03-09", "phone-check-in", MISSED)
        record(plan, "2026-03-16", "phone-check-in", MISSED, True)
        plan.record_measure("2026-03-12", phq9(0, 1))
        plan.record_measure("2026-03-13", bam(1, 0, 4))
        parsed = json.loads(plan.escalate("2026-03-17").to_json())
        self.assertEqual(parsed["as_of"], "2026-03-17")
        self.assertEqual([(x["rule"], x["action"], x["date"]) for x in parsed["escalations"]],
                         [("missed-contacts", "outreach", "2026-03-16"), ("bam-concern", "earlier-booster", "2026-03-13"),
                          ("phq9-item9", "reassessment", "2026-03-12"), ("relapse", "reassessment", "2026-03-16")])
        for x in parsed["escalations"]:
            self.assertTrue(x["text"] and x["source"])
        self.assertEqual(json.loads(plan.escalate("2026-03-02").to_json()), {"as_of": "2026-03-02", "escalations": []})
        with self.assertRaises(iop.InvalidArgumentError):
            plan.escalate("2026-03-32")


# --- readiness ---------------------------------------------------------------------------------

class Readiness(unittest.TestCase):
    def setUp(self):
        self.plan = ready_plan()
        self.ep = episode()
        self.spec = consent("consent-specific.json")

    def check(self, expected, plan=None, ep=None, c="spec", as_of="2026-02-27"):
        c = self.spec if c == "spec" else c
        self.assertEqual(failing(self, plan or self.plan, ep or self.ep, c, as_of), expected)

    def test_ready(self):
        self.check([])
        self.check([], c=consent("consent-tpo.json"))
        parsed = json.loads(self.plan.check_readiness(self.ep, self.spec, "2026-02-27").to_json())
        self.assertIs(parsed["ready"], True)
        self.assertEqual([x["id"] for x in parsed["items"]], READY_IDS)
        self.assertTrue(all(x["passed"] for x in parsed["items"]))

    def test_final_stage_not_reached(self):
        d = episode_doc()
        d["stage_history"].pop()
        ep = iop.Episode.from_json(json.dumps(d))
        self.assertEqual(ep.get_stage(), "family-engagement")
        self.check(["final-stage-goals"], ep=ep)

    def test_final_stage_goals(self):
        for status, expected in (("active", ["final-stage-goals"]), ("proposed", ["final-stage-goals"]),
                                 ("not-achieved", ["final-stage-goals"]), ("cancelled", ["final-stage-goals"]),
                                 ("waived", []), ("achieved", [])):
            with self.subTest(status=status):
                ep = episode()
                ep.set_goal_status("g-transition", status)
                self.check(expected, ep=ep)

    def test_stage_of_change(self):
        for stage, expected in ((iop.IOP_STAGE_OF_CHANGE_CONTEMPLATION, ["stage-of-change"]),
                                (iop.IOP_STAGE_OF_CHANGE_PREPARATION, ["stage-of-change"]),
                                (iop.IOP_STAGE_OF_CHANGE_MAINTENANCE, [])):
            with self.subTest(stage=stage):
                ep = episode()
                ep.set_stage_of_change(stage, "2026-02-26")
                self.check(expected, ep=ep)

    def test_recent_measures(self):
        self.check([], as_of="2026-03-26")
        self.check(["recent-measures"], as_of="2026-03-27")
        urgent = self.plan.copy()
        urgent.record_measure("2026-02-26", phq9(0, 1))
        self.check(["recent-measures"], plan=urgent)
        warning = self.plan.copy()
        warning.record_measure("2026-02-26", bam(1, 2, 0))
        self.check([], plan=warning)

    def test_provider_and_first_appointment(self):
        plan = iop.CarePlan(self.ep, "2026-02-27")
        plan.record_measure("2026-02-25", phq9(0, 0))
        plan.set_first_appointment("2026-03-03")
        self.check(["receiving-provider", "consent"], plan=plan)
        plan.set_receiving_provider(HILLSIDE)
        self.check([], plan=plan)
        for date, expected in ((None, ["first-appointment"]), ("2026-02-27", []), ("2026-03-06", []),
                               ("2026-03-07", ["first-appointment"])):
            with self.subTest(appointment=date):
                plan.set_first_appointment(date)
                self.check(expected, plan=plan)
        plan.set_first_appointment("2026-03-03")
        plan.set_receiving_provider("Someone Else")
        self.check(["consent"], plan=plan)

    def test_consent(self):
        self.check(["consent"], c=None)
        revoked = consent("consent-specific.json")
        revoked.set_revocation("2026-02-26", "in writing")
        self.check(["consent"], c=revoked)
        expired = consent("consent-specific.json", lambda d: d.update(expiration={"type": "date", "date": "2026-02-26"}))
        self.check(["consent"], c=expired)
        self.check([], c=expired, as_of="2026-02-26")
        other = consent("consent-specific.json", lambda d: d["patient"].update(id="C-0099"))
        self.check(["consent"], c=other)
        no_treatment = consent("consent-specific.json", lambda d: d.update(purposes=["patient-request"]))
        self.check(["consent"], c=no_treatment)

    def test_custom_parameters(self):
        plan = iop.CarePlan(self.ep, "2026-02-27", custom_template())
        plan.set_receiving_provider(HILLSIDE)
        plan.set_first_appointment("2026-03-02")
        plan.record_measure("2026-02-14", phq9(0, 0))
        tpo = consent("consent-tpo.json")
        self.check([], plan=plan, c=tpo)
        self.check(["recent-measures"], plan=plan, c=tpo, as_of="2026-02-28")
        plan.set_first_appointment("2026-03-03")
        self.check(["first-appointment"], plan=plan, c=tpo)

    def test_errors(self):
        d = episode_doc()
        d["client"]["id"] = "C-0099"
        with self.assertRaises(iop.InvalidArgumentError):
            self.plan.check_readiness(iop.Episode.from_json(json.dumps(d)), self.spec, "2026-02-27")
        with self.assertRaises(iop.InvalidArgumentError):
            self.plan.check_readiness(self.ep, self.spec, "2026-02-30")
        with self.assertRaises(ValueError):
            self.plan.check_readiness(None, self.spec, "2026-02-27")


# --- gated exports -----------------------------------------------------------------------------

class Exports(unittest.TestCase):
    def setUp(self):
        self.plan = ready_plan()
        self.ep = episode()

    def refused(self, c, recipient=HILLSIDE, date="2026-02-27", reason=None, methods=("to_fhir", "transition_package")):
        for name in methods:
            with self.subTest(method=name, reason=reason):
                with self.assertRaises(iop.PermissionDeniedError) as cm:
                    getattr(self.plan, name)(self.ep, c, recipient, date)
                self.assertIsInstance(cm.exception, PermissionError)
                self.assertEqual(cm.exception.code, 8)
                self.assertEqual(cm.exception.code, iop.IOP_ERROR_PERMISSION_DENIED)
                if reason:
                    self.assertIn(reason, str(cm.exception))
                no_phi(self, str(cm.exception))

    def test_refusals(self):
        revoked = consent("consent-tpo.json")
        revoked.set_revocation("2026-02-20", "in writing")
        self.refused(None, reason="no-consent")
        self.refused(revoked, reason="revoked")
        self.refused(consent("consent-specific.json"), date="2027-01-01", reason="expired")
        self.refused(consent("consent-specific.json"), recipient="Lakeside Recovery Center", reason="recipient-not-covered")
        self.refused(consent("consent-specific.json", lambda d: d.update(purposes=["patient-request"])),
                     reason="purpose-not-covered")
        self.refused(consent("consent-tpo.json", lambda d: d.update(purposes=["payment"])), reason="purpose-not-covered")
        self.refused(consent("consent-specific.json", lambda d: d["information"].update(
            data_classes=["sud-treatment", "care-plan", "attendance", "outcome-measures"])), reason="data-class-not-covered")
        self.refused(consent("consent-specific.json", lambda d: d["patient"].update(id="C-0099")), reason="other-patient")
        no_attendance = consent("consent-specific.json", lambda d: d["information"].update(
            data_classes=["sud-treatment", "diagnoses", "care-plan", "outcome-measures"]))
        self.refused(no_attendance, reason="data-class-not-covered", methods=("transition_package",))
        json.loads(self.plan.to_fhir(self.ep, no_attendance, HILLSIDE, "2026-02-27"))

    def test_permitted(self):
        tpo, spec = consent("consent-tpo.json"), consent("consent-specific.json")
        for c, recipient in ((tpo, "Lakeside Recovery Center"), (spec, HILLSIDE), (spec, "NPI:1234567893")):
            with self.subTest(recipient=recipient):
                bundle = json.loads(self.plan.to_fhir(self.ep, c, recipient, "2026-02-27"))
                self.assertEqual(bundle["resourceType"], "Bundle")
                package = json.loads(self.plan.transition_package(self.ep, c, recipient, "2026-02-27"))
                self.assertEqual(package["format"], "libiop-transition-package")
                self.assertEqual(package["recipient"], recipient)
                self.assertEqual(iop.CarePlan.from_json(json.dumps(package["careplan"], separators=(",", ":"))).to_json(),
                                 self.plan.to_json())

    def test_bad_arguments(self):
        tpo = consent("consent-tpo.json")
        for name in ("to_fhir", "transition_package"):
            method = getattr(self.plan, name)
            with self.assertRaises(iop.InvalidArgumentError):
                method(self.ep, tpo, HILLSIDE, "2026-02-30")
            with self.assertRaises(iop.InvalidArgumentError):
                method(self.ep, tpo, "", "2026-02-27")
            with self.assertRaises(ValueError):
                method(self.ep, tpo, None, "2026-02-27")
            with self.assertRaises(ValueError):
                method(None, tpo, HILLSIDE, "2026-02-27")

    def test_fhir_bundle(self):
        spec = consent("consent-specific.json")
        text = self.plan.to_fhir(self.ep, spec, HILLSIDE, "2026-02-27")
        self.assertEqual(self.plan.to_fhir(self.ep, spec, HILLSIDE, "2026-02-27"), text)
        self.assertEqual(self.plan.copy().to_fhir(self.ep, spec, "NPI:1234567893", "2026-06-01"), text)
        bundle = json.loads(text)
        self.assertEqual(bundle["type"], "collection")
        resources = [e["resource"] for e in bundle["entry"]]
        types = [r["resourceType"] for r in resources]
        n_items = self.plan.get_n_items()
        self.assertEqual(types, ["CarePlan"] + ["Condition"] * 2 + ["Goal"] * 6 + ["ServiceRequest"] * n_items)
        urls = [e["fullUrl"] for e in bundle["entry"]]
        self.assertEqual(len(set(urls)), len(urls))
        for url in urls:
            self.assertRegex(url, r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        for r in resources:
            self.assertEqual({s["code"] for s in r["meta"]["security"]}, {"R", "ETH", "42CFRPart2", "NORDSCLCD"})
            self.assertEqual(r["subject"]["identifier"]["value"], "C-0042")
        plan = resources[0]
        self.assertEqual(plan["category"][0]["coding"][0]["code"], "assess-plan")
        self.assertEqual(plan["period"], {"start": "2026-02-27", "end": "2027-08-27"})
        self.assertEqual([a["reference"]["reference"] for a in plan["activity"]], urls[9:])
        self.assertEqual([a["reference"] for a in plan["goal"]], urls[3:9])
        self.assertEqual([c["code"]["coding"][0]["code"] for c in resources[1:3]], ["F10.20", "F32.1"])
        self.assertEqual({g["lifecycleStatus"] for g in resources[3:9]}, {"completed"})
        for k, r in enumerate(resources[9:]):
            self.assertEqual(r["occurrenceDateTime"], self.plan.get_item_date(k))
            self.assertEqual(r["code"]["coding"][0]["code"], self.plan.get_item_kind(k))
            self.assertEqual(r["status"], "active")


# --- documents ---------------------------------------------------------------------------------

INVALID_PLANS = {
    "unknown-member.json": (iop.ParseError, "$.notes"),
    "wrong-format.json": (iop.InvalidDataError, "$.format"),
    "format-version-2.json": (iop.InvalidDataError, "$.format_version"),
    "other-template.json": (iop.InvalidDataError, "$.template"),
    "missing-client.json": (iop.ParseError, "$.client"),
    "client-with-space.json": (iop.InvalidDataError, "$.client"),
    "start-date-not-calendar.json": (iop.InvalidDataError, "$.start_date"),
    "end-before-start.json": (iop.InvalidDataError, "$.end_date"),
    "provider-empty.json": (iop.InvalidDataError, "$.receiving_provider"),
    "provider-not-a-string.json": (iop.ParseError, "$.receiving_provider"),
    "appointment-before-start.json": (iop.InvalidDataError, "$.first_appointment"),
    "items-not-an-array.json": (iop.ParseError, "$.items"),
    "item-not-an-object.json": (iop.ParseError, "$.items[1]"),
    "item-unknown-member.json": (iop.ParseError, "$.items[0].notes"),
    "item-unknown-kind.json": (iop.InvalidDataError, "$.items[0].kind"),
    "item-unknown-status.json": (iop.InvalidDataError, "$.items[1].status"),
    "item-date-before-start.json": (iop.InvalidDataError, "$.items[0].date"),
    "items-out-of-order.json": (iop.InvalidDataError, "$.items[2].date"),
    "item-minutes-zero.json": (iop.InvalidDataError, "$.items[0].minutes"),
    "item-minutes-missing.json": (iop.ParseError, "$.items[0].minutes"),
    "referral-without-resource.json": (iop.InvalidDataError, "$.items[2].resource"),
    "resource-on-phone-call.json": (iop.InvalidDataError, "$.items[0].resource"),
    "item-unknown-source.json": (iop.InvalidDataError, "$.items[0].source"),
    "item-relapse-not-boolean.json": (iop.ParseError, "$.items[3].relapse"),
    "item-title-too-long.json": (iop.InvalidDataError, "$.items[3].title"),
    "relapse-prevention-unknown-section.json": (iop.ParseError, "$.relapse_prevention.warning_signs"),
    "relapse-prevention-entry-not-a-string.json": (iop.ParseError, "$.relapse_prevention.triggers[0]"),
    "relapse-prevention-entry-too-long.json": (iop.InvalidDataError, "$.relapse_prevention.coping_strategies[1]"),
    "measure-date-not-calendar.json": (iop.InvalidDataError, "$.measures[0].date"),
    "measure-flag-unknown-severity.json": (iop.InvalidDataError, "$.measures[0].flags[0].severity"),
    "measure-total-not-an-integer.json": (iop.ParseError, "$.measures[0].total"),
    "measure-without-flags.json": (iop.ParseError, "$.measures[0].flags"),
}

INVALID_TEMPLATES = {
    "unknown-member.json": (iop.ParseError, "$.notes"),
    "wrong-format.json": (iop.InvalidDataError, "$.format"),
    "duration-zero.json": (iop.InvalidDataError, "$.duration_months"),
    "series-not-an-array.json": (iop.ParseError, "$.series"),
    "series-unknown-kind.json": (iop.InvalidDataError, "$.series[0].kind"),
    "duplicate-id.json": (iop.InvalidDataError, "$.items[0].id"),
    "phases-empty.json": (iop.InvalidDataError, "$.series[0].phases"),
    "phase-to-not-after-from.json": (iop.InvalidDataError, "$.series[0].phases[1].to_month"),
    "phase-past-duration.json": (iop.InvalidDataError, "$.series[0].phases[1].to_month"),
    "phases-overlap.json": (iop.InvalidDataError, "$.series[0].phases[1].from_month"),
    "phase-unknown-unit.json": (iop.InvalidDataError, "$.series[0].phases[0].unit"),
    "phase-every-zero.json": (iop.InvalidDataError, "$.series[0].phases[0].every"),
    "phase-unknown-source.json": (iop.InvalidDataError, "$.series[0].phases[0].source"),
    "phase-unknown-member.json": (iop.ParseError, "$.series[0].phases[0].interval"),
    "item-both-offsets.json": (iop.InvalidDataError, "$.items[0]"),
    "item-no-offset.json": (iop.InvalidDataError, "$.items[0]"),
    "item-offset-past-duration.json": (iop.InvalidDataError, "$.items[0].offset_months"),
    "referral-without-resource.json": (iop.InvalidDataError, "$.items[1].resource"),
    "resource-on-booster.json": (iop.InvalidDataError, "$.items[0].resource"),
    "minutes-too-many.json": (iop.InvalidDataError, "$.series[0].minutes"),
    "escalation-unknown-type.json": (iop.InvalidDataError, "$.escalation[0].type"),
    "escalation-unknown-action.json": (iop.InvalidDataError, "$.escalation[0].action"),
    "missed-rule-without-count.json": (iop.InvalidDataError, "$.escalation[0].count"),
    "flag-rule-with-count.json": (iop.InvalidDataError, "$.escalation[1].count"),
    "flag-rule-without-instrument.json": (iop.InvalidDataError, "$.escalation[1].instrument"),
    "flag-rule-empty-flags.json": (iop.InvalidDataError, "$.escalation[1].flags"),
    "flag-rule-flag-not-a-string.json": (iop.ParseError, "$.escalation[1].flags[0]"),
    "relapse-rule-without-window.json": (iop.InvalidDataError, "$.escalation[2].window_days"),
    "readiness-missing.json": (iop.ParseError, "$.readiness"),
    "readiness-unknown-stage.json": (iop.InvalidDataError, "$.readiness.stages_of_change[1]"),
    "readiness-unknown-appointment-source.json": (iop.InvalidDataError, "$.readiness.appointment_source"),
    "readiness-appointment-days-negative.json": (iop.InvalidDataError, "$.readiness.first_appointment_within_days"),
}


class Documents(unittest.TestCase):
    def test_round_trips(self):
        plan = iop.CarePlan(episode(), "2027-12-31")
        steps = [
            lambda: None,
            lambda: (plan.set_receiving_provider(HILLSIDE), plan.set_first_appointment("2028-01-03"),
                     plan.add_item("2028-01-05", "other", "Meet Dr. Example about housing")),
            lambda: (record(plan, "2028-01-07", "phone-check-in", COMPLETED),
                     record(plan, "2028-01-14", "phone-check-in", MISSED, True),
                     plan.record_contact(index(plan, "2028-01-21", "phone-check-in"), RESCHEDULED, "2028-01-22")),
            lambda: (plan.record_measure("2028-01-10", phq9(1, 1)), plan.record_measure("2028-01-11", bam(1, 3, 0)),
                     plan.add_relapse_prevention("coping_strategies", "Caf\u00e9 instead of the bar \"on the corner\"")),
        ]
        for k, step in enumerate(steps):
            with self.subTest(step=k):
                step()
                first = plan.to_json()
                self.assertEqual(iop.CarePlan.from_json(first).to_json(), first)
                self.assertEqual(plan.copy().to_json(), first)
        custom = custom_template()
        c = iop.CarePlan(episode(), "2026-01-31", custom)
        self.assertEqual(iop.CarePlan.from_json(c.to_json(), custom).to_json(), c.to_json())
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.CarePlan.from_json(c.to_json())
        self.assertEqual(cm.exception.path, "$.template")
        for name, template in (("plan-ready.json", None), ("plan-admission.json", None), ("plan-logged.json", None),
                               ("plan-custom.json", custom)):
            self.assertEqual(iop.CarePlan.from_file(str(DATA / name), template).to_json(), (DATA / name).read_text().strip())

    def test_malformed_plans(self):
        self.assertGreaterEqual(len(INVALID_PLANS), 20)
        self.assertEqual(sorted(INVALID_PLANS), sorted(p.name for p in (DATA / "invalid-plan").glob("*.json")))
        for name, (cls, path) in INVALID_PLANS.items():
            with self.subTest(name=name):
                with self.assertRaises(cls) as cm:
                    iop.CarePlan.from_file(str(DATA / "invalid-plan" / name))
                self.assertEqual(cm.exception.path, path)
                self.assertNotIn("(null)", str(cm.exception))
                no_phi(self, str(cm.exception))

    def test_malformed_templates(self):
        self.assertGreaterEqual(len(INVALID_TEMPLATES), 20)
        self.assertEqual(sorted(INVALID_TEMPLATES), sorted(p.name for p in (DATA / "invalid-template").glob("*.json")))
        for name, (cls, path) in INVALID_TEMPLATES.items():
            with self.subTest(name=name):
                with self.assertRaises(cls) as cm:
                    iop.CarePlanTemplate.from_file(str(DATA / "invalid-template" / name))
                self.assertEqual(cm.exception.path, path)
        with self.assertRaises(iop.IoError):
            iop.CarePlanTemplate.from_file(str(DATA / "no-such-template.json"))
        with self.assertRaises(iop.IoError):
            iop.CarePlan.from_file(str(DATA / "no-such-plan.json"))
        with self.assertRaises(ValueError):
            iop.CarePlan.from_json(None)

    def test_objects_outlive_their_plan_and_template(self):
        t = custom_template()
        plan = iop.CarePlan(episode(), "2026-01-31", t)
        del t
        gc.collect()
        record(plan, "2026-02-10", "phone-check-in", COMPLETED, True)
        e = plan.escalate("2026-02-12")
        r = plan.check_readiness(episode(), None, "2026-02-12")
        del plan
        gc.collect()
        self.assertEqual((len(e), e.get_rule(0), e.get_source(0)), (1, "relapse-week", "program-policy"))
        self.assertFalse(r.is_ready())
        self.assertEqual(r.get_item(5), "consent")


if __name__ == "__main__":
    unittest.main()
