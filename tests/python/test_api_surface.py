"""API-surface test of the Python binding (in the style of Hamlib's bindings tests).

The public names of module iop and of its classes are checked in below, sorted. Adding, renaming or removing a public name makes this test fail and print the
names added and removed; update the lists in the same change as bindings/iop.i (and record the
change in the changelog).

What counts as public (everything else is excluded, deliberately):
  * names that do not start with "_" (this drops SWIG's own helpers such as _iop, _swig_repr,
    _SwigNonDynamicMeta, the __builtin__ import and every dunder);
  * not a SWIG internal: names starting with "SWIG", and the proxy bookkeeping members
    "this", "thisown" and "weakref";
  * at module level, not a module object (an `import` inside iop.py is not API).
Class lists are taken from dir(class), so they include the data members of Range (has_min,
min, has_max, max, max_exclusive) as well as methods. SPDX-License-Identifier: MIT
"""

import inspect
import unittest

import iop

SWIG_INTERNAL_NAMES = {"this", "thisown", "weakref"}

MODULE_NAMES = [
    "Assessment",
    "AttendanceSummary",
    "CarePlan",
    "CarePlanTemplate",
    "ComplianceReport",
    "ComplianceRules",
    "Consent",
    "ConsentDecision",
    "ConsentReport",
    "Continuum",
    "Episode",
    "Error",
    "Escalations",
    "ExistsError",
    "IOP_AGE_ADOLESCENT",
    "IOP_AGE_ADULT",
    "IOP_ATTENDANCE_ATTENDED",
    "IOP_ATTENDANCE_EXCUSED",
    "IOP_ATTENDANCE_MISSED",
    "IOP_CONFIDENCE_HIGH",
    "IOP_CONFIDENCE_LOW",
    "IOP_CONFIDENCE_MEDIUM",
    "IOP_CONFIDENCE_NONE",
    "IOP_CONTACT_CANCELLED",
    "IOP_CONTACT_COMPLETED",
    "IOP_CONTACT_MISSED",
    "IOP_CONTACT_PLANNED",
    "IOP_CONTACT_RESCHEDULED",
    "IOP_DIAGNOSIS_MENTAL_HEALTH",
    "IOP_DIAGNOSIS_OTHER",
    "IOP_DIAGNOSIS_SUBSTANCE",
    "IOP_EDITION_ANY",
    "IOP_EDITION_ASAM3",
    "IOP_EDITION_ASAM4",
    "IOP_EDITION_LOCUS",
    "IOP_ERROR_EXISTS",
    "IOP_ERROR_FAILED",
    "IOP_ERROR_INVALID_ARGUMENT",
    "IOP_ERROR_INVALID_DATA",
    "IOP_ERROR_IO",
    "IOP_ERROR_NOT_FOUND",
    "IOP_ERROR_PARSE",
    "IOP_ERROR_PERMISSION_DENIED",
    "IOP_FRIDAY",
    "IOP_MAJOR_VERSION",
    "IOP_MANAGEMENT_CLINICALLY_MANAGED",
    "IOP_MANAGEMENT_MEDICALLY_MANAGED",
    "IOP_MANAGEMENT_MEDICALLY_MONITORED",
    "IOP_MANAGEMENT_UNSPECIFIED",
    "IOP_MICRO_VERSION",
    "IOP_MINOR_VERSION",
    "IOP_MONDAY",
    "IOP_OUTCOME_MET",
    "IOP_OUTCOME_NOT_APPLICABLE",
    "IOP_OUTCOME_NOT_MET",
    "IOP_SATURDAY",
    "IOP_SETTING_COMMUNITY",
    "IOP_SETTING_INPATIENT",
    "IOP_SETTING_OUTPATIENT",
    "IOP_SETTING_RESIDENTIAL",
    "IOP_SEVERITY_INFO",
    "IOP_SEVERITY_NONE",
    "IOP_SEVERITY_URGENT",
    "IOP_SEVERITY_WARNING",
    "IOP_SEX_FEMALE",
    "IOP_SEX_MALE",
    "IOP_SEX_UNKNOWN",
    "IOP_STAGE_OF_CHANGE_ACTION",
    "IOP_STAGE_OF_CHANGE_CONTEMPLATION",
    "IOP_STAGE_OF_CHANGE_MAINTENANCE",
    "IOP_STAGE_OF_CHANGE_PRECONTEMPLATION",
    "IOP_STAGE_OF_CHANGE_PREPARATION",
    "IOP_STAGE_OF_CHANGE_RELAPSE",
    "IOP_STAGE_OF_CHANGE_UNKNOWN",
    "IOP_SUNDAY",
    "IOP_THURSDAY",
    "IOP_TUESDAY",
    "IOP_VERSION_NUMBER",
    "IOP_VERSION_STRING",
    "IOP_WEDNESDAY",
    "Instrument",
    "InvalidArgumentError",
    "InvalidDataError",
    "IoError",
    "Level",
    "MeasureSeries",
    "MeasureSet",
    "NotFoundError",
    "ParseError",
    "PermissionDeniedError",
    "Placer",
    "PreauthDecision",
    "PreauthLedger",
    "PreauthPolicy",
    "PreauthRequest",
    "Program",
    "Range",
    "Readiness",
    "Recommendation",
    "Schedule",
    "Score",
    "age_group_from_string",
    "age_group_to_string",
    "attendance_status_from_string",
    "attendance_status_to_string",
    "confidence_to_string",
    "consent_check",
    "consent_require",
    "contact_status_from_string",
    "contact_status_to_string",
    "edition_from_string",
    "edition_to_string",
    "error_code_to_string",
    "icd10cm_classify",
    "icd10cm_is_valid",
    "management_to_string",
    "outcome_to_string",
    "session_kind_is_known",
    "setting_to_string",
    "severity_to_string",
    "sex_from_string",
    "sex_to_string",
    "stage_of_change_from_string",
    "stage_of_change_to_string",
    "version_number",
    "version_string",
    "weekday_from_string",
    "weekday_to_string",
]

