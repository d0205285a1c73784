/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Intensity compliance of a weekly schedule, Medicare IOP parameters, per-diem claim rules.
 */
#include "iop-compliance-private.h"
#include "iop-pack-private.h"

#include <math.h>
#include <string.h>

#define COMPLIANCE_FORMAT "libiop-compliance"
#define COMPLIANCE_FORMAT_VERSION 1
#define CLAIMS_FORMAT "libiop-claims"
#define CLAIMS_FORMAT_VERSION 1
#define DEFAULT_PACK "compliance.json"
#define N_GROUPS 3

typedef enum { R_WEEKLY_BAND, R_TAPER, R_DAILY_MIN, R_DAYS_MIN, R_WEEKLY_MIN } RuleKind;
static const char *const rule_kinds[] = { "weekly-hours-band", "taper", "daily-hours-minimum",
                                          "days-per-week-minimum", "weekly-hours-minimum", NULL };
static const char *const group_names[] = { "iop", "php", "residential", NULL };
static const char *const age_names[] = { "adult", "adolescent", NULL };

typedef struct {
  RuleKind kind;
  const char *id, *source, *text;
  GPtrArray *levels;   /* const iop_level *; NULL = every level */
  int age;             /* 0 = any, else iop_age_group */
  double value;        /* min_hours, min_days; -1 = from the continuum */
  int max_weeks;       /* taper */
} Rule;

typedef struct {
  const char *id, *name;
  gboolean is_default;
  GArray *rules; /* Rule */
} RuleSet;

struct iop_compliance_rules {
  gatomicrefcount ref_count;
  IopPackHeader pack;
  iop_continuum *continuum;
  GPtrArray *sets; /* RuleSet * */
  int recert_months, tier3, tier4, php_window;
  const char *medicare_source, *php_window_source;
  GPtrArray *groups[N_GROUPS]; /* const char * codes */
  int max_units;
  gboolean exclusive[N_GROUPS];
  const char *per_diem_source;
};

typedef struct {
  const char *rule, *rule_set, *status, *source;
  gboolean passed;
  double measured;
  char *required, *text;
  char date[11];
} Result;

struct iop_compliance_report {
  iop_compliance_rules *rules; /* a reference */
  const iop_level *level, *recommended;
  iop_age_group age;
  const char *recommendation;
  GArray *results; /* Result */
  GStringChunk *extra; /* strings of results appended by other modules; NULL until needed */
};

/* ------------------------------------------------------------------------------------------ */

static void
rule_set_free (gpointer data)
{
  RuleSet *set = data;
  for (guint i = 0; i < set->rules->len; i++)
    {
      Rule *r = &g_array_index (set->rules, Rule, i);
      if (r->levels != NULL)
        g_ptr_array_unref (r->levels);
    }
  g_array_unref (set->rules);
  g_free (set);
}

iop_compliance_rules *
iop_compliance_rules_ref (iop_compliance_rules *rules)
{
  g_return_val_if_fail (rules != NULL, NULL);
  g_atomic_ref_count_inc (&rules->ref_count);
  return rules;
}

void
iop_compliance_rules_unref (iop_compliance_rules *rules)
{
  if (rules == NULL || !g_atomic_ref_count_dec (&rules->ref_count))
    return;
  g_ptr_array_unref (rules->sets);
  for (int g = 0; g < N_GROUPS; g++)
    g_ptr_array_unref (rules->groups[g]);
  iop_continuum_unref (rules->continuum);
  iop_pack_header_clear (&rules->pack);
  g_free (rules);
}

typedef struct {
  IopJsonReader r;
  iop_compliance_rules *c;
} Loader;

