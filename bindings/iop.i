/*
 * libiop SWIG interface: one module `iop` for Python (`import iop`) and Lua (`require "iop"`).
 * SPDX-License-Identifier: MIT
 *
 * Ownership (docs/errors.md, docs/architecture.md):
 * - every object a script holds is owned by its proxy; garbage collection calls the library's
 *   own release function (iop_continuum_unref, iop_level_unref); nothing destroying is exposed;
 * - levels returned from a continuum take a reference, so they stay valid after the Continuum
 *   proxy is collected;
 * - (transfer full) strings are copied into the script and released with iop_free().
 */
%module(docstring="libiop: levels of care, placement, episodes, continuing care and pre-authorization for intensive outpatient treatment.") iop

%{
#include <stdlib.h>
#include <libiop/iop.h>
%}

%include <constraints.i>

/* Public-header macros, as the C compiler would see them on this platform (minus attributes). */
#define IOP_INSIDE
#define IOP_API
#define IOP_BEGIN_DECLS
#define IOP_END_DECLS
#define IOP_WARN_UNUSED_RESULT
#define IOP_DEPRECATED_FOR(f)

%include "iop-errors.swg"
%include "iop-typemaps.swg"
%include "iop-lists.swg"

/* (transfer full) strings: copied into the script, then released with the library's allocator. */
%typemap(newfree) char * "iop_free ($1);";

/* Required strings: None/nil and embedded NULs are refused before they reach C. */
%apply const char *IOP_STRING { const char *json, const char *code, const char *text,
                                const char *field, const char *aspect, const char *source_id,
                                const char *id, const char *instrument_id, const char *scale_id,
                                const char *flag_id, const char *date, const char *instrument,
                                const char *dimension, const char *kind, const char *claims_json,
                                const char *certified, const char *recipient, const char *purpose,
                                const char *payer_id, const char *request_json, const char *auth_id,
                                const char *service_code, const char *first_day, const char *last_day,
                                const char *status_name, const char *instant, const char *as_of };
%apply const char *IOP_PATH { const char *path };
/* Required objects: None/nil is refused (ValueError) before it reaches C. */
%apply Pointer NONNULL { iop_measure_set *set, iop_placer *placer, const iop_assessment *assessment,
                         iop_recommendation *recommendation, const iop_level *level,
                         const iop_schedule *schedule, const iop_preauth_request *request };
/* The gate's consent may be None ("no consent on file"); the methods' self never is. */

/* The function-like macro IOP_CHECK_VERSION cannot be wrapped; keep its comment off the next
 * declaration. */
%feature("docstring") iop_version_string "The version of the libiop library loaded at run time, as \"MAJOR.MINOR.MICRO\".";
%feature("docstring") iop_version_number "The version of the libiop library loaded at run time, as MAJOR * 10000 + MINOR * 100 + MICRO.";

/* Free functions keep their meaning without the prefix: iop.version_string(), ... */
%rename("%(strip:[iop_])s", %$isfunction) "";

/* Everything the classes below cover. */
%rename("$ignore", regexmatch$name="^iop_(continuum|level|range|measure_set|instrument|score|measure_series|placer|assessment|recommendation|schedule|compliance_rules|compliance_report|program|episode|attendance_summary|careplan_template|careplan|escalations|readiness|consent_report|consent_decision|preauth_policy|preauth_request|preauth_decision|preauth_ledger)_", %$isfunction) "";
/* Consent: every function but the two that take a nullable consent, iop.consent_check() and
 * iop.consent_require(), which stay free functions (the gate also exists as Consent.require()). */
%rename("$ignore", regexmatch$name="^iop_consent_(new|free|copy|to_|get_|set_|add_|validate|data_class|recipient_class|purpose_to)", %$isfunction) "";
%newobject iop_consent_check;
%ignore iop_error_get_code;
%ignore iop_error_get_message;
%ignore iop_error_get_path;
%ignore iop_error_free;
%ignore iop_free;
%ignore iop_error;

%rename(Continuum) iop_continuum;
%rename(Level) iop_level;
%rename(Range) iop_range;
%rename(MeasureSet) iop_measure_set;
%rename(Instrument) iop_instrument;
%rename(Score) iop_score;
%rename(MeasureSeries) iop_measure_series;
%rename(Placer) iop_placer;
%rename(Assessment) iop_assessment;
%rename(Recommendation) iop_recommendation;
%rename(Schedule) iop_schedule;
%rename(ComplianceRules) iop_compliance_rules;
%rename(ComplianceReport) iop_compliance_report;
%rename(Consent) iop_consent;
%rename(ConsentReport) iop_consent_report;
%rename(ConsentDecision) iop_consent_decision;
%nodefaultctor iop_continuum;
%nodefaultdtor iop_continuum;
%nodefaultctor iop_level;
%nodefaultdtor iop_level;
%nodefaultctor iop_measure_set;
%nodefaultdtor iop_measure_set;
%nodefaultctor iop_instrument;
%nodefaultdtor iop_instrument;
%nodefaultctor iop_score;
%nodefaultdtor iop_score;
%nodefaultctor iop_measure_series;
%nodefaultdtor iop_measure_series;
%nodefaultctor iop_placer;
%nodefaultdtor iop_placer;
%nodefaultctor iop_assessment;
%nodefaultdtor iop_assessment;
%nodefaultctor iop_recommendation;
%nodefaultdtor iop_recommendation;
%nodefaultctor iop_schedule;
%nodefaultdtor iop_schedule;
%nodefaultctor iop_compliance_rules;
%nodefaultdtor iop_compliance_rules;
%nodefaultctor iop_compliance_report;
%nodefaultdtor iop_compliance_report;
%nodefaultctor iop_consent;
%nodefaultdtor iop_consent;
%nodefaultctor iop_consent_report;
%nodefaultdtor iop_consent_report;
%nodefaultctor iop_consent_decision;
%nodefaultdtor iop_consent_decision;

