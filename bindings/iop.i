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
                                const char *certified, const char *payer_id, const char *request_json,
                                const char *auth_id, const char *service_code, const char *first_day,
                                const char *last_day, const char *status_name, const char *instant,
                                const char *as_of };
%apply const char *IOP_PATH { const char *path };
/* Required objects: None/nil is refused (ValueError) before it reaches C. */
%apply Pointer NONNULL { iop_measure_set *set, iop_placer *placer, const iop_assessment *assessment,
                         iop_recommendation *recommendation, const iop_level *level,
                         const iop_schedule *schedule, const iop_preauth_request *request };

/* The function-like macro IOP_CHECK_VERSION cannot be wrapped; keep its comment off the next
 * declaration. */
%feature("docstring") iop_version_string "The version of the libiop library loaded at run time, as \"MAJOR.MINOR.MICRO\".";
%feature("docstring") iop_version_number "The version of the libiop library loaded at run time, as MAJOR * 10000 + MINOR * 100 + MICRO.";

/* Free functions keep their meaning without the prefix: iop.version_string(), ... */
%rename("%(strip:[iop_])s", %$isfunction) "";

/* Everything the classes below cover. */
%rename("$ignore", regexmatch$name="^iop_(continuum|level|range|measure_set|instrument|score|measure_series|placer|assessment|recommendation|schedule|compliance_rules|compliance_report|preauth_policy|preauth_request|preauth_decision|preauth_ledger)_", %$isfunction) "";
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
%rename(PreauthPolicy) iop_preauth_policy;
%rename(PreauthRequest) iop_preauth_request;
%rename(PreauthDecision) iop_preauth_decision;
%rename(PreauthLedger) iop_preauth_ledger;
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
%nodefaultctor iop_preauth_policy;
%nodefaultdtor iop_preauth_policy;
%nodefaultctor iop_preauth_request;
%nodefaultdtor iop_preauth_request;
%nodefaultctor iop_preauth_decision;
%nodefaultdtor iop_preauth_decision;
%nodefaultctor iop_preauth_ledger;
%nodefaultdtor iop_preauth_ledger;

/* Batch decisions (PreauthPolicy.decide_batch): an owned array of decision JSON strings. */
%{
typedef struct {
  char **items;
  size_t n;
} iop_string_array;

static char *
iop_binding_strdup (const char *s)
{
  size_t n = strlen (s) + 1;
  char *copy = (char *) malloc (n);
  if (copy != NULL)
    memcpy (copy, s, n);
  return copy;
}

static iop_string_array
iop_preauth_decide_many (const iop_preauth_policy *policy, const char *const *requests, size_t n, int jobs,
                         iop_error **error)
{
  iop_string_array out;
  out.n = n;
  out.items = (char **) calloc (n ? n : 1, sizeof (char *));
  if (out.items == NULL)
    return out;
  if (!iop_preauth_policy_decide_all (policy, requests, n, jobs, out.items, NULL, error))
    {
      free (out.items);
      out.items = NULL;
    }
  return out;
}
%}


#ifdef SWIGPYTHON
%typemap(in) (const char *const *requests, size_t n_requests) (PyObject *seq = NULL) {
  seq = PySequence_Fast ($input, "requests must be a sequence of str");
  if (seq == NULL)
    SWIG_fail;
  $2 = (size_t) PySequence_Fast_GET_SIZE (seq);
  $1 = ($1_ltype) calloc ($2 ? $2 : 1, sizeof (char *));
  if ($1 == NULL)
    SWIG_exception_fail (SWIG_MemoryError, "out of memory");
  for (size_t i = 0; i < $2; i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (seq, (Py_ssize_t) i);
      Py_ssize_t len = 0;
      const char *utf8;
      if (!PyUnicode_Check (item))
        SWIG_exception_fail (SWIG_TypeError, "requests must be a sequence of str");
      utf8 = PyUnicode_AsUTF8AndSize (item, &len);
      if (utf8 == NULL)
        SWIG_fail;
      if (strlen (utf8) != (size_t) len)
        SWIG_exception_fail (SWIG_ValueError, "a request contains a NUL character");
      ((char **) $1)[i] = iop_binding_strdup (utf8);
    }
}
%typemap(freearg) (const char *const *requests, size_t n_requests) {
  if ($1 != NULL)
    {
      for (size_t i = 0; i < $2; i++)
        free (((char **) $1)[i]);
      free ((void *) $1);
    }
  Py_XDECREF (seq$argnum);
}
%typemap(out) iop_string_array {
  if ($1.items == NULL)
    {
      $result = Py_None;
      Py_INCREF (Py_None);
    }
  else
    {
      $result = PyList_New ((Py_ssize_t) $1.n);
      for (size_t i = 0; i < $1.n; i++)
        {
          if ($result != NULL)
            PyList_SET_ITEM ($result, (Py_ssize_t) i, PyUnicode_FromString ($1.items[i]));
          iop_free ($1.items[i]);
        }
      free ($1.items);
    }
}
#endif