static gboolean
load_levels (Loader *l, JsonObject *obj, Rule *rule)
{
  static const char *const members[] = { "edition", "code", NULL };
  static const char *const editions[] = { "asam3", "asam4", "locus", NULL };
  static const iop_edition values[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "levels", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  rule->levels = g_ptr_array_new ();
  mark = iop_json_push_member (&l->r, "levels");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *lo = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a level reference");
      const char *code = NULL;
      int edition = 0;
      const iop_level *level;
      if (lo == NULL || !iop_json_check_members (&l->r, lo, members) ||
          !iop_json_get_enum (&l->r, lo, "edition", TRUE, editions, &edition) ||
          !iop_json_get_string (&l->r, lo, "code", TRUE, &code))
        return FALSE;
      level = iop_continuum_lookup_level (l->c->continuum, values[edition], code);
      if (level == NULL)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "code", "unknown %s level \"%s\"",
                              editions[edition], code);
      g_ptr_array_add (rule->levels, (gpointer) level);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_rule (Loader *l, JsonObject *obj, RuleSet *set, Rule *rule)
{
  static const char *const members[] = { "id", "type", "levels", "age_group", "min_hours", "min_days",
                                         "max_weeks_below", "source", "text", NULL };
  const char *id = NULL, *text = NULL;
  int kind = 0, age = -1;
  gboolean has = FALSE;
  gint64 weeks = 0;

  if (!iop_json_check_members (&l->r, obj, members) ||
      !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
      !iop_json_get_enum (&l->r, obj, "type", TRUE, rule_kinds, &kind) ||
      !iop_json_get_string (&l->r, obj, "text", TRUE, &text) ||
      !iop_pack_read_source_ref (&l->r, &l->c->pack, obj, TRUE, &rule->source) ||
      !iop_json_get_enum (&l->r, obj, "age_group", FALSE, age_names, &age) ||
      !load_levels (l, obj, rule))
    return FALSE;
  for (guint i = 0; i < set->rules->len; i++)
    if (strcmp (g_array_index (set->rules, Rule, i).id, id) == 0)
      return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate rule \"%s\"", id);
  rule->id = iop_pack_intern (&l->c->pack, id);
  rule->text = iop_pack_intern (&l->c->pack, text);
  rule->kind = (RuleKind) kind;
  rule->age = age < 0 ? 0 : IOP_AGE_ADULT + age;
  rule->value = -1;
  /* Members a kind does not use are refused, so nothing in a rule is silently ignored. */
  {
    static const char *const specific[] = { "min_hours", "min_days", "max_weeks_below", NULL };
    static const char *const used[] = { "", "max_weeks_below", "min_hours", "min_days", "min_hours" };
    for (int u = 0; specific[u] != NULL; u++)
      if (json_object_has_member (obj, specific[u]) && strcmp (used[rule->kind], specific[u]) != 0)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, specific[u], "is not used by a \"%s\" rule",
                              rule_kinds[rule->kind]);
  }
  switch (rule->kind)
    {
    case R_WEEKLY_BAND:
      return TRUE;
    case R_TAPER:
      if (!iop_json_get_int (&l->r, obj, "max_weeks_below", TRUE, 0, 52, NULL, &weeks))
        return FALSE;
      rule->max_weeks = (int) weeks;
      return TRUE;
    case R_DAILY_MIN:
    case R_WEEKLY_MIN:
      if (!iop_json_get_number (&l->r, obj, "min_hours", rule->kind == R_WEEKLY_MIN, FALSE, &has, &rule->value))
        return FALSE;
      if (!has)
        rule->value = -1;
      else if (rule->value < 0 || rule->value > (rule->kind == R_DAILY_MIN ? 24 : 168))
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "min_hours", "is outside the hours the period has");
      return TRUE;
    case R_DAYS_MIN:
      if (!iop_json_get_int (&l->r, obj, "min_days", TRUE, 1, 7, NULL, &weeks))
        return FALSE;
      rule->value = (double) weeks;
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
load_rule_sets (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "id", "name", "default", "rules", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, root, "rule_sets", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "rule_sets");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *so = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a rule set");
      const char *id = NULL, *name = NULL;
      gboolean is_default = FALSE;
      JsonArray *rules;
      RuleSet *set;

      if (so == NULL || !iop_json_check_members (&l->r, so, members) ||
          !iop_json_get_string (&l->r, so, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, so, "name", TRUE, &name) ||
          !iop_json_get_bool (&l->r, so, "default", FALSE, &is_default))
        return FALSE;
      if (strchr (id, ',') != NULL)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "must not contain a comma");
      for (guint k = 0; k < l->c->sets->len; k++)
        if (strcmp (((RuleSet *) g_ptr_array_index (l->c->sets, k))->id, id) == 0)
          return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate rule set \"%s\"", id);
      set = g_new0 (RuleSet, 1);
      set->id = iop_pack_intern (&l->c->pack, id);
      set->name = iop_pack_intern (&l->c->pack, name);
      set->is_default = is_default;
      set->rules = g_array_new (FALSE, TRUE, sizeof (Rule));
      g_ptr_array_add (l->c->sets, set);
      rules = iop_json_get_array (&l->r, so, "rules", TRUE, &failed);
      if (rules == NULL)
        return FALSE;
      gsize m3 = iop_json_push_member (&l->r, "rules");
      for (guint k = 0; k < json_array_get_length (rules); k++)
        {
          gsize m4 = iop_json_push_index (&l->r, k);
          JsonObject *ro = iop_json_expect_object (&l->r, json_array_get_element (rules, k), "a rule");
          Rule rule = { 0 };
          gboolean ok;
          if (ro == NULL)
            return FALSE;
          ok = load_rule (l, ro, set, &rule);
          g_array_append_val (set->rules, rule); /* even on failure, so its levels are freed */
          if (!ok)
            return FALSE;
          iop_json_pop (&l->r, m4);
        }
      iop_json_pop (&l->r, m3);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_medicare (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "recertification_months", "tier_3_services", "tier_4_services",
                                         "php_window_days", "php_window_source", "source", NULL };
  gboolean failed;
  JsonObject *m = iop_json_get_object (&l->r, root, "medicare", TRUE, &failed);
  gint64 months = 0, t3 = 0, t4 = 0, window = 0;
  gsize mark;

  if (m == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "medicare");
  if (!iop_json_check_members (&l->r, m, members) ||
      !iop_json_get_int (&l->r, m, "recertification_months", TRUE, 1, 24, NULL, &months) ||
      !iop_json_get_int (&l->r, m, "tier_3_services", TRUE, 1, 100, NULL, &t3) ||
      !iop_json_get_int (&l->r, m, "tier_4_services", TRUE, 1, 100, NULL, &t4) ||
      !iop_json_get_int (&l->r, m, "php_window_days", TRUE, 0, 365, NULL, &window) ||
      !iop_pack_read_source_ref (&l->r, &l->c->pack, m, TRUE, &l->c->medicare_source))
    return FALSE;
  {
    const char *window_source = NULL;
    if (!iop_json_get_string (&l->r, m, "php_window_source", FALSE, &window_source))
      return FALSE;
    if (window_source != NULL && !g_hash_table_contains (l->c->pack.sources, window_source))
      return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "php_window_source",
                            "unknown source \"%s\" (not in $.sources)", window_source);
    l->c->php_window_source = window_source != NULL ? iop_pack_intern (&l->c->pack, window_source)
                                                    : l->c->medicare_source;
  }
  if (t4 <= t3)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "tier_4_services", "must be above tier_3_services");
  l->c->recert_months = (int) months;
  l->c->tier3 = (int) t3;
  l->c->tier4 = (int) t4;
  l->c->php_window = (int) window;
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_per_diem (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "groups", "max_units_per_day", "exclusive", "source", NULL };
  gboolean failed;
  JsonObject *p = iop_json_get_object (&l->r, root, "per_diem", TRUE, &failed), *groups;
  JsonArray *exclusive;
  gint64 max_units = 0;
  gsize mark;

  if (p == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "per_diem");
  if (!iop_json_check_members (&l->r, p, members) ||
      !iop_json_get_int (&l->r, p, "max_units_per_day", TRUE, 1, 100, NULL, &max_units) ||
      !iop_pack_read_source_ref (&l->r, &l->c->pack, p, TRUE, &l->c->per_diem_source))
    return FALSE;
  l->c->max_units = (int) max_units;
  groups = iop_json_get_object (&l->r, p, "groups", TRUE, &failed);
  if (groups == NULL || !iop_json_check_members (&l->r, groups, group_names))
    return FALSE;
  gsize m2 = iop_json_push_member (&l->r, "groups");
  for (int g = 0; g < N_GROUPS; g++)
    {
      JsonArray *codes = iop_json_get_array (&l->r, groups, group_names[g], TRUE, &failed);
      gsize m3;
      if (codes == NULL)
        return FALSE;
      m3 = iop_json_push_member (&l->r, group_names[g]);
      for (guint i = 0; i < json_array_get_length (codes); i++)
        {
          JsonNode *n = json_array_get_element (codes, i);
          gsize m4 = iop_json_push_index (&l->r, i);
          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING || *json_node_get_string (n) == '\0')
            return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a billing code");
          for (int h = 0; h < N_GROUPS; h++)
            for (guint k = 0; k < l->c->groups[h]->len; k++)
              if (strcmp (g_ptr_array_index (l->c->groups[h], k), json_node_get_string (n)) == 0)
                return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "code \"%s\" is already in group %s",
                                      json_node_get_string (n), group_names[h]);
          g_ptr_array_add (l->c->groups[g], (gpointer) iop_pack_intern (&l->c->pack, json_node_get_string (n)));
          iop_json_pop (&l->r, m4);
        }
      iop_json_pop (&l->r, m3);
    }
  iop_json_pop (&l->r, m2);
  exclusive = iop_json_get_array (&l->r, p, "exclusive", TRUE, &failed);
  if (exclusive == NULL)
    return FALSE;
  m2 = iop_json_push_member (&l->r, "exclusive");
  for (guint i = 0; i < json_array_get_length (exclusive); i++)
    {
      JsonNode *n = json_array_get_element (exclusive, i);
      gboolean found = FALSE;
      gsize m4 = iop_json_push_index (&l->r, i);
      for (int g = 0; n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING && g < N_GROUPS; g++)
        if (strcmp (json_node_get_string (n), group_names[g]) == 0)
          found = l->c->exclusive[g] = TRUE;
      if (!found)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "expected \"iop\", \"php\" or \"residential\"");
      iop_json_pop (&l->r, m4);
    }
  iop_json_pop (&l->r, m2);
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static iop_compliance_rules *
rules_load (iop_continuum *continuum, const char *json, gssize length, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "id", "version", "title", "sources",
                                         "rule_sets", "medicare", "per_diem", NULL };
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  Loader l = { 0 };
  JsonObject *obj;
  gboolean ok;

  if (root == NULL)
    return NULL;
  iop_json_reader_init (&l.r, error, TRUE);
  l.c = g_new0 (iop_compliance_rules, 1);
  g_atomic_ref_count_init (&l.c->ref_count);
  iop_pack_header_init (&l.c->pack);
  l.c->continuum = continuum != NULL ? iop_continuum_ref (continuum) : iop_continuum_new_default ();
  l.c->sets = g_ptr_array_new_with_free_func (rule_set_free);
  for (int g = 0; g < N_GROUPS; g++)
    l.c->groups[g] = g_ptr_array_new ();
  obj = iop_json_expect_object (&l.r, root, "a compliance pack");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, COMPLIANCE_FORMAT, COMPLIANCE_FORMAT_VERSION, &l.c->pack) &&
       load_rule_sets (&l, obj) && load_medicare (&l, obj) && load_per_diem (&l, obj);
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_compliance_rules_unref (l.c);
      return NULL;
    }
  return l.c;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