%include <libiop/iop-version.h>
%include <libiop/iop-error.h>
%include <libiop/iop-continuum.h>
%include <libiop/iop-measure.h>
%include <libiop/iop-placement.h>
%include <libiop/iop-schedule.h>
%include <libiop/iop-compliance.h>
%include <libiop/iop-consent.h>

/* Empty bodies for SWIG only (the C compiler still sees incomplete types); declared after the
 * headers so that the enum constants used as default arguments are defined first. */
/** An immutable catalog of levels of care (ASAM 3rd/4th edition, LOCUS) loaded from a continuum pack. Continuum() loads the built-in pack. */
struct iop_continuum {};
/** One level of care: setting, intensity, billing codes, neighbours and crosswalks. Keeps its continuum alive. */
struct iop_level {};
/** An immutable set of outcome instruments (PHQ-9, GAD-7, AUDIT, AUDIT-C, DAST-10, BAM) loaded from a measures pack. MeasureSet() loads the built-in pack. */
struct iop_measure_set {};
/** One outcome instrument: items, allowed answers, scales, bands and flags. Keeps its set alive. */
struct iop_instrument {};
/** The result of scoring one administration: total, band, scales and flags. */
struct iop_score {};
/** Dated administrations of one instrument for one person, with change from baseline, response and remission. */
struct iop_measure_series {};
/** A placement engine: a loaded placement pack (instruments, ladders, rules). Placer() loads the built-in open pack. */
struct iop_placer {};
/** The ratings of one multidimensional assessment (ASAM, LOCUS, CALOCUS) with its context. */
struct iop_assessment {};
/** A placement result: level, withdrawal management, designation, binding dimensions, reasons and alternatives. */
struct iop_recommendation {};
/** A weekly schedule of sessions, with the hours per week and per service day they add up to. */
struct iop_schedule {};
/** A compliance pack: intensity rule sets, Medicare IOP parameters and per-diem claim rules. ComplianceRules() loads the built-in pack. */
struct iop_compliance_rules {};
/** The rules checked and their results (passed, status, measured, required, source). */
struct iop_compliance_report {};
/** A 42 CFR Part 2 consent (a libiop-consent document): every 2.31(a) element, kind tpo or specific, revocation. Consent.from_json() / Consent.from_file() read one. */
struct iop_consent {};
/** The 2.31(a) elements a consent lacks or gets wrong (element id and text per issue). */
struct iop_consent_report {};
/** Whether one disclosure is permitted by a consent, with every reason (code and text) when not. */
struct iop_consent_decision {};

%newobject iop_continuum::iop_continuum;
%newobject iop_continuum::from_json;
%newobject iop_continuum::from_file;
%newobject iop_continuum::default_pack_json_text;
%rename(default_pack_json) iop_continuum::default_pack_json_text;
%newobject iop_continuum::get_level_owned;
%newobject iop_continuum::lookup_level_owned;
%newobject iop_continuum::comparison_to_json;
%rename(get_level) iop_continuum::get_level_owned;
%rename(lookup_level) iop_continuum::lookup_level_owned;

%extend iop_continuum {
  /** Loads the built-in open continuum pack (ASAM 3rd/4th edition and LOCUS levels). */
  iop_continuum () { return iop_continuum_new_default (); }
  ~iop_continuum () { iop_continuum_unref ($self); }

  /** Loads and strictly validates a continuum pack from JSON text; raises ParseError or InvalidDataError naming the JSON path. */
  static iop_continuum *from_json (const char *json, iop_error **error) {
    return iop_continuum_new_from_json (json, error);
  }
  /** Loads and strictly validates a continuum pack from a file; raises IoError, ParseError or InvalidDataError. */
  static iop_continuum *from_file (const char *path, iop_error **error) {
    return iop_continuum_new_from_file (path, error);
  }
  /** The text of the built-in continuum pack, as a starting point for a user pack. */
  static char *default_pack_json_text () { return iop_continuum_default_pack_json (); }

  /** The pack's identifier. */
  const char *get_id ();
  /** The pack's own version string. */
  const char *get_version ();
  /** The pack's title. */
  const char *get_title ();
  /** The number of levels of an edition (IOP_EDITION_ANY for all). */
  size_t get_n_levels (iop_edition edition = IOP_EDITION_ANY);
  /** The index-th level of an edition in pack order, or None when out of range. */
  const iop_level *get_level_owned (iop_edition edition, size_t index) {
    const iop_level *level = iop_continuum_get_level ($self, edition, index);
    return level != NULL ? iop_level_ref (level) : NULL;
  }
  /** Finds a level by code or alias ("2.1", "II.1", "3.2-WM"); None when absent. */
  const iop_level *lookup_level_owned (iop_edition edition, const char *code) {
    const iop_level *level = iop_continuum_lookup_level ($self, edition, code);
    return level != NULL ? iop_level_ref (level) : NULL;
  }
  /** Every level of an edition (IOP_EDITION_ANY for all), in pack order. */
  iop_level_list levels (iop_edition edition = IOP_EDITION_ANY) {
    return iop_level_list_of ($self, edition);
  }
  /** The citation of a source identifier, or None. */
  const char *get_source_citation (const char *source_id);
  /** The URL of a source identifier, or None. */
  const char *get_source_url (const char *source_id);
  /** The confidence grade of a source (IOP_CONFIDENCE_*). */
  iop_confidence get_source_confidence (const char *source_id);
  /** The number of inpatient-versus-outpatient comparison aspects. */
  size_t get_n_comparison_aspects ();
  /** The identifier of the index-th comparison aspect, or None. */
  const char *get_comparison_aspect (size_t index);
  /** What the comparison says about an aspect for IOP_SETTING_INPATIENT or IOP_SETTING_OUTPATIENT. */
  const char *get_comparison (const char *aspect, iop_setting setting);
  /** The display label of a comparison aspect, or None. */
  const char *get_comparison_label (const char *aspect);
  /** The whole comparison as JSON text. */
  char *comparison_to_json ();
}