CLASS_NAMES = {
    "Assessment": [
        "add_available_level",
        "clear_available_levels",
        "copy",
        "from_json",
        "get_age_group",
        "get_assessor_credential",
        "get_available_level",
        "get_co_occurring",
        "get_dimension_id",
        "get_dimension_name",
        "get_instrument",
        "get_n_available_levels",
        "get_n_dimensions",
        "get_rating",
        "get_signed_date",
        "is_complete",
        "set_age_group",
        "set_assessor",
        "set_co_occurring",
        "set_rating",
        "set_ratings",
        "to_json",
    ],
    "AttendanceSummary": [
        "get_attended_hours",
        "get_current_misses",
        "get_flag",
        "get_flag_date",
        "get_n_flags",
        "get_n_weeks",
        "get_planned_hours",
        "get_rate",
        "get_sessions",
        "get_sessions_per_week",
        "get_week",
        "to_json",
    ],
    "CarePlan": [
        "add_item",
        "add_relapse_prevention",
        "check_readiness",
        "copy",
        "escalate",
        "from_file",
        "from_json",
        "get_client_id",
        "get_end_date",
        "get_first_appointment",
        "get_item_date",
        "get_item_kind",
        "get_item_minutes",
        "get_item_relapse",
        "get_item_resource",
        "get_item_source",
        "get_item_status",
        "get_item_title",
        "get_measure_date",
        "get_measure_instrument",
        "get_n_items",
        "get_n_measures",
        "get_n_relapse_prevention",
        "get_receiving_provider",
        "get_relapse_prevention",
        "get_start_date",
        "measure_has_flag",
        "record_contact",
        "record_measure",
        "set_first_appointment",
        "set_receiving_provider",
        "to_fhir",
        "to_json",
        "transition_package",
    ],
    "CarePlanTemplate": [
        "default_pack_json",
        "from_file",
        "from_json",
        "get_duration_months",
        "get_id",
    ],
    "ComplianceReport": [
        "get_date",
        "get_measured",
        "get_n_results",
        "get_passed",
        "get_recommendation",
        "get_recommended_level",
        "get_required",
        "get_rule",
        "get_source",
        "get_status",
        "get_text",
        "is_compliant",
        "results",
        "to_json",
    ],
    "ComplianceRules": [
        "check_claims",
        "check_schedule",
        "default_pack_json",
        "from_file",
        "from_json",
        "get_id",
        "get_medicare_tier",
        "get_n_rule_sets",
        "get_recertification_due",
        "get_rule_set_id",
    ],
    "Consent": [
        "add_data_class",
        "add_intermediary",
        "add_participant",
        "add_purpose",
        "add_recipient",
        "check",
        "copy",
        "data_class_is_known",
        "from_file",
        "from_json",
        "get_date_signed",
        "get_expiration_date",
        "get_id",
        "get_kind",
        "get_patient_id",
        "get_revocation_date",
        "purpose_to_code",
        "recipient_class_is_known",
        "require",
        "set_date_signed",
        "set_disclosing_party",
        "set_event_occurred",
        "set_expiration",
        "set_id",
        "set_information",
        "set_patient",
        "set_revocation",
        "set_revocation_statement",
        "set_signature",
        "set_statements",
        "to_fhir",
        "to_json",
        "validate",
    ],
    "ConsentDecision": [
        "get_n_reasons",
        "get_reason_code",
        "get_reason_text",
        "is_permitted",
        "reasons",
        "to_json",
    ],
    "ConsentReport": [
        "get_element",
        "get_n_issues",
        "get_text",
        "is_valid",
        "issues",
        "to_json",
    ],
    "Continuum": [
        "comparison",
        "comparison_to_json",
        "default_pack_json",
        "from_file",
        "from_json",
        "get_comparison",
        "get_comparison_aspect",
        "get_comparison_label",
        "get_id",
        "get_level",
        "get_n_comparison_aspects",
        "get_n_levels",
        "get_source_citation",
        "get_source_confidence",
        "get_source_url",
        "get_title",
        "get_version",
        "levels",
        "lookup_level",
    ],
    "Episode": [
        "add_attendance",
        "add_diagnosis",
        "add_goal",
        "can_leave_stage",
        "change_level",
        "change_stage",
        "check",
        "copy",
        "from_file",
        "from_json",
        "get_admission_date",
        "get_age_group",
        "get_attendance_date",
        "get_attendance_kind",
        "get_attendance_minutes",
        "get_attendance_start",
        "get_attendance_status",
        "get_birth_date",
        "get_client_id",
        "get_diagnosis",
        "get_goal_description",
        "get_goal_id",
        "get_goal_stage",
        "get_goal_status",
        "get_goal_target_date",
        "get_level",
        "get_level_change_date",
        "get_level_change_level",
        "get_level_change_reason",
        "get_medicare_certified",
        "get_n_attendance",
        "get_n_diagnoses",
        "get_n_goals",
        "get_n_level_changes",
        "get_n_stage_changes",
        "get_n_stage_of_change_entries",
        "get_payer",
        "get_program",
        "get_recertification_due",
        "get_rule_sets",
        "get_schedule",
        "get_stage",
        "get_stage_change_date",
        "get_stage_change_reason",
        "get_stage_change_stage",
        "get_stage_of_change",
        "get_stage_of_change_date",
        "get_stage_of_change_entry",
        "get_taper_start",
        "has_substance_diagnosis",
        "is_co_occurring",
        "set_age_group",
        "set_birth_date",
        "set_goal_status",
        "set_medicare_certified",
        "set_payer",
        "set_rule_sets",
        "set_schedule",
        "set_stage_of_change",
        "set_taper_start",
        "summarize_attendance",
        "to_json",
    ],
    "Escalations": [
        "get_action",
        "get_date",
        "get_n",
        "get_rule",
        "get_source",
        "get_text",
        "to_json",
    ],
    "Instrument": [
        "get_abbreviation",
        "get_id",
        "get_item_id",
        "get_item_label",
        "get_loinc",
        "get_lookback_days",
        "get_n_items",
        "get_n_scales",
        "get_name",
        "get_scale_id",
        "has_outcome_rules",
        "is_valid_answer",
        "score",
    ],
    "Level": [
        "aliases",
        "billing_codes",
        "crosswalk",
        "get_alias",
        "get_billing_code",
        "get_billing_code_description",
        "get_billing_code_system",
        "get_code",
        "get_continuum",
        "get_crosswalk_confidence",
        "get_crosswalk_note",
        "get_description",
        "get_edition",
        "get_hours_per_day",
        "get_hours_per_week",
        "get_management",
        "get_n_aliases",
        "get_n_billing_codes",
        "get_name",
        "get_setting",
        "get_source",
        "get_step_down",
        "get_step_up",
        "is_withdrawal_management",
        "to_json",
    ],
    "MeasureSeries": [
        "add",
        "from_json",
        "get_change_from_baseline",
        "get_date",
        "get_instrument",
        "get_n_administrations",
        "get_remission",
        "get_response",
        "get_score",
        "get_sex",
        "to_json",
    ],
    "MeasureSet": [
        "default_pack_json",
        "from_file",
        "from_json",
        "get_id",
        "get_instrument",
        "get_n_instruments",
        "get_version",
        "instruments",
        "lookup_instrument",
    ],
    "Placer": [
        "default_pack_json",
        "from_file",
        "from_json",
        "get_continuum",
        "get_id",
        "get_instrument_id",
        "get_n_instruments",
        "get_version",
        "place",
        "place_into",
    ],
    "PreauthDecision": [
        "from_pas_json",
        "get_authorized_units",
        "get_decision_due",
        "get_missing_document",
        "get_n_missing_documents",
        "get_n_reasons",
        "get_next_review",
        "get_out_of_pocket",
        "get_outcome",
        "get_period_end",
        "get_period_start",
        "get_reason_code",
        "get_reason_source",
        "get_reason_text",
        "get_rule",
        "to_json",
    ],
    "PreauthLedger": [
        "add_authorization",
        "add_status",
        "from_json",
        "get_metrics_json",
        "get_remaining_units",
        "get_reminders_json",
        "record_attendance",
        "record_use",
        "to_json",
    ],
    "PreauthPolicy": [
        "decide",
        "decide_batch",
        "decide_json",
        "default_pack_json",
        "from_file",
        "from_json",
        "get_id",
        "get_n_payers",
        "get_payer_cms_0057f",
        "get_payer_id",
        "is_illustrative",
    ],
    "PreauthRequest": [
        "from_json",
        "get_id",
        "to_json",
        "to_pas",
    ],
    "Program": [
        "allows_transition",
        "default_pack_json",
        "from_file",
        "from_json",
        "get_dropout_threshold",
        "get_entry_criterion",
        "get_exit_criterion_id",
        "get_exit_criterion_text",
        "get_id",
        "get_n_entry_criteria",
        "get_n_exit_criteria",
        "get_n_stages",
        "get_outreach_misses",
        "get_stage_id",
        "get_stage_name",
        "has_stage",
    ],
    "Range": [
        "bounds",
        "contains",
        "has_max",
        "has_min",
        "is_published",
        "max",
        "max_exclusive",
        "min",
    ],
    "Readiness": [
        "get_item",
        "get_n_items",
        "get_passed",
        "get_text",
        "is_ready",
        "to_json",
    ],
    "Recommendation": [
        "alternatives",
        "binding_dimensions",
        "get_alternative_code",
        "get_alternative_reason",
        "get_binding_dimension",
        "get_composite",
        "get_designation",
        "get_level",
        "get_n_alternatives",
        "get_n_binding_dimensions",
        "get_n_reasons",
        "get_pack_id",
        "get_pack_version",
        "get_reason_code",
        "get_reason_dimension",
        "get_reason_rule",
        "get_reason_source",
        "get_reason_text",
        "get_withdrawal_level",
        "has_composite",
        "reasons",
        "to_json",
    ],
    "Schedule": [
        "add_session",
        "copy",
        "from_json",
        "get_days_per_week",
        "get_hours_per_week",
        "get_min_minutes_per_service_day",
        "get_minutes_on",
        "get_minutes_per_week",
        "get_n_sessions",
        "get_session_day",
        "get_session_kind",
        "get_session_minutes",
        "get_session_start",
        "to_json",
    ],
    "Score": [
        "copy",
        "get_band",
        "get_band_label",
        "get_flag_id",
        "get_flag_label",
        "get_flag_severity",
        "get_instrument",
        "get_max_severity",
        "get_n_flags",
        "get_scale",
        "get_scale_band",
        "get_total",
        "has_flag",
        "has_total",
        "to_json",
    ],
}