rules_load_cb (gpointer continuum, const char *text, gssize length, iop_error **error)
{
  return rules_load (continuum, text, length, error);
}

iop_compliance_rules *
iop_compliance_rules_new_from_json (iop_continuum *continuum, const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return rules_load (continuum, json, -1, error);
}

iop_compliance_rules *
iop_compliance_rules_new_from_file (iop_continuum *continuum, const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "compliance pack", rules_load_cb, continuum, error);
}

iop_compliance_rules *
iop_compliance_rules_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "compliance pack", rules_load_cb);
}

char *
iop_compliance_rules_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

const char *
iop_compliance_rules_get_id (const iop_compliance_rules *rules)
{
  g_return_val_if_fail (rules != NULL, NULL);
  return rules->pack.id;
}

size_t
iop_compliance_rules_get_n_rule_sets (const iop_compliance_rules *rules)
{
  g_return_val_if_fail (rules != NULL, 0);
  return rules->sets->len;
}

const char *
iop_compliance_rules_get_rule_set_id (const iop_compliance_rules *rules, size_t index)
{
  g_return_val_if_fail (rules != NULL, NULL);
  return index < rules->sets->len ? ((RuleSet *) g_ptr_array_index (rules->sets, index))->id : NULL;
}

gboolean
iop_compliance_rules_rule_set_is_default (const iop_compliance_rules *rules, size_t index)
{
  return index < rules->sets->len && ((RuleSet *) g_ptr_array_index (rules->sets, index))->is_default;
}