#ifdef SWIGLUA
%typemap(in) (const char *const *requests, size_t n_requests) {
  if (!lua_istable (L, $input))
    {
      lua_pushfstring (L, "Error in $symname (arg $argnum), expected a table of strings");
      SWIG_fail;
    }
  $2 = (size_t) lua_rawlen (L, $input);
  $1 = ($1_ltype) calloc ($2 ? $2 : 1, sizeof (char *));
  for (size_t i = 0; $1 != NULL && i < $2; i++)
    {
      size_t len = 0;
      const char *s;
      lua_rawgeti (L, $input, (lua_Integer) i + 1);
      if (lua_type (L, -1) != LUA_TSTRING)
        {
          lua_pop (L, 1);
          lua_pushfstring (L, "Error in $symname (arg $argnum), element %d is not a string", (int) i + 1);
          SWIG_fail;
        }
      s = lua_tolstring (L, -1, &len);
      if (strlen (s) != len)
        {
          lua_pop (L, 1);
          lua_pushfstring (L, "Error in $symname (arg $argnum), element %d contains a NUL character", (int) i + 1);
          SWIG_fail;
        }
      ((char **) $1)[i] = iop_binding_strdup (s);
      lua_pop (L, 1);
    }
}
%typemap(freearg) (const char *const *requests, size_t n_requests) {
  if ($1 != NULL)
    {
      for (size_t i = 0; i < $2; i++)
        free (((char **) $1)[i]);
      free ((void *) $1);
    }
}
%typemap(out) iop_string_array {
  if ($1.items == NULL)
    lua_pushnil (L);
  else
    {
      lua_createtable (L, (int) $1.n, 0);
      for (size_t i = 0; i < $1.n; i++)
        {
          lua_pushstring (L, $1.items[i]);
          lua_rawseti (L, -2, (lua_Integer) i + 1);
          iop_free ($1.items[i]);
        }
      free ($1.items);
    }
  SWIG_arg++;
}
#endif

%include <libiop/iop-version.h>
%include <libiop/iop-error.h>
%include <libiop/iop-continuum.h>
%include <libiop/iop-measure.h>
%include <libiop/iop-placement.h>
%include <libiop/iop-schedule.h>
%include <libiop/iop-compliance.h>
%include <libiop/iop-preauth.h>

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
/** A payer policy pack: payers, plan types, CMS-0057-F timeframes, cost sharing and pre-authorization rules. PreauthPolicy() loads the built-in ILLUSTRATIVE pack. */
struct iop_preauth_policy {};
/** One pre-authorization request document (libiop-preauth-request). */
struct iop_preauth_request {};
/** A pre-authorization decision: outcome, reasons, missing documents, authorized units and period, deadline, review date, estimate. */
struct iop_preauth_decision {};
/** An authorization ledger: approved units and periods, units used, status history, reminders and CMS-0057-F metrics. */
struct iop_preauth_ledger {};

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

/* Batch decisions: a list of request JSON strings in, a list of decision JSON strings out. The
 * input strings are copied before the call, so the work in C needs no Python object. */
typedef struct iop_string_array iop_string_array;