%newobject iop_level::get_step_down_owned;
%newobject iop_level::get_step_up_owned;
%newobject iop_level::crosswalk_owned;
%newobject iop_level::get_continuum_owned;
%newobject iop_level::to_json;
%rename(get_step_down) iop_level::get_step_down_owned;
%rename(get_step_up) iop_level::get_step_up_owned;
%rename(crosswalk) iop_level::crosswalk_owned;
%rename(get_continuum) iop_level::get_continuum_owned;

%extend iop_level {
  ~iop_level () { iop_level_unref ($self); }

  /** The level's code, such as "2.1". */
  const char *get_code ();
  /** The level's edition (IOP_EDITION_ASAM3, IOP_EDITION_ASAM4 or IOP_EDITION_LOCUS). */
  iop_edition get_edition ();
  /** The level's name. */
  const char *get_name ();
  /** A one-paragraph description, or None. */
  const char *get_description ();
  /** Where care is delivered (IOP_SETTING_*). */
  iop_setting get_setting ();
  /** Who directs care (IOP_MANAGEMENT_*). */
  iop_management get_management ();
  /** Whether this is a withdrawal-management level. */
  bool is_withdrawal_management ();
  /** The band of treatment hours per week for an age group (IOP_AGE_*). */
  iop_range get_hours_per_week (iop_age_group age);
  /** The band of service hours per service day for an age group. */
  iop_range get_hours_per_day (iop_age_group age);
  /** The number of typical billing codes. */
  size_t get_n_billing_codes ();
  /** The index-th billing code, or None. */
  const char *get_billing_code (size_t index);
  /** The code system of the index-th billing code: hcpcs, cpt, revenue or condition. */
  const char *get_billing_code_system (size_t index);
  /** A short description of the index-th billing code. */
  const char *get_billing_code_description (size_t index);
  /** The next less intensive level, or None. */
  const iop_level *get_step_down_owned () {
    const iop_level *level = iop_level_get_step_down ($self);
    return level != NULL ? iop_level_ref (level) : NULL;
  }
  /** The next more intensive level, or None. */
  const iop_level *get_step_up_owned () {
    const iop_level *level = iop_level_get_step_up ($self);
    return level != NULL ? iop_level_ref (level) : NULL;
  }
  /** The corresponding level in another edition, or None. */
  const iop_level *crosswalk_owned (iop_edition to) {
    const iop_level *level = iop_level_crosswalk ($self, to);
    return level != NULL ? iop_level_ref (level) : NULL;
  }
  /** The confidence grade of the crosswalk to an edition (IOP_CONFIDENCE_NONE when unmapped). */
  iop_confidence get_crosswalk_confidence (iop_edition to);
  /** A note on the crosswalk to an edition, or None. */
  const char *get_crosswalk_note (iop_edition to);
  /** The source identifier behind a field ("level", "hours_per_week.adult", "billing_codes.0", "crosswalk.asam4", ...), or None. */
  const char *get_source (const char *field);
  /** The number of aliases. */
  size_t get_n_aliases ();
  /** The index-th alias, or None. */
  const char *get_alias (size_t index);
  /** The continuum this level belongs to. */
  iop_continuum *get_continuum_owned () {
    return iop_continuum_ref (iop_level_get_continuum ($self));
  }
  /** The level as compact JSON text. */
  char *to_json ();
}

%rename(contains) iop_range::contains_value;
%rename(is_published) iop_range::is_published_band;
%newobject iop_measure_set::iop_measure_set;
%newobject iop_measure_set::from_json;
%newobject iop_measure_set::from_file;
%newobject iop_measure_set::default_pack_json_text;
%newobject iop_measure_set::get_instrument_owned;
%newobject iop_measure_set::lookup_instrument_owned;
%rename(default_pack_json) iop_measure_set::default_pack_json_text;
%rename(get_instrument) iop_measure_set::get_instrument_owned;
%rename(lookup_instrument) iop_measure_set::lookup_instrument_owned;

%extend iop_measure_set {
  /** Loads the built-in open measures pack. */
  iop_measure_set () { return iop_measure_set_new_default (); }
  ~iop_measure_set () { iop_measure_set_unref ($self); }
  /** Loads and strictly validates a measures pack from JSON text. */
  static iop_measure_set *from_json (const char *json, iop_error **error) {
    return iop_measure_set_new_from_json (json, error);
  }
  /** Loads and strictly validates a measures pack from a file. */
  static iop_measure_set *from_file (const char *path, iop_error **error) {
    return iop_measure_set_new_from_file (path, error);
  }
  /** The text of the built-in measures pack. */
  static char *default_pack_json_text () { return iop_measure_set_default_pack_json (); }
  /** The pack's identifier. */
  const char *get_id ();
  /** The pack's own version string. */
  const char *get_version ();
  /** The number of instruments. */
  size_t get_n_instruments ();
  /** The index-th instrument, or None. */
  const iop_instrument *get_instrument_owned (size_t index) {
    const iop_instrument *i = iop_measure_set_get_instrument ($self, index);
    return i != NULL ? iop_instrument_ref (i) : NULL;
  }
  /** Finds an instrument by identifier or abbreviation ("phq9", "PHQ-9"); None when absent. */
  const iop_instrument *lookup_instrument_owned (const char *id) {
    const iop_instrument *i = iop_measure_set_lookup_instrument ($self, id);
    return i != NULL ? iop_instrument_ref (i) : NULL;
  }
  /** Every instrument, in pack order. */
  iop_instrument_list instruments () { return iop_instrument_list_of ($self); }
}