const char *
iop_compliance_rules_get_medicare_source (const iop_compliance_rules *rules)
{
  return rules->medicare_source;
}

/* ------------------------------------------------------------------------------------------ */
/* Reports                                                                                     */

static iop_compliance_report *
report_new (const iop_compliance_rules *rules, const iop_level *level, iop_age_group age)
{
  iop_compliance_report *r = g_new0 (iop_compliance_report, 1);
  r->rules = iop_compliance_rules_ref ((iop_compliance_rules *) rules);
  r->level = level;
  r->age = age;
  r->results = g_array_new (FALSE, TRUE, sizeof (Result));
  return r;
}

void
iop_compliance_report_free (iop_compliance_report *report)
{
  if (report == NULL)
    return;
  for (guint i = 0; i < report->results->len; i++)
    {
      Result *r = &g_array_index (report->results, Result, i);
      g_free (r->required);
      g_free (r->text);
    }
  g_array_unref (report->results);
  if (report->extra != NULL)
    g_string_chunk_free (report->extra);
  iop_compliance_rules_unref (report->rules);
  g_free (report);
}

static void
add_result (iop_compliance_report *report, const char *rule, const char *set, const char *source,
            gboolean passed, const char *status, double measured, char *required, char *text,
            const char *date)
{
  Result r = { rule, set, status, source, passed, measured, required, text, { 0 } };
  if (date != NULL)
    g_strlcpy (r.date, date, sizeof r.date);
  g_array_append_val (report->results, r);
}