%newobject iop_preauth_policy::iop_preauth_policy;
%newobject iop_preauth_policy::from_json;
%newobject iop_preauth_policy::from_file;
%newobject iop_preauth_policy::default_pack_json_text;
%newobject iop_preauth_policy::decide_owned;
%newobject iop_preauth_policy::decide_json_text;
%rename(default_pack_json) iop_preauth_policy::default_pack_json_text;
%rename(decide) iop_preauth_policy::decide_owned;
%rename(decide_json) iop_preauth_policy::decide_json_text;
%rename(get_payer_cms_0057f) iop_preauth_policy::payer_cms_0057f;
%rename(decide_batch) iop_preauth_policy::decide_batch_json;

%extend iop_preauth_policy {
  /** Loads the built-in ILLUSTRATIVE payer policy pack against the built-in continuum. */
  iop_preauth_policy () { return iop_preauth_policy_new_default (); }
  ~iop_preauth_policy () { iop_preauth_policy_unref ($self); }
  /** Loads and strictly validates a payer policy pack from JSON text (continuum None: the built-in one). */
  static iop_preauth_policy *from_json (const char *json, iop_continuum *continuum = NULL, iop_error **error) {
    return iop_preauth_policy_new_from_json (continuum, json, error);
  }
  /** Loads and strictly validates a payer policy pack from a file. */
  static iop_preauth_policy *from_file (const char *path, iop_continuum *continuum = NULL, iop_error **error) {
    return iop_preauth_policy_new_from_file (continuum, path, error);
  }
  /** The text of the built-in payer policy pack. */
  static char *default_pack_json_text () { return iop_preauth_policy_default_pack_json (); }
  /** The pack's identifier. */
  const char *get_id ();
  /** Whether the pack declares itself illustrative. */
  bool is_illustrative ();
  /** The number of payers. */
  size_t get_n_payers ();
  /** The identifier of the index-th payer, or None. */
  const char *get_payer_id (size_t index);
  /** Whether the CMS-0057-F decision timeframes apply to a payer (NotFoundError for an unknown payer). */
  bool payer_cms_0057f (const char *payer_id, iop_error **error) {
    return iop_preauth_policy_get_payer_cms_0057f ($self, payer_id, error);
  }
  /** Decides a request. */
  iop_preauth_decision *decide_owned (const iop_preauth_request *request, iop_error **error) {
    return iop_preauth_policy_decide ($self, request, error);
  }
  /** Reads and decides one request in JSON; returns the decision JSON. */
  char *decide_json_text (const char *request_json, iop_error **error) {
    return iop_preauth_policy_decide_json ($self, request_json, error);
  }
  /** Decides a list of request JSON strings with jobs worker threads (1 to 64); returns a list of decision JSON strings or error records ({"line", "error": {"code", "path", "message"}}), in order. Python releases the GIL while the batch runs in C. */
  iop_string_array decide_batch_json (const char *const *requests, size_t n_requests, int jobs = 1, iop_error **error) {
    iop_string_array out;
#ifdef SWIGPYTHON
    Py_BEGIN_ALLOW_THREADS
#endif
    out = iop_preauth_decide_many ($self, requests, n_requests, jobs, error);
#ifdef SWIGPYTHON
    Py_END_ALLOW_THREADS
#endif
    return out;
  }
}

%newobject iop_preauth_request::from_json;
%newobject iop_preauth_request::to_json;

%extend iop_preauth_request {
  ~iop_preauth_request () { iop_preauth_request_free ($self); }
  /** Reads a request document strictly; messages never quote a value. */
  static iop_preauth_request *from_json (const char *json, iop_error **error) {
    return iop_preauth_request_new_from_json (json, error);
  }
  /** The request's identifier. */
  const char *get_id ();
  /** The request as compact JSON text. */
  char *to_json ();
}

%newobject iop_preauth_decision::from_pas_json;
%newobject iop_preauth_decision::get_period_start;
%newobject iop_preauth_decision::get_period_end;
%newobject iop_preauth_decision::get_decision_due;
%newobject iop_preauth_decision::get_next_review;
%newobject iop_preauth_decision::to_json;