%newobject iop_instrument::score_answers;
%rename(score) iop_instrument::score_answers;

%extend iop_instrument {
  ~iop_instrument () { iop_instrument_unref ($self); }
  /** The instrument's identifier, such as "phq9". */
  const char *get_id ();
  /** The instrument's name. */
  const char *get_name ();
  /** The instrument's abbreviation, such as "PHQ-9". */
  const char *get_abbreviation ();
  /** The LOINC code of the total score, or None. */
  const char *get_loinc ();
  /** How many days back the questions ask about (0 when not stated). */
  int get_lookback_days ();
  /** The number of items (answers a score needs). */
  size_t get_n_items ();
  /** The identifier of the index-th item, or None. */
  const char *get_item_id (size_t index);
  /** A short label of the index-th item, or None. */
  const char *get_item_label (size_t index);
  /** Whether an answer code is allowed for the index-th item. */
  bool is_valid_answer (size_t index, int answer);
  /** The number of scales. */
  size_t get_n_scales ();
  /** The identifier of the index-th scale, or None. */
  const char *get_scale_id (size_t index);
  /** Whether the pack defines response and remission rules. */
  bool has_outcome_rules ();
  /** Scores one administration (a sequence of answer codes, one per item); raises InvalidArgumentError naming the item for a wrong count or a disallowed answer. */
  iop_score *score_answers (const int *answers, size_t n_answers, iop_sex sex = IOP_SEX_UNKNOWN, iop_error **error) {
    return iop_instrument_score ($self, answers, n_answers, sex, error);
  }
}

%newobject iop_score::copy_score;
%rename(copy) iop_score::copy_score;
%newobject iop_score::get_instrument_owned;
%newobject iop_score::to_json;
%rename(get_instrument) iop_score::get_instrument_owned;

%extend iop_score {
  ~iop_score () { iop_score_free ($self); }
  /** A copy of the score. */
  iop_score *copy_score () { return iop_score_copy ($self); }
  /** The scored instrument. */
  const iop_instrument *get_instrument_owned () { return iop_instrument_ref (iop_score_get_instrument ($self)); }
  /** Whether the instrument has a total (a primary scale). */
  bool has_total ();
  /** The total score, or -1 without a primary scale. */
  int get_total ();
  /** The total's band identifier, or None. */
  const char *get_band ();
  /** The total's band label, or None. */
  const char *get_band_label ();
  /** The value of a scale ("total", "use", "risk", "protective", ...), or -1 for an unknown scale. */
  int get_scale (const char *scale_id);
  /** The band of a scale, or None. */
  const char *get_scale_band (const char *scale_id);
  /** The number of flags raised. */
  size_t get_n_flags ();
  /** The identifier of the index-th flag, or None. */
  const char *get_flag_id (size_t index);
  /** The text of the index-th flag, or None. */
  const char *get_flag_label (size_t index);
  /** The severity of the index-th flag (IOP_SEVERITY_*). */
  iop_severity get_flag_severity (size_t index);
  /** Whether a flag with this identifier was raised. */
  bool has_flag (const char *flag_id);
  /** The highest severity among the raised flags (IOP_SEVERITY_NONE when none). */
  iop_severity get_max_severity ();
  /** The score as compact JSON text. */
  char *to_json ();
}

%newobject iop_measure_series::iop_measure_series;
%newobject iop_measure_series::from_json;
%newobject iop_measure_series::get_instrument_owned;
%newobject iop_measure_series::get_score_copy;
%newobject iop_measure_series::to_json;
%rename(get_instrument) iop_measure_series::get_instrument_owned;
%rename(get_score) iop_measure_series::get_score_copy;
%rename(add) iop_measure_series::add_administration;

%extend iop_measure_series {
  /** Starts an empty series for one instrument; raises NotFoundError for an unknown instrument. */
  iop_measure_series (iop_measure_set *set, const char *instrument_id, iop_sex sex = IOP_SEX_UNKNOWN, iop_error **error) {
    return iop_measure_series_new (set, instrument_id, sex, error);
  }
  ~iop_measure_series () { iop_measure_series_free ($self); }
  /** Reads a series document; every administration is re-validated and re-scored. */
  static iop_measure_series *from_json (iop_measure_set *set, const char *json, iop_error **error) {
    return iop_measure_series_new_from_json (set, json, error);
  }
  /** Scores and records one administration on a date ("YYYY-MM-DD"). */
  void add_administration (const char *date, const int *answers, size_t n_answers, iop_error **error) {
    iop_measure_series_add ($self, date, answers, n_answers, error);
  }
  /** The series' instrument. */
  const iop_instrument *get_instrument_owned () { return iop_instrument_ref (iop_measure_series_get_instrument ($self)); }
  /** The sex recorded for the series (IOP_SEX_*). */
  iop_sex get_sex ();
  /** The number of administrations. */
  size_t get_n_administrations ();
  /** The date of the index-th administration (date order), or None. */
  const char *get_date (size_t index);
  /** A copy of the index-th administration's score, or None. */
  iop_score *get_score_copy (size_t index) {
    const iop_score *s = iop_measure_series_get_score ($self, index);
    return s != NULL ? iop_score_copy (s) : NULL;
  }
  /** The latest total minus the baseline total. */
  int get_change_from_baseline ();
  /** Whether the response rule is met (IOP_OUTCOME_*). */
  iop_outcome get_response ();
  /** Whether the remission rule is met (IOP_OUTCOME_*). */
  iop_outcome get_remission ();
  /** The series as compact JSON text. */
  char *to_json ();
}