void
iop_compliance_report_append (iop_compliance_report *report, const char *rule, const char *rule_set,
                              const char *source, gboolean passed, const char *status, double measured,
                              const char *required, const char *text, const char *date)
{
  if (report->extra == NULL)
    report->extra = g_string_chunk_new (256);
  add_result (report, g_string_chunk_insert_const (report->extra, rule),
              g_string_chunk_insert_const (report->extra, rule_set),
              g_string_chunk_insert_const (report->extra, source), passed,
              g_string_chunk_insert_const (report->extra, status), measured, g_strdup (required),
              g_strdup (text), date);
}

static char *
format_hours (double h)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", h));
}

static gboolean
rule_applies (const Rule *rule, const iop_level *level, iop_age_group age)
{
  if (rule->age != 0 && rule->age != (int) age)
    return FALSE;
  if (rule->levels == NULL)
    return TRUE;
  for (guint i = 0; i < rule->levels->len; i++)
    {
      const iop_level *l = g_ptr_array_index (rule->levels, i);
      /* By edition and code: the caller's level may come from another continuum instance. */
      if (iop_level_get_edition (l) == iop_level_get_edition (level) &&
          strcmp (iop_level_get_code (l), iop_level_get_code (level)) == 0)
        return TRUE;
    }
  return FALSE;
}

static const Rule *
find_taper (const iop_compliance_rules *rules, GPtrArray *selected, const iop_level *level, iop_age_group age)
{
  for (guint s = 0; s < selected->len; s++)
    {
      const RuleSet *set = g_ptr_array_index (selected, s);
      for (guint i = 0; i < set->rules->len; i++)
        {
          const Rule *r = &g_array_index (set->rules, Rule, i);
          if (r->kind == R_TAPER && rule_applies (r, level, age))
            return r;
        }
    }
  (void) rules;
  return NULL;
}