%extend iop_preauth_decision {
  ~iop_preauth_decision () { iop_preauth_decision_free ($self); }
  /** Imports a Da Vinci PAS response Bundle (FHIR R4 JSON) as a decision (review actions A1, A2, A3, A4, A6, C, CT, NA). */
  static iop_preauth_decision *from_pas_json (const char *json, iop_error **error) {
    return iop_preauth_decision_new_from_pas_json (json, error);
  }
  /** "not-required", "approved", "approved-modified", "pended" or "denied". */
  const char *get_outcome ();
  /** The payer rule that decided, or None when no rule matched. */
  const char *get_rule ();
  /** The number of reasons. */
  size_t get_n_reasons ();
  /** The machine code of the index-th reason, or None. */
  const char *get_reason_code (size_t index);
  /** The text of the index-th reason, or None. */
  const char *get_reason_text (size_t index);
  /** The source identifier of the index-th reason, or None. */
  const char *get_reason_source (size_t index);
  /** The number of missing documents. */
  size_t get_n_missing_documents ();
  /** The kind of the index-th missing document, or None. */
  const char *get_missing_document (size_t index);
  /** The authorized units, or -1. */
  int get_authorized_units ();
  /** The first day of the authorized period, or None. */
  char *get_period_start ();
  /** The last day of the authorized period, or None. */
  char *get_period_end ();
  /** The decision due-by instant (RFC 3339), or None. */
  char *get_decision_due ();
  /** The next concurrent review date, or None. */
  char *get_next_review ();
  /** The estimated out-of-pocket cost, or -1. */
  double get_out_of_pocket ();
  /** The decision as compact JSON text. */
  char *to_json ();
}

%newobject iop_preauth_ledger::iop_preauth_ledger;
%newobject iop_preauth_ledger::from_json;
%newobject iop_preauth_ledger::reminders_json;
%newobject iop_preauth_ledger::get_metrics_json;
%newobject iop_preauth_ledger::to_json;
%rename(add_authorization) iop_preauth_ledger::add_authorization_checked;
%rename(record_use) iop_preauth_ledger::record_use_checked;
%rename(add_status) iop_preauth_ledger::add_status_checked;
%rename(get_remaining_units) iop_preauth_ledger::remaining_units;
%rename(get_reminders_json) iop_preauth_ledger::reminders_json;

%extend iop_preauth_ledger {
  /** An empty ledger. */
  iop_preauth_ledger () { return iop_preauth_ledger_new (); }
  ~iop_preauth_ledger () { iop_preauth_ledger_free ($self); }
  /** Reads a ledger document strictly. */
  static iop_preauth_ledger *from_json (const char *json, iop_error **error) {
    return iop_preauth_ledger_new_from_json (json, error);
  }
  /** Adds an authorization: id, payer, level or service code, approved units, first and last day. */
  bool add_authorization_checked (const char *auth_id, const char *payer_id, const char *service_code, int units,
                                  const char *first_day, const char *last_day, iop_error **error) {
    return iop_preauth_ledger_add_authorization ($self, auth_id, payer_id, service_code, units, first_day, last_day, error);
  }
  /** Records units used on a date. */
  bool record_use_checked (const char *auth_id, const char *date, int units, iop_error **error) {
    return iop_preauth_ledger_record_use ($self, auth_id, date, units, error);
  }
  /** Records a status change (submitted, pended, approved, denied, modified, appealed, expired) at an RFC 3339 instant. */
  bool add_status_checked (const char *auth_id, const char *status_name, const char *instant, bool expedited = false,
                           iop_error **error) {
    return iop_preauth_ledger_add_status ($self, auth_id, status_name, instant, expedited, error);
  }
  /** The units left on an authorization. */
  int remaining_units (const char *auth_id, iop_error **error) {
    return iop_preauth_ledger_get_remaining_units ($self, auth_id, error);
  }
  /** Expiry warnings and re-authorization reminders as of a date, as JSON. */
  char *reminders_json (const char *as_of, int lead_days, iop_error **error) {
    return iop_preauth_ledger_get_reminders_json ($self, as_of, lead_days, error);
  }
  /** The CMS-0057-F metrics as JSON. */
  char *get_metrics_json ();
  /** The ledger as compact JSON text. */
  char *to_json ();
}

%extend iop_range {
  /** Whether a number of hours lies inside the band. */
  bool contains_value (double value) { return iop_range_contains ($self, value); }
  /** Whether the band has at least one bound. */
  bool is_published_band () { return iop_range_is_published ($self); }
}

#ifdef SWIGPYTHON
%include "iop-python.swg"
#endif