%newobject iop_placer::iop_placer;
%newobject iop_placer::from_json;
%newobject iop_placer::from_file;
%newobject iop_placer::default_pack_json_text;
%newobject iop_placer::get_continuum_owned;
%newobject iop_placer::place_assessment;
%rename(default_pack_json) iop_placer::default_pack_json_text;
%rename(get_continuum) iop_placer::get_continuum_owned;
%rename(place) iop_placer::place_assessment;
%rename(place_into) iop_placer::place_assessment_into;

%extend iop_placer {
  /** Loads the built-in open placement pack against the built-in continuum. */
  iop_placer () { return iop_placer_new_default (); }
  ~iop_placer () { iop_placer_unref ($self); }
  /** Loads and strictly validates a placement pack from JSON text (continuum None: the built-in one). */
  static iop_placer *from_json (const char *json, iop_continuum *continuum = NULL, iop_error **error) {
    return iop_placer_new_from_json (continuum, json, error);
  }
  /** Loads and strictly validates a placement pack from a file (continuum None: the built-in one). */
  static iop_placer *from_file (const char *path, iop_continuum *continuum = NULL, iop_error **error) {
    return iop_placer_new_from_file (continuum, path, error);
  }
  /** The text of the built-in placement pack. */
  static char *default_pack_json_text () { return iop_placer_default_pack_json (); }
  /** The pack's identifier. */
  const char *get_id ();
  /** The pack's own version string. */
  const char *get_version ();
  /** The continuum the pack's levels come from. */
  iop_continuum *get_continuum_owned () { return iop_continuum_ref (iop_placer_get_continuum ($self)); }
  /** The number of instruments in the pack. */
  size_t get_n_instruments ();
  /** The identifier of the index-th instrument, or None. */
  const char *get_instrument_id (size_t index);
  /** Places a complete assessment; raises InvalidArgumentError naming a missing dimension. */
  iop_recommendation *place_assessment (const iop_assessment *assessment, iop_error **error) {
    return iop_placer_place ($self, assessment, error);
  }
  /** Places an assessment into an existing Recommendation, reusing its buffers. */
  void place_assessment_into (const iop_assessment *assessment, iop_recommendation *recommendation, iop_error **error) {
    iop_placer_place_into ($self, assessment, recommendation, error);
  }
}

%newobject iop_assessment::iop_assessment;
%newobject iop_assessment::from_json;
%newobject iop_assessment::copy_assessment;
%newobject iop_assessment::to_json;
%rename(copy) iop_assessment::copy_assessment;
%rename(set_rating) iop_assessment::set_one_rating;
%rename(set_ratings) iop_assessment::set_all_ratings;
%rename(add_available_level) iop_assessment::add_available;
%rename(set_assessor) iop_assessment::set_assessor_details;

%extend iop_assessment {
  /** Starts an empty assessment for one of the placer's instruments ("asam3", "asam4", "locus", "calocus"). */
  iop_assessment (iop_placer *placer, const char *instrument, iop_error **error) {
    return iop_assessment_new (placer, instrument, error);
  }
  ~iop_assessment () { iop_assessment_free ($self); }
  /** Reads an assessment document; raises with the JSON path of the member at fault. */
  static iop_assessment *from_json (iop_placer *placer, const char *json, iop_error **error) {
    return iop_assessment_new_from_json (placer, json, error);
  }
  /** A copy of the assessment. */
  iop_assessment *copy_assessment () { return iop_assessment_copy ($self); }
  /** The instrument identifier. */
  const char *get_instrument ();
  /** The number of dimensions. */
  size_t get_n_dimensions ();
  /** The identifier of the index-th dimension, or None. */
  const char *get_dimension_id (size_t index);
  /** The name of the index-th dimension, or None. */
  const char *get_dimension_name (size_t index);
  /** Sets one rating; raises InvalidArgumentError for an unknown dimension or a rating out of range. */
  void set_one_rating (const char *dimension, int rating, iop_error **error) {
    iop_assessment_set_rating ($self, dimension, rating, error);
  }
  /** Sets every rating in dimension order (a sequence of integers). */
  void set_all_ratings (const int *ratings, size_t n_ratings, iop_error **error) {
    iop_assessment_set_ratings ($self, ratings, n_ratings, error);
  }
  /** One rating, or -1 when unset. */
  int get_rating (const char *dimension);
  /** Whether every dimension has a rating. */
  bool is_complete ();
  /** Sets the age group (IOP_AGE_*). */
  void set_age_group (iop_age_group age);
  /** The age group (IOP_AGE_*). */
  iop_age_group get_age_group ();
  /** Records whether a co-occurring mental-health condition is present. */
  void set_co_occurring (bool co_occurring);
  /** Whether a co-occurring mental-health condition is present. */
  bool get_co_occurring ();
  /** Declares a level available locally; raises NotFoundError for an unknown code. */
  void add_available (const char *code, iop_error **error) {
    iop_assessment_add_available_level ($self, code, error);
  }
  /** Forgets every declared available level. */
  void clear_available_levels ();
  /** The number of declared available levels. */
  size_t get_n_available_levels ();
  /** The code of the index-th declared available level, or None. */
  const char *get_available_level (size_t index);
  /** Records who signed the assessment and when ("YYYY-MM-DD"); None clears. */
  void set_assessor_details (const char *credential_or_none, const char *signed_date_or_none, iop_error **error) {
    iop_assessment_set_assessor ($self, credential_or_none, signed_date_or_none, error);
  }
  /** The assessor's credential, or None. */
  const char *get_assessor_credential ();
  /** The signed date, or None. */
  const char *get_signed_date ();
  /** The assessment as compact JSON text. */
  char *to_json ();
}