iop_compliance_report *
iop_compliance_rules_check_schedule (const iop_compliance_rules *rules, const iop_level *level,
                                     iop_age_group age, const iop_schedule *schedule,
                                     int weeks_below_band, const char *rule_sets, iop_error **error)
{
  g_autoptr(GPtrArray) selected = g_ptr_array_new ();
  iop_compliance_report *report;
  double hours, shortest_day;
  int days;
  const Rule *taper;

  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (level != NULL, NULL);
  g_return_val_if_fail (schedule != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (age != IOP_AGE_ADULT && age != IOP_AGE_ADOLESCENT)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the age group must be adult or adolescent");
      return NULL;
    }
  if (weeks_below_band < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "weeks below the band must not be negative");
      return NULL;
    }
  if (rule_sets == NULL)
    {
      for (guint i = 0; i < rules->sets->len; i++)
        if (((RuleSet *) g_ptr_array_index (rules->sets, i))->is_default)
          g_ptr_array_add (selected, g_ptr_array_index (rules->sets, i));
    }
  else
    {
      g_auto(GStrv) ids = g_strsplit (rule_sets, ",", -1);
      for (guint k = 0; ids[k] != NULL; k++)
        {
          const char *id = g_strstrip (ids[k]);
          RuleSet *found = NULL;
          if (*id == '\0')
            continue;
          for (guint i = 0; i < rules->sets->len && found == NULL; i++)
            if (strcmp (((RuleSet *) g_ptr_array_index (rules->sets, i))->id, id) == 0)
              found = g_ptr_array_index (rules->sets, i);
          if (found == NULL)
            {
              iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "unknown rule set \"%s\"", id);
              return NULL;
            }
          if (!g_ptr_array_find (selected, found, NULL))
            g_ptr_array_add (selected, found);
        }
    }

  if (selected->len == 0)
    {
      /* An empty selection would give a vacuously compliant report. */
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "no rule set selected");
      return NULL;
    }
  report = report_new (rules, level, age);
  hours = iop_schedule_get_hours_per_week (schedule);
  shortest_day = iop_schedule_get_min_minutes_per_service_day (schedule) / 60.0;
  days = iop_schedule_get_days_per_week (schedule);
  taper = find_taper (rules, selected, level, age);

  for (guint s = 0; s < selected->len; s++)
    {
      const RuleSet *set = g_ptr_array_index (selected, s);
      for (guint i = 0; i < set->rules->len; i++)
        {
          const Rule *r = &g_array_index (set->rules, Rule, i);
          if (!rule_applies (r, level, age))
            continue;
          switch (r->kind)
            {
            case R_WEEKLY_BAND:
              {
                iop_range band = iop_level_get_hours_per_week (level, age);
                g_autofree char *lo = format_hours (band.min), *hi = format_hours (band.max);
                gboolean below, above;
                if (!iop_range_is_published (&band))
                  break;
                below = band.has_min && hours < band.min;
                above = band.has_max && (band.max_exclusive ? hours >= band.max : hours > band.max);
                char *required = band.has_min && band.has_max ? g_strdup_printf ("%s-%s hours/week", lo, hi)
                                 : band.has_min ? g_strdup_printf (">= %s hours/week", lo)
                                 : g_strdup_printf ("%s %s hours/week", band.max_exclusive ? "<" : "<=", hi);
                if (below && taper != NULL && weeks_below_band >= 1 && weeks_below_band <= taper->max_weeks)
                  add_result (report, r->id, set->id, taper->source, TRUE, "taper", hours, required,
                              g_strdup_printf ("Below the band for %d of at most %d week%s: IOP continues as a step-down in intensity",
                                               weeks_below_band, taper->max_weeks, taper->max_weeks == 1 ? "" : "s"),
                              NULL);
                else
                  {
                    add_result (report, r->id, set->id, r->source, !below && !above, below || above ? "fail" : "pass",
                                hours, required, g_strdup (r->text), NULL);
                    if (below)
                      {
                        report->recommendation = "step-down";
                        report->recommended = iop_level_get_step_down (level);
                      }
                    else if (above)
                      {
                        report->recommendation = "step-up";
                        report->recommended = iop_level_get_step_up (level);
                      }
                  }
                break;
              }
            case R_DAILY_MIN:
              {
                double min = r->value;
                if (min < 0)
                  {
                    iop_range day = iop_level_get_hours_per_day (level, age);
                    if (!day.has_min)
                      break;
                    min = day.min;
                  }
                if (days == 0)
                  add_result (report, r->id, set->id, r->source, FALSE, "fail", 0,
                              g_strdup_printf (">= %g hours/service day", min), g_strdup (r->text), NULL);
                else
                  add_result (report, r->id, set->id, r->source, shortest_day >= min,
                              shortest_day >= min ? "pass" : "fail", shortest_day,
                              g_strdup_printf (">= %g hours/service day", min), g_strdup (r->text), NULL);
                break;
              }
            case R_DAYS_MIN:
              add_result (report, r->id, set->id, r->source, days >= r->value, days >= r->value ? "pass" : "fail",
                          days, g_strdup_printf (">= %g days/week", r->value), g_strdup (r->text), NULL);
              break;
            case R_WEEKLY_MIN:
              add_result (report, r->id, set->id, r->source, hours >= r->value, hours >= r->value ? "pass" : "fail",
                          hours, g_strdup_printf (">= %g hours/week", r->value), g_strdup (r->text), NULL);
              break;
            case R_TAPER:
            default:
              break;
            }
        }
    }
  return report;
}

/* ------------------------------------------------------------------------------------------ */
/* Claims, Medicare                                                                            */

static int
group_of (const iop_compliance_rules *rules, const char *code)
{
  for (int g = 0; g < N_GROUPS; g++)
    for (guint k = 0; k < rules->groups[g]->len; k++)
      if (strcmp (g_ptr_array_index (rules->groups[g], k), code) == 0)
        return g;
  return -1;
}

typedef struct {
  guint32 julian;
  char date[11];
  int units[N_GROUPS];
} Day;

static gint
compare_days (gconstpointer a, gconstpointer b)
{
  guint32 x = ((const Day *) a)->julian, y = ((const Day *) b)->julian;
  return x < y ? -1 : x > y;
}