def is_public(name):
    return not (name.startswith("_") or name.startswith("SWIG") or name in SWIG_INTERNAL_NAMES)


def module_names():
    return sorted(n for n in dir(iop) if is_public(n) and not inspect.ismodule(getattr(iop, n)))


def class_names(cls):
    return sorted(n for n in dir(cls) if is_public(n))


class ApiSurfaceTest(unittest.TestCase):
    maxDiff = None

    def assert_surface(self, what, actual, expected):
        added = sorted(set(actual) - set(expected))
        removed = sorted(set(expected) - set(actual))
        if added or removed:
            self.fail("the public API of %s changed\n  added:   %s\n  removed: %s\n"
                      "Update tests/python/test_api_surface.py if the change is intended."
                      % (what, ", ".join(added) or "-", ", ".join(removed) or "-"))

    def test_checked_in_lists_are_sorted_and_unique(self):
        for what, names in [("module", MODULE_NAMES)] + sorted(CLASS_NAMES.items()):
            with self.subTest(what=what):
                self.assertEqual(names, sorted(set(names)))

    def test_module(self):
        self.assert_surface("module iop", module_names(), MODULE_NAMES)

    def test_classes(self):
        for name, expected in sorted(CLASS_NAMES.items()):
            with self.subTest(cls=name):
                self.assert_surface("iop." + name, class_names(getattr(iop, name)), expected)

    def test_exclusions_are_real(self):
        # The filter must drop what SWIG adds, or the lists above would hide SWIG changes.
        self.assertIn("thisown", dir(iop.Continuum))
        self.assertNotIn("thisown", class_names(iop.Continuum))
        self.assertTrue(any(n.startswith("_swig") for n in dir(iop)))
        self.assertFalse(any(n.startswith("_") for n in module_names()))

    def test_kinds(self):
        for name in MODULE_NAMES:
            obj = getattr(iop, name)
            with self.subTest(name=name):
                if name.startswith("IOP_"):
                    self.assertIsInstance(obj, str if name == "IOP_VERSION_STRING" else int)
                elif name[0].isupper():
                    self.assertTrue(inspect.isclass(obj))
                else:
                    self.assertTrue(callable(obj))
        for name in ("from_json", "from_file", "default_pack_json"):
            with self.subTest(static=name):
                # Static methods: callable on the class without an instance.
                self.assertIsInstance(inspect.getattr_static(iop.Continuum, name), staticmethod)

    def test_error_classes_are_exactly_the_exceptions(self):
        exceptions = sorted(n for n in MODULE_NAMES
                            if inspect.isclass(getattr(iop, n))
                            and issubclass(getattr(iop, n), BaseException))
        self.assertEqual(exceptions, ["Error", "ExistsError", "InvalidArgumentError",
                                      "InvalidDataError", "IoError", "NotFoundError",
                                      "ParseError", "PermissionDeniedError"])

    def test_version_constants_match_runtime(self):
        self.assertEqual(iop.version_string(), iop.IOP_VERSION_STRING)
        self.assertEqual(iop.version_number(), iop.IOP_VERSION_NUMBER)
        self.assertEqual(iop.IOP_VERSION_NUMBER, iop.IOP_MAJOR_VERSION * 10000
                         + iop.IOP_MINOR_VERSION * 100 + iop.IOP_MICRO_VERSION)
        self.assertEqual(iop.IOP_VERSION_STRING, "%d.%d.%d" % (
            iop.IOP_MAJOR_VERSION, iop.IOP_MINOR_VERSION, iop.IOP_MICRO_VERSION))

    def test_public_callables_have_docstrings(self):
        missing = []
        for name in MODULE_NAMES:
            obj = getattr(iop, name)
            if callable(obj) and not inspect.isclass(obj) and not (obj.__doc__ or "").strip():
                missing.append(name)
        for cls_name, names in CLASS_NAMES.items():
            for name in names:
                obj = getattr(getattr(iop, cls_name), name)
                if callable(obj) and not (obj.__doc__ or "").strip():
                    missing.append(cls_name + "." + name)
        self.assertEqual(missing, [])

    def test_version_string_docstring_is_its_own(self):
        # SWIG -doxygen would attach the comment of the IOP_CHECK_VERSION macro (which it cannot
        # wrap) to the next declaration; iop.i sets version_string's own docstring.
        self.assertNotIn("at least version", iop.version_string.__doc__)

    def test_classes_have_docstrings(self):
        # The class docstrings come from the comments on the struct bodies in iop.i.
        missing = [n for n in CLASS_NAMES if not (getattr(iop, n).__doc__ or "").strip()]
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