%newobject iop_recommendation::iop_recommendation;
%newobject iop_recommendation::get_level_owned;
%newobject iop_recommendation::get_withdrawal_level_owned;
%newobject iop_recommendation::to_json;
%rename(get_level) iop_recommendation::get_level_owned;
%rename(get_withdrawal_level) iop_recommendation::get_withdrawal_level_owned;

%extend iop_recommendation {
  /** An empty recommendation, for Placer.place_into(). */
  iop_recommendation () { return iop_recommendation_new (); }
  ~iop_recommendation () { iop_recommendation_free ($self); }
  /** The recommended level, or None when empty. */
  const iop_level *get_level_owned () {
    const iop_level *l = iop_recommendation_get_level ($self);
    return l != NULL ? iop_level_ref (l) : NULL;
  }
  /** The withdrawal-management level Dimension 1 calls for, or None. */
  const iop_level *get_withdrawal_level_owned () {
    const iop_level *l = iop_recommendation_get_withdrawal_level ($self);
    return l != NULL ? iop_level_ref (l) : NULL;
  }
  /** The designation ("COC", "COE"), or None. */
  const char *get_designation ();
  /** Whether the instrument uses a composite score. */
  bool has_composite ();
  /** The composite score, or -1. */
  int get_composite ();
  /** The number of binding dimensions. */
  size_t get_n_binding_dimensions ();
  /** The identifier of the index-th binding dimension, or None. */
  const char *get_binding_dimension (size_t index);
  /** The number of reasons. */
  size_t get_n_reasons ();
  /** The machine code of the index-th reason, or None. */
  const char *get_reason_code (size_t index);
  /** The text of the index-th reason, or None. */
  const char *get_reason_text (size_t index);
  /** The rule identifier behind the index-th reason, or None. */
  const char *get_reason_rule (size_t index);
  /** The source identifier of the index-th reason, or None. */
  const char *get_reason_source (size_t index);
  /** The dimension of the index-th reason, or None. */
  const char *get_reason_dimension (size_t index);
  /** The number of alternatives considered. */
  size_t get_n_alternatives ();
  /** The level code of the index-th alternative, or None. */
  const char *get_alternative_code (size_t index);
  /** Why the index-th alternative was not chosen, or None. */
  const char *get_alternative_reason (size_t index);
  /** The producing pack's identifier, or None. */
  const char *get_pack_id ();
  /** The producing pack's version, or None. */
  const char *get_pack_version ();
  /** The recommendation as compact JSON text. */
  char *to_json ();
}

%newobject iop_schedule::iop_schedule;
%newobject iop_schedule::from_json;
%newobject iop_schedule::copy_schedule;
%newobject iop_schedule::to_json;
%rename(copy) iop_schedule::copy_schedule;
%rename(add_session) iop_schedule::add_one_session;

%extend iop_schedule {
  /** An empty weekly schedule. */
  iop_schedule () { return iop_schedule_new (); }
  ~iop_schedule () { iop_schedule_free ($self); }
  /** Reads a schedule document; raises with the JSON path of the session at fault. */
  static iop_schedule *from_json (const char *json, iop_error **error) { return iop_schedule_new_from_json (json, error); }
  /** A copy of the schedule. */
  iop_schedule *copy_schedule () { return iop_schedule_copy ($self); }
  /** Adds a session (weekday IOP_MONDAY..IOP_SUNDAY, start "HH:MM" or None, minutes, kind); raises InvalidArgumentError for overlaps, midnight crossings, bad durations or kinds. */
  void add_one_session (iop_weekday day, const char *start_or_none, int minutes, const char *kind, iop_error **error) {
    iop_schedule_add_session ($self, day, start_or_none, minutes, kind, error);
  }
  /** The number of sessions per week. */
  size_t get_n_sessions ();
  /** The weekday of the index-th session (0 when out of range). */
  iop_weekday get_session_day (size_t index);
  /** The start time of the index-th session, or None. */
  const char *get_session_start (size_t index);
  /** The duration of the index-th session in minutes. */
  int get_session_minutes (size_t index);
  /** The kind of the index-th session, or None. */
  const char *get_session_kind (size_t index);
  /** Total minutes per week. */
  int get_minutes_per_week ();
  /** Total hours per week. */
  double get_hours_per_week ();
  /** Minutes on one weekday. */
  int get_minutes_on (iop_weekday day);
  /** The number of service days per week. */
  int get_days_per_week ();
  /** The shortest service day in minutes (0 when none). */
  int get_min_minutes_per_service_day ();
  /** The schedule as compact JSON text. */
  char *to_json ();
}

%newobject iop_compliance_rules::iop_compliance_rules;
%newobject iop_compliance_rules::from_json;
%newobject iop_compliance_rules::from_file;
%newobject iop_compliance_rules::default_pack_json_text;
%newobject iop_compliance_rules::check_schedule_owned;
%newobject iop_compliance_rules::check_claims_owned;
%newobject iop_compliance_rules::recertification_due;
%rename(default_pack_json) iop_compliance_rules::default_pack_json_text;
%rename(check_schedule) iop_compliance_rules::check_schedule_owned;
%rename(check_claims) iop_compliance_rules::check_claims_owned;
%rename(get_recertification_due) iop_compliance_rules::recertification_due;