iop_compliance_report *
iop_compliance_rules_check_claims (const iop_compliance_rules *rules, const char *claims_json, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "lines", NULL };
  static const char *const line_members[] = { "date", "code", "units", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) days = g_array_new (FALSE, TRUE, sizeof (Day));
  IopJsonReader r;
  JsonObject *obj;
  JsonArray *lines = NULL;
  const char *format = NULL;
  gint64 version = 0;
  gboolean ok, failed = FALSE;
  iop_compliance_report *report;

  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (claims_json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  root = iop_json_parse (claims_json, -1, error);
  if (root == NULL)
    return NULL;
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "a claims document");
  ok = obj != NULL && iop_json_check_members (&r, obj, members) &&
       iop_json_get_string (&r, obj, "format", TRUE, &format);
  if (ok && strcmp (format, CLAIMS_FORMAT) != 0)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format", "expected \"" CLAIMS_FORMAT "\"");
  ok = ok && iop_json_get_int (&r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version);
  if (ok && version != CLAIMS_FORMAT_VERSION)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format_version", "this version is not supported (this libiop reads %d)",
                        CLAIMS_FORMAT_VERSION);
  if (ok)
    {
      lines = iop_json_get_array (&r, obj, "lines", TRUE, &failed);
      ok = lines != NULL;
    }
  if (ok)
    {
      gsize mark = iop_json_push_member (&r, "lines");
      for (guint i = 0; ok && i < json_array_get_length (lines); i++)
        {
          gsize m2 = iop_json_push_index (&r, i);
          JsonObject *lo = iop_json_expect_object (&r, json_array_get_element (lines, i), "a claim line");
          const char *date = NULL, *code = NULL;
          gint64 units = 1;
          guint32 julian = 0;
          int g;
          ok = lo != NULL && iop_json_check_members (&r, lo, line_members) &&
               iop_json_get_string (&r, lo, "date", TRUE, &date) &&
               iop_json_get_string (&r, lo, "code", TRUE, &code) &&
               iop_json_get_int (&r, lo, "units", FALSE, 1, 1000, NULL, &units);
          if (ok && !iop_date_parse (date, &julian))
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "date", "not a calendar date in YYYY-MM-DD form");
          if (ok && (g = group_of (rules, code)) >= 0)
            {
              Day *day = NULL;
              for (guint k = 0; k < days->len && day == NULL; k++)
                if (g_array_index (days, Day, k).julian == julian)
                  day = &g_array_index (days, Day, k);
              if (day == NULL)
                {
                  Day fresh = { julian, { 0 }, { 0 } };
                  g_strlcpy (fresh.date, date, sizeof fresh.date);
                  g_array_append_val (days, fresh);
                  day = &g_array_index (days, Day, days->len - 1);
                }
              day->units[g] += (int) units;
            }
          iop_json_pop (&r, m2);
        }
      iop_json_pop (&r, mark);
    }
  iop_json_reader_clear (&r);
  if (!ok)
    return NULL;

  g_array_sort (days, compare_days);
  report = report_new (rules, NULL, IOP_AGE_ADULT);
  for (guint k = 0; k < days->len; k++)
    {
      const Day *day = &g_array_index (days, Day, k);
      int n_exclusive = 0;
      for (int g = 0; g < N_GROUPS; g++)
        {
          if (day->units[g] > rules->max_units)
            add_result (report, "one-unit-per-day", "per-diem", rules->per_diem_source, FALSE, "fail",
                        day->units[g], g_strdup_printf ("<= %d unit/date of service", rules->max_units),
                        g_strdup_printf ("%d %s units on one date of service", day->units[g], group_names[g]),
                        day->date);
          n_exclusive += rules->exclusive[g] && day->units[g] > 0;
        }
      if (n_exclusive > 1)
        {
          g_autoptr(GString) which = g_string_new (NULL);
          for (int g = 0; g < N_GROUPS; g++)
            if (rules->exclusive[g] && day->units[g] > 0)
              g_string_append_printf (which, "%s%s", which->len ? " and " : "", group_names[g]);
          add_result (report, "exclusive-services", "per-diem", rules->per_diem_source, FALSE, "fail",
                      n_exclusive, g_strdup ("one of iop, php, residential per date of service"),
                      g_strdup_printf ("%s billed on the same date of service", which->str), day->date);
        }
      /* Medicare: an IOP day on, or within the window before, a PHP date. */
      if (day->units[0] > 0)
        for (guint j = 0; j < days->len; j++)
          {
            const Day *php = &g_array_index (days, Day, j);
            if (php->units[1] > 0 && php->julian >= day->julian &&
                php->julian - day->julian <= (guint32) rules->php_window)
              {
                add_result (report, "medicare-php-window", "medicare", rules->php_window_source, FALSE, "fail",
                            php->julian - day->julian,
                            g_strdup_printf ("no IOP date within %d days before a PHP date", rules->php_window),
                            g_strdup_printf ("IOP on this date is %u day%s before PHP on %s", php->julian - day->julian,
                                             php->julian - day->julian == 1 ? "" : "s", php->date),
                            day->date);
                break;
              }
          }
    }
  return report;
}