%extend iop_compliance_rules {
  /** Loads the built-in compliance pack against the built-in continuum. */
  iop_compliance_rules () { return iop_compliance_rules_new_default (); }
  ~iop_compliance_rules () { iop_compliance_rules_unref ($self); }
  /** Loads and strictly validates a compliance pack from JSON text (continuum None: the built-in one). */
  static iop_compliance_rules *from_json (const char *json, iop_continuum *continuum = NULL, iop_error **error) {
    return iop_compliance_rules_new_from_json (continuum, json, error);
  }
  /** Loads and strictly validates a compliance pack from a file. */
  static iop_compliance_rules *from_file (const char *path, iop_continuum *continuum = NULL, iop_error **error) {
    return iop_compliance_rules_new_from_file (continuum, path, error);
  }
  /** The text of the built-in compliance pack. */
  static char *default_pack_json_text () { return iop_compliance_rules_default_pack_json (); }
  /** The pack's identifier. */
  const char *get_id ();
  /** The number of rule sets. */
  size_t get_n_rule_sets ();
  /** The identifier of the index-th rule set, or None. */
  const char *get_rule_set_id (size_t index);
  /** Checks a weekly schedule against a level (rule_sets: comma-separated ids, None for the defaults; weeks_below_band: 0 when not tapering). */
  iop_compliance_report *check_schedule_owned (const iop_level *level, iop_age_group age, const iop_schedule *schedule,
                                               int weeks_below_band = 0, const char *rule_sets_or_none = NULL, iop_error **error) {
    return iop_compliance_rules_check_schedule ($self, level, age, schedule, weeks_below_band, rule_sets_or_none, error);
  }
  /** Checks a claims document (libiop-claims) against the per-diem rules and the Medicare PHP window. */
  iop_compliance_report *check_claims_owned (const char *claims_json, iop_error **error) {
    return iop_compliance_rules_check_claims ($self, claims_json, error);
  }
  /** The Medicare IOP payment tier for a day with n qualifying services: 4, 3 or 0 (not payable). */
  int get_medicare_tier (int qualifying_services);
  /** The date Medicare IOP recertification is due, "YYYY-MM-DD". */
  char *recertification_due (const char *certified, iop_error **error) {
    return iop_compliance_rules_get_recertification_due ($self, certified, error);
  }
}

%newobject iop_compliance_report::get_recommended_level_owned;
%newobject iop_compliance_report::to_json;
%rename(get_recommended_level) iop_compliance_report::get_recommended_level_owned;

%extend iop_compliance_report {
  ~iop_compliance_report () { iop_compliance_report_free ($self); }
  /** Whether every reported rule passed. */
  bool is_compliant ();
  /** The number of rule results. */
  size_t get_n_results ();
  /** The rule identifier of the index-th result, or None. */
  const char *get_rule (size_t index);
  /** Whether the index-th rule passed. */
  bool get_passed (size_t index);
  /** "pass", "fail" or "taper" for the index-th result, or None. */
  const char *get_status (size_t index);
  /** The measured value of the index-th result. */
  double get_measured (size_t index);
  /** The requirement text of the index-th result, or None. */
  const char *get_required (size_t index);
  /** The date of a claim result, or None. */
  const char *get_date (size_t index);
  /** The text of the index-th result, or None. */
  const char *get_text (size_t index);
  /** The source identifier of the index-th result, or None. */
  const char *get_source (size_t index);
  /** "step-down", "step-up" or None. */
  const char *get_recommendation ();
  /** The level the recommendation points to, or None. */
  const iop_level *get_recommended_level_owned () {
    const iop_level *l = iop_compliance_report_get_recommended_level ($self);
    return l != NULL ? iop_level_ref (l) : NULL;
  }
  /** The report as compact JSON text. */
  char *to_json ();
}

%newobject iop_consent::iop_consent;
%newobject iop_consent::from_json;
%newobject iop_consent::from_file;
%newobject iop_consent::copy_consent;
%newobject iop_consent::to_json;
%newobject iop_consent::to_fhir_json;
%newobject iop_consent::validate_consent;
%newobject iop_consent::check_disclosure;
%rename(copy) iop_consent::copy_consent;
%rename(to_fhir) iop_consent::to_fhir_json;
%rename(validate) iop_consent::validate_consent;
%rename(check) iop_consent::check_disclosure;
%rename(require) iop_consent::require_disclosure;
%rename(set_revocation) iop_consent::set_revocation_date;
%rename(data_class_is_known) iop_consent::known_data_class;
%rename(recipient_class_is_known) iop_consent::known_recipient_class;
%rename(purpose_to_code) iop_consent::purpose_code;