int
iop_compliance_rules_get_medicare_tier (const iop_compliance_rules *rules, int qualifying_services)
{
  g_return_val_if_fail (rules != NULL, 0);
  if (qualifying_services >= rules->tier4)
    return 4;
  return qualifying_services >= rules->tier3 ? 3 : 0;
}

char *
iop_compliance_rules_get_recertification_due (const iop_compliance_rules *rules, const char *certified,
                                              iop_error **error)
{
  guint32 julian = 0;
  char buf[11];

  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (certified != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!iop_date_parse (certified, &julian))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the certification date is not a calendar date in YYYY-MM-DD form");
      return NULL;
    }
  /* Month arithmetic clamps to the last day of a shorter month (Dec 31 + 2 -> Feb 28/29). */
  iop_date_format (iop_date_add_months (julian, rules->recert_months), buf);
  return g_strdup (buf);
}

/* ------------------------------------------------------------------------------------------ */

bool
iop_compliance_report_is_compliant (const iop_compliance_report *report)
{
  g_return_val_if_fail (report != NULL, false);
  for (guint i = 0; i < report->results->len; i++)
    if (!g_array_index (report->results, Result, i).passed)
      return false;
  return true;
}

size_t
iop_compliance_report_get_n_results (const iop_compliance_report *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->results->len;
}

static const Result *
result_at (const iop_compliance_report *report, size_t index)
{
  g_return_val_if_fail (report != NULL, NULL);
  return index < report->results->len ? &g_array_index (report->results, Result, index) : NULL;
}

const char *
iop_compliance_report_get_rule (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r ? r->rule : NULL;
}

bool
iop_compliance_report_get_passed (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r != NULL && r->passed;
}

const char *
iop_compliance_report_get_status (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r ? r->status : NULL;
}

double
iop_compliance_report_get_measured (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r ? r->measured : 0;
}

const char *
iop_compliance_report_get_required (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r ? r->required : NULL;
}

const char *
iop_compliance_report_get_date (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r != NULL && r->date[0] != '\0' ? r->date : NULL;
}

const char *
iop_compliance_report_get_text (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r ? r->text : NULL;
}

const char *
iop_compliance_report_get_source (const iop_compliance_report *report, size_t index)
{
  const Result *r = result_at (report, index);
  return r ? r->source : NULL;
}

const char *
iop_compliance_report_get_recommendation (const iop_compliance_report *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->recommendation;
}

const iop_level *
iop_compliance_report_get_recommended_level (const iop_compliance_report *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->recommended;
}

char *
iop_compliance_report_to_json (const iop_compliance_report *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (report != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "compliant");
  json_builder_add_boolean_value (b, iop_compliance_report_is_compliant (report));
  json_builder_set_member_name (b, "level");
  iop_json_add_string_or_null (b, report->level ? iop_level_get_code (report->level) : NULL);
  json_builder_set_member_name (b, "edition");
  iop_json_add_string_or_null (b, report->level ? iop_edition_to_string (iop_level_get_edition (report->level)) : NULL);
  json_builder_set_member_name (b, "age_group");
  iop_json_add_string_or_null (b, report->level ? iop_age_group_to_string (report->age) : NULL);
  json_builder_set_member_name (b, "recommendation");
  iop_json_add_string_or_null (b, report->recommendation);
  json_builder_set_member_name (b, "recommended_level");
  iop_json_add_string_or_null (b, report->recommended ? iop_level_get_code (report->recommended) : NULL);
  json_builder_set_member_name (b, "rules");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->results->len; i++)
    {
      const Result *r = &g_array_index (report->results, Result, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, r->rule);
      json_builder_set_member_name (b, "rule_set");
      json_builder_add_string_value (b, r->rule_set);
      json_builder_set_member_name (b, "passed");
      json_builder_add_boolean_value (b, r->passed);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, r->status);
      json_builder_set_member_name (b, "measured");
      iop_json_add_number (b, round (r->measured * 100) / 100);
      json_builder_set_member_name (b, "required");
      json_builder_add_string_value (b, r->required);
      json_builder_set_member_name (b, "date");
      iop_json_add_string_or_null (b, r->date[0] != '\0' ? r->date : NULL);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, r->text);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, r->source);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}