%extend iop_consent {
  /** Starts an empty consent of a kind ("tpo" or "specific"); fill it in with the setters and adders, and see validate(). */
  iop_consent (const char *kind, iop_error **error) { return iop_consent_new (kind, error); }
  ~iop_consent () { iop_consent_free ($self); }
  /** Sets the consent's identifier (a FHIR id), or clears it with None. */
  bool set_id (const char *id_or_none, iop_error **error);
  /** Sets the patient's name and pseudonymous id (a FHIR id); raises InvalidArgumentError for a malformed id. */
  bool set_patient (const char *name_or_none, const char *id_or_none, iop_error **error);
  /** Sets who may make the disclosure: a name, or a class of persons as free text. */
  void set_disclosing_party (const char *name_or_none, const char *class_or_none);
  /** Sets the description of the information to be disclosed. */
  void set_information (const char *description_or_none);
  /** Adds a documented data class; raises InvalidArgumentError for an unknown or repeated one. */
  bool add_data_class (const char *kind, iop_error **error);
  /** Adds a recipient by name and/or identifier, or by documented class. */
  bool add_recipient (const char *name_or_none, const char *identifier_or_none, const char *class_or_none, iop_error **error);
  /** Adds an intermediary (such as an HIE), optionally designating its participants by class. */
  bool add_intermediary (const char *name_or_none, const char *identifier_or_none, const char *class_or_none, iop_error **error);
  /** Names a participant of the intermediary added last. */
  bool add_participant (const char *text, iop_error **error);
  /** Adds a documented purpose; raises InvalidArgumentError for an unknown or repeated one. */
  bool add_purpose (const char *purpose, iop_error **error);
  /** Sets the revocation statement: right to revoke in writing, how, reliance exception. */
  void set_revocation_statement (bool right_to_revoke_in_writing, const char *how_or_none, bool reliance_exception);
  /** Sets the expiration: ("date", "YYYY-MM-DD"), ("event", text) or ("none", None). */
  bool set_expiration (const char *kind, const char *value_or_none, iop_error **error);
  /** Records the date the expiring event occurred. */
  bool set_event_occurred (const char *date, iop_error **error);
  /** Sets the signature: signer, role ("patient" or "authorized-representative"), electronic or not. */
  bool set_signature (const char *signer_or_none, const char *kind, bool electronic, iop_error **error);
  /** Sets the date signed. */
  bool set_date_signed (const char *date, iop_error **error);
  /** Sets the statements a TPO consent requires: redisclosure under HIPAA, consequences of refusing to sign. */
  void set_statements (const char *redisclosure_or_none, const char *refusal_or_none);
  /** Reads a consent document; raises ParseError or InvalidDataError naming the JSON path (never a value). Missing elements still load: see validate(). */
  static iop_consent *from_json (const char *json, iop_error **error) { return iop_consent_new_from_json (json, error); }
  /** Reads a consent document from a file; raises IoError, ParseError or InvalidDataError. */
  static iop_consent *from_file (const char *path, iop_error **error) { return iop_consent_new_from_file (path, error); }
  /** Whether a data class is in the documented set ("medications", "counseling-notes", ...). */
  static bool known_data_class (const char *kind) { return iop_consent_data_class_is_known (kind); }
  /** Whether a recipient class is in the documented set ("treating-providers", "health-plans", ...). */
  static bool known_recipient_class (const char *kind) { return iop_consent_recipient_class_is_known (kind); }
  /** The HL7 v3 PurposeOfUse code of a purpose ("treatment" -> "TREAT"), or None. */
  static const char *purpose_code (const char *purpose) { return iop_consent_purpose_to_code (purpose); }
  /** A copy of the consent. */
  iop_consent *copy_consent () { return iop_consent_copy ($self); }
  /** The consent as compact JSON text (byte-identical after a round trip). */
  char *to_json ();
  /** "tpo" or "specific". */
  const char *get_kind ();
  /** The document's identifier, or None. */
  const char *get_id ();
  /** The patient's identifier (the client identifier of libiop's records), or None. */
  const char *get_patient_id ();
  /** The date signed, "YYYY-MM-DD", or None. */
  const char *get_date_signed ();
  /** The expiration date (the last day in effect), or None for an event, "none" or a missing expiration. */
  const char *get_expiration_date ();
  /** The revocation date, or None. */
  const char *get_revocation_date ();
  /** Records the revocation (effective from date on); raises InvalidArgumentError for a malformed date. */
  void set_revocation_date (const char *date, const char *how_or_none = NULL, iop_error **error) {
    iop_consent_set_revocation ($self, date, how_or_none, error);
  }
  /** Lists every 2.31(a) element the consent lacks or gets wrong. */
  iop_consent_report *validate_consent () { return iop_consent_validate ($self); }
  /** Decides whether a disclosure is permitted, with every reason; raises InvalidArgumentError for bad arguments. */
  iop_consent_decision *check_disclosure (const char *recipient, const char *recipient_class_or_none, const char *purpose,
                                          const char *date, const char *data_class_or_none = NULL, iop_error **error) {
    return iop_consent_check ($self, recipient, recipient_class_or_none, purpose, date, data_class_or_none, error);
  }
  /** The gate: returns True when the disclosure is permitted, raises PermissionDeniedError (code 8) with the first reason otherwise. */
  bool require_disclosure (const char *recipient, const char *recipient_class_or_none, const char *purpose,
                           const char *date, const char *data_class_or_none = NULL, iop_error **error) {
    return iop_consent_require ($self, recipient, recipient_class_or_none, purpose, date, data_class_or_none, error);
  }
  /** The consent as a FHIR R4 Consent resource (compact JSON text). */
  char *to_fhir_json (iop_error **error) { return iop_consent_to_fhir ($self, error); }
}

%newobject iop_consent_report::to_json;

%extend iop_consent_report {
  ~iop_consent_report () { iop_consent_report_free ($self); }
  /** Whether the consent has every required element. */
  bool is_valid ();
  /** The number of issues. */
  size_t get_n_issues ();
  /** The element id of the index-th issue ("patient", "expiration", ...), or None. */
  const char *get_element (size_t index);
  /** The text of the index-th issue, or None. */
  const char *get_text (size_t index);
  /** The report as compact JSON text (valid, kind, issues). */
  char *to_json ();
}

%newobject iop_consent_decision::to_json;

%extend iop_consent_decision {
  ~iop_consent_decision () { iop_consent_decision_free ($self); }
  /** Whether the disclosure is permitted. */
  bool is_permitted ();
  /** The number of reasons it is not. */
  size_t get_n_reasons ();
  /** The code of the index-th reason ("revoked", "expired", ...), or None. */
  const char *get_reason_code (size_t index);
  /** The text of the index-th reason, or None. */
  const char *get_reason_text (size_t index);
  /** The decision as compact JSON text (permitted, purpose, date, data_class, reasons). */
  char *to_json ();
}

%extend iop_range {
  /** Whether a number of hours lies inside the band. */
  bool contains_value (double value) { return iop_range_contains ($self, value); }
  /** Whether the band has at least one bound. */
  bool is_published_band () { return iop_range_is_published ($self); }
}

%include "iop-episode.swg"
%include "iop-careplan.swg"
%include "iop-preauth.swg"

#ifdef SWIGPYTHON
%include "iop-python.swg"
#endif
