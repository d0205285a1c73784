/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Pre-authorization: the payer policy pack, the request document, the decision engine and the
 * decision's JSON. The batch engine is in iop-preauth-batch.c, the ledger in iop-preauth-ledger.c.
 */
#include "iop-preauth-private.h"

#include <math.h>
#include <string.h>

#define PAYERS_FORMAT "libiop-payers"
#define PAYERS_FORMAT_VERSION 1
#define REQUEST_FORMAT "libiop-preauth-request"
#define REQUEST_FORMAT_VERSION 1
#define DEFAULT_PACK "payers.json"

/* GDate's Julian day of 1970-01-01, and the instant CMS-0057-F's timeframes start (2026-01-01T00:00Z). */
#define JULIAN_UNIX_EPOCH 719163
#define CMS_0057F_START G_GINT64_CONSTANT (1767225600)

typedef enum { AUTH_REQUIRED, AUTH_NOT_REQUIRED, AUTH_PROHIBITED, AUTH_THRESHOLD } AuthKind;
static const char *const auth_names[] = { "required", "not-required", "prohibited", "required-after-threshold", NULL };
typedef enum { UNIT_SESSIONS, UNIT_UNITS, UNIT_DAYS } ThresholdUnit;
static const char *const threshold_units[] = { "sessions", "units", "days", NULL };
static const char *const plan_types[] = { "medicaid", "medicare-advantage", "chip", "qhp-ffe", "commercial",
                                          "medicare-ffs", "other", NULL };
/* CMS-0057-F covers Medicare Advantage, Medicaid and CHIP; QHPs on the FFEs are excluded from the
 * timeframe provision; commercial group plans and traditional Medicare are not covered. */
static const gboolean plan_cms_default[] = { TRUE, TRUE, TRUE, FALSE, FALSE, FALSE, FALSE };
static const char *const editions[] = { "asam3", "asam4", "locus", NULL };
static const iop_edition edition_values[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
static const char *const outcome_names[] = { "not-required", "approved", "approved-modified", "pended", "denied",
                                             "cancelled" };

typedef struct {
  const char *kind, *source;
  GPtrArray *signed_by; /* const char *; NULL = any or none */
  int within_business_days; /* -1 = no limit */
} DocRule;

typedef struct {
  const char *id, *text, *source;
  GPtrArray *levels;    /* const iop_level *, or NULL */
  GPtrArray *services;  /* const char *, or NULL */
  AuthKind auth;
  int threshold;
  ThresholdUnit threshold_unit;
  GArray *documents;    /* DocRule */
  GPtrArray *diagnoses; /* prefixes, or NULL */
  const char *diagnoses_source;
  int min_age, max_age; /* -1 = none */
  const char *age_source;
  int initial_units, period_days, review_days; /* -1 = none */
  const char *limits_source;
  int max_units_per_day; /* -1 = none */
  GPtrArray *exclusive; /* codes, or NULL */
  const char *per_diem_source;
} Rule;

typedef struct {
  gboolean present;
  double allowed, copay, coinsurance, deductible;
} Cost;

typedef struct {
  const char *id, *name;
  int plan_type;
  gboolean cms;
  int standard_hours, expedited_hours; /* -1 = none */
  const char *timeframe_source;
  Cost cost[2]; /* 0 in-network, 1 out-of-network */
  const char *cost_source;
  GArray *rules; /* Rule */
} Payer;

struct iop_preauth_policy {
  gatomicrefcount ref_count;
  IopPackHeader pack;
  iop_continuum *continuum;
  gboolean illustrative;
  GPtrArray *payers;  /* Payer * */
  GHashTable *by_id;  /* id -> Payer * */
};



/* ------------------------------------------------------------------------------------------ */
/* Writing helpers                                                                             */

void
pa_write_string (GString *out, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;

  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      unsigned char c = (unsigned char) *p;
      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
append_2 (GString *out, int v)
{
  g_string_append_c (out, (char) ('0' + v / 10));
  g_string_append_c (out, (char) ('0' + v % 10));
}

void
pa_write_date (GString *out, guint32 julian)
{
  GDate date;
  int y;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  y = g_date_get_year (&date);
  g_string_append_c (out, '"');
  append_2 (out, y / 100);
  append_2 (out, y % 100);
  g_string_append_c (out, '-');
  append_2 (out, g_date_get_month (&date));
  g_string_append_c (out, '-');
  append_2 (out, g_date_get_day (&date));
  g_string_append_c (out, '"');
}

void
pa_write_instant (GString *out, gint64 unix_seconds, int offset)
{
  gint64 local = unix_seconds + offset;
  gint64 days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  int secs = (int) (local - days * 86400);
  int off = ABS (offset) / 60;

  pa_write_date (out, (guint32) (days + JULIAN_UNIX_EPOCH));
  g_string_truncate (out, out->len - 1); /* reopen the string after the date */
  g_string_append_c (out, 'T');
  append_2 (out, secs / 3600);
  g_string_append_c (out, ':');
  append_2 (out, secs / 60 % 60);
  g_string_append_c (out, ':');
  append_2 (out, secs % 60);
  if (offset == 0)
    g_string_append_c (out, 'Z');
  else
    {
      g_string_append_c (out, offset < 0 ? '-' : '+');
      append_2 (out, off / 60);
      g_string_append_c (out, ':');
      append_2 (out, off % 60);
    }
  g_string_append_c (out, '"');
}

void
pa_write_amount (GString *out, double value)
{
  gint64 cents = (gint64) llround (value * 100);

  if (cents < 0)
    {
      g_string_append_c (out, '-');
      cents = -cents;
    }
  g_string_append_printf (out, "%" G_GINT64_FORMAT, cents / 100);
  if (cents % 100 != 0)
    {
      g_string_append_c (out, '.');
      g_string_append_c (out, (char) ('0' + cents % 100 / 10));
      if (cents % 10 != 0)
        g_string_append_c (out, (char) ('0' + cents % 10));
    }
}

static void
write_string_or_null (GString *out, const char *s)
{
  if (s == NULL)
    g_string_append (out, "null");
  else
    pa_write_string (out, s);
}

static void
write_int (GString *out, gint64 v)
{
  char buf[24];
  int n = 0;
  guint64 u = v < 0 ? (guint64) (-(v + 1)) + 1 : (guint64) v;

  if (v < 0)
    g_string_append_c (out, '-');
  do
    {
      buf[n++] = (char) ('0' + u % 10);
      u /= 10;
    }
  while (u > 0);
  while (n > 0)
    g_string_append_c (out, buf[--n]);
}

/* ------------------------------------------------------------------------------------------ */
/* Instants and dates                                                                          */

static int
digits (const char *p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return -1;
      v = v * 10 + (p[i] - '0');
    }
  return v;
}

gboolean
pa_parse_instant (const char *text, gint64 *unix_seconds, int *offset)
{
  char date[11];
  guint32 julian;
  int h, m, s, oh = 0, om = 0, sign = 1;
  const char *p;

  if (strlen (text) < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return FALSE;
  memcpy (date, text, 10);
  date[10] = '\0';
  if (!iop_date_parse (date, &julian))
    return FALSE;
  h = digits (text + 11, 2);
  m = digits (text + 14, 2);
  s = digits (text + 17, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
    return FALSE;
  p = text + 19;
  if (*p == '.')
    {
      const char *start = ++p;
      while (g_ascii_isdigit (*p))
        p++;
      if (p == start || p - start > 9)
        return FALSE;
    }
  if (*p == 'Z' && p[1] == '\0')
    sign = 0;
  else if ((*p == '+' || *p == '-') && strlen (p) == 6 && p[3] == ':')
    {
      sign = *p == '-' ? -1 : 1;
      oh = digits (p + 1, 2);
      om = digits (p + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59)
        return FALSE;
    }
  else
    return FALSE;
  *offset = sign * (oh * 3600 + om * 60);
  *unix_seconds = ((gint64) julian - JULIAN_UNIX_EPOCH) * 86400 + h * 3600 + m * 60 + s - *offset;
  return TRUE;
}

/* ISO weekday of a GDate Julian day (day 1, 0001-01-01, was a Monday): 1 = Monday ... 7 = Sunday. */
static int
weekday_of (guint32 julian)
{
  return (int) ((julian - 1) % 7) + 1;
}

/* Business days (Monday to Friday) after @from up to and including @to; 0 when @to <= @from. */
static guint32
business_days_between (guint32 from, guint32 to)
{
  guint32 n, count;

  if (to <= from)
    return 0;
  n = to - from;
  count = n / 7 * 5;
  for (guint32 d = from + n / 7 * 7 + 1; d <= to; d++)
    count += weekday_of (d) <= 5;
  return count;
}

static int
age_at (guint32 birth, guint32 on)
{
  GDate b, o;
  int age;

  if (on < birth)
    return -1;
  g_date_clear (&b, 1);
  g_date_clear (&o, 1);
  g_date_set_julian (&b, birth);
  g_date_set_julian (&o, on);
  age = g_date_get_year (&o) - g_date_get_year (&b);
  if (g_date_get_month (&o) < g_date_get_month (&b) ||
      (g_date_get_month (&o) == g_date_get_month (&b) && g_date_get_day (&o) < g_date_get_day (&b)))
    age--;
  return age;
}

/* ICD-10-CM code syntax: a letter, a digit, a digit or letter, then optionally "." and 1 to 4
 * digits or letters (F10.20, F19.239, Z71.41). */
static gboolean
icd10cm_valid (const char *code)
{
  gsize n = strlen (code);

  if (n < 3 || !g_ascii_isupper (code[0]) || !g_ascii_isdigit (code[1]) ||
      !(g_ascii_isdigit (code[2]) || g_ascii_isupper (code[2])))
    return FALSE;
  if (n == 3)
    return TRUE;
  if (code[3] != '.' || n < 5 || n > 8)
    return FALSE;
  for (gsize i = 4; i < n; i++)
    if (!g_ascii_isdigit (code[i]) && !g_ascii_isupper (code[i]))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The policy pack                                                                             */

static void
payer_free (gpointer data)
{
  Payer *p = data;
  for (guint i = 0; i < p->rules->len; i++)
    {
      Rule *r = &g_array_index (p->rules, Rule, i);
      g_clear_pointer (&r->levels, g_ptr_array_unref);
      g_clear_pointer (&r->services, g_ptr_array_unref);
      g_clear_pointer (&r->diagnoses, g_ptr_array_unref);
      g_clear_pointer (&r->exclusive, g_ptr_array_unref);
      if (r->documents != NULL)
        {
          for (guint k = 0; k < r->documents->len; k++)
            g_clear_pointer (&g_array_index (r->documents, DocRule, k).signed_by, g_ptr_array_unref);
          g_array_unref (r->documents);
        }
    }
  g_array_unref (p->rules);
  g_free (p);
}

iop_preauth_policy *
iop_preauth_policy_ref (iop_preauth_policy *policy)
{
  g_return_val_if_fail (policy != NULL, NULL);
  g_atomic_ref_count_inc (&policy->ref_count);
  return policy;
}

void
iop_preauth_policy_unref (iop_preauth_policy *policy)
{
  if (policy == NULL || !g_atomic_ref_count_dec (&policy->ref_count))
    return;
  g_hash_table_unref (policy->by_id);
  g_ptr_array_unref (policy->payers);
  iop_continuum_unref (policy->continuum);
  iop_pack_header_clear (&policy->pack);
  g_free (policy);
}

typedef struct {
  IopJsonReader r;
  iop_preauth_policy *p;
} Loader;

/* Reads an optional array of non-empty strings into a new array of interned strings. */
static gboolean
load_strings (Loader *l, JsonObject *obj, const char *member, gboolean (*valid) (const char *),
              const char *what, GPtrArray **out)
{
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, member, FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  *out = g_ptr_array_new ();
  mark = iop_json_push_member (&l->r, member);
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must not be empty (leave the member out instead)");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (&l->r, i);
      const char *s;
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected %s (a string)", what);
      s = json_node_get_string (n);
      if (*s == '\0' || (valid != NULL && !valid (s)))
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "\"%s\" is not %s", s, what);
      g_ptr_array_add (*out, (gpointer) iop_pack_intern (&l->p->pack, s));
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
diagnosis_prefix_valid (const char *s)
{
  gsize n = strlen (s);
  if (n > 8 || !g_ascii_isupper (s[0]))
    return FALSE;
  for (gsize i = 1; i < n; i++)
    if (!g_ascii_isdigit (s[i]) && !g_ascii_isupper (s[i]) && s[i] != '.')
      return FALSE;
  return TRUE;
}

static gboolean
load_rule_levels (Loader *l, JsonObject *obj, Rule *rule)
{
  static const char *const members[] = { "edition", "code", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "levels", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  rule->levels = g_ptr_array_new ();
  mark = iop_json_push_member (&l->r, "levels");
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must not be empty (leave the member out instead)");
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
      level = iop_continuum_lookup_level (l->p->continuum, edition_values[edition], code);
      if (level == NULL)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "code", "unknown %s level \"%s\"", editions[edition], code);
      g_ptr_array_add (rule->levels, (gpointer) level);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_documents (Loader *l, JsonObject *obj, Rule *rule)
{
  static const char *const members[] = { "kind", "signed_by", "within_business_days", "source", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "documents", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  rule->documents = g_array_new (FALSE, TRUE, sizeof (DocRule));
  mark = iop_json_push_member (&l->r, "documents");
  if (json_array_get_length (arr) > PA_MAX_DOCUMENTS)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "at most %d documents", PA_MAX_DOCUMENTS);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *d = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a required document");
      DocRule doc = { NULL, NULL, NULL, -1 };
      const char *kind = NULL;
      gint64 days = -1;
      gboolean ok;
      if (d == NULL)
        return FALSE;
      ok = iop_json_check_members (&l->r, d, members) && iop_json_get_string (&l->r, d, "kind", TRUE, &kind) &&
           iop_pack_read_source_ref (&l->r, &l->p->pack, d, TRUE, &doc.source) &&
           iop_json_get_int (&l->r, d, "within_business_days", FALSE, 0, 365, NULL, &days);
      if (ok)
        ok = load_strings (l, d, "signed_by", NULL, "a credential", &doc.signed_by);
      if (ok)
        {
          doc.kind = iop_pack_intern (&l->p->pack, kind);
          doc.within_business_days = (int) days;
          for (guint k = 0; k < rule->documents->len; k++)
            if (strcmp (g_array_index (rule->documents, DocRule, k).kind, doc.kind) == 0)
              ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "kind", "duplicate document kind \"%s\"", kind);
        }
      g_array_append_val (rule->documents, doc); /* even on failure, so signed_by is freed */
      if (!ok)
        return FALSE;
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

/* Reads the source member @member, required exactly when @needed. */
static gboolean
load_source_for (Loader *l, JsonObject *obj, const char *member, gboolean needed, const char *what,
                 const char **out)
{
  const char *id = NULL;

  if (!iop_json_get_string (&l->r, obj, member, FALSE, &id))
    return FALSE;
  if (id == NULL && needed)
    return iop_json_fail (&l->r, IOP_ERROR_PARSE, member, "required member is missing (%s cites a source)", what);
  if (id != NULL && !needed)
    return iop_json_fail (&l->r, IOP_ERROR_PARSE, member, "is not used without %s", what);
  if (id != NULL && !g_hash_table_contains (l->p->pack.sources, id))
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "unknown source \"%s\" (not in $.sources)", id);
  *out = id != NULL ? iop_pack_intern (&l->p->pack, id) : NULL;
  return TRUE;
}

static gboolean
get_optional_int (Loader *l, JsonObject *obj, const char *member, gint64 min, gint64 max, int *out)
{
  gint64 v = -1;
  gboolean present = FALSE;
  if (!iop_json_get_int (&l->r, obj, member, FALSE, min, max, &present, &v))
    return FALSE;
  *out = present ? (int) v : -1;
  return TRUE;
}

static gboolean
load_rule (Loader *l, JsonObject *obj, Payer *payer, Rule *rule)
{
  static const char *const members[] = { "id", "text", "levels", "services", "authorization", "threshold",
                                         "documents", "diagnoses", "diagnoses_source", "min_age", "max_age",
                                         "age_source", "initial_units", "period_days", "review_interval_days",
                                         "limits_source", "max_units_per_day", "exclusive_with",
                                         "per_diem_source", "source", NULL };
  const char *id = NULL, *text = NULL;
  int auth = 0;
  gboolean failed;
  JsonObject *threshold;

  if (!iop_json_check_members (&l->r, obj, members) || !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
      !iop_json_get_string (&l->r, obj, "text", TRUE, &text) ||
      !iop_json_get_enum (&l->r, obj, "authorization", TRUE, auth_names, &auth) ||
      !iop_pack_read_source_ref (&l->r, &l->p->pack, obj, TRUE, &rule->source) ||
      !load_rule_levels (l, obj, rule) || !load_strings (l, obj, "services", NULL, "a service code", &rule->services) ||
      !load_documents (l, obj, rule) ||
      !load_strings (l, obj, "diagnoses", diagnosis_prefix_valid, "an ICD-10-CM code prefix", &rule->diagnoses) ||
      !load_strings (l, obj, "exclusive_with", NULL, "a service code", &rule->exclusive) ||
      !get_optional_int (l, obj, "min_age", 0, 150, &rule->min_age) ||
      !get_optional_int (l, obj, "max_age", 0, 150, &rule->max_age) ||
      !get_optional_int (l, obj, "initial_units", 1, 100000, &rule->initial_units) ||
      !get_optional_int (l, obj, "period_days", 1, 3660, &rule->period_days) ||
      !get_optional_int (l, obj, "review_interval_days", 1, 3660, &rule->review_days) ||
      !get_optional_int (l, obj, "max_units_per_day", 1, 1000, &rule->max_units_per_day))
    return FALSE;
  for (guint i = 0; i < payer->rules->len; i++)
    if (strcmp (g_array_index (payer->rules, Rule, i).id, id) == 0)
      return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate rule \"%s\"", id);
  rule->id = iop_pack_intern (&l->p->pack, id);
  rule->text = iop_pack_intern (&l->p->pack, text);
  rule->auth = (AuthKind) auth;
  if (rule->levels == NULL && rule->services == NULL)
    return iop_json_fail (&l->r, IOP_ERROR_PARSE, "levels", "required member is missing (a rule names levels, services or both)");
  if (rule->min_age >= 0 && rule->max_age >= 0 && rule->max_age < rule->min_age)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max_age", "must not be below min_age");
  if (!load_source_for (l, obj, "diagnoses_source", rule->diagnoses != NULL, "diagnoses", &rule->diagnoses_source) ||
      !load_source_for (l, obj, "age_source", rule->min_age >= 0 || rule->max_age >= 0, "min_age or max_age",
                        &rule->age_source) ||
      !load_source_for (l, obj, "limits_source",
                        rule->initial_units >= 0 || rule->period_days >= 0 || rule->review_days >= 0,
                        "initial_units, period_days or review_interval_days", &rule->limits_source) ||
      !load_source_for (l, obj, "per_diem_source", rule->max_units_per_day >= 0 || rule->exclusive != NULL,
                        "max_units_per_day or exclusive_with", &rule->per_diem_source))
    return FALSE;
  threshold = iop_json_get_object (&l->r, obj, "threshold", rule->auth == AUTH_THRESHOLD, &failed);
  if (failed)
    return FALSE;
  if (threshold != NULL)
    {
      static const char *const tmembers[] = { "count", "unit", NULL };
      gint64 count = 0;
      int unit = 0;
      gsize mark = iop_json_push_member (&l->r, "threshold");
      if (rule->auth != AUTH_THRESHOLD)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "is only used by a \"required-after-threshold\" rule");
      if (!iop_json_check_members (&l->r, threshold, tmembers) ||
          !iop_json_get_int (&l->r, threshold, "count", TRUE, 0, 100000, NULL, &count) ||
          !iop_json_get_enum (&l->r, threshold, "unit", TRUE, threshold_units, &unit))
        return FALSE;
      rule->threshold = (int) count;
      rule->threshold_unit = (ThresholdUnit) unit;
      iop_json_pop (&l->r, mark);
    }
  return TRUE;
}

static gboolean
load_cost (Loader *l, JsonObject *obj, const char *member, Cost *cost)
{
  static const char *const members[] = { "allowed_per_unit", "copay_per_unit", "coinsurance_percent", "deductible", NULL };
  static const char *const names[] = { "allowed_per_unit", "copay_per_unit", "coinsurance_percent", "deductible" };
  gboolean failed;
  JsonObject *c = iop_json_get_object (&l->r, obj, member, TRUE, &failed);
  double *values[] = { &cost->allowed, &cost->copay, &cost->coinsurance, &cost->deductible };
  gsize mark;

  if (c == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, member);
  if (!iop_json_check_members (&l->r, c, members))
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      if (!iop_json_get_number (&l->r, c, names[i], TRUE, FALSE, NULL, values[i]))
        return FALSE;
      if (*values[i] < 0 || (i == 2 && *values[i] > 100))
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, names[i], i == 2 ? "must be within 0..100" : "must not be negative");
    }
  cost->present = TRUE;
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_payer (Loader *l, JsonObject *obj, Payer *payer)
{
  static const char *const members[] = { "id", "name", "plan_type", "cms_0057f", "timeframes", "cost_sharing",
                                         "rules", NULL };
  const char *id = NULL, *name = NULL;
  gboolean failed, cms = FALSE;
  JsonObject *tf, *cs;
  JsonArray *rules;
  gsize mark;

  if (!iop_json_check_members (&l->r, obj, members) || !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
      !iop_json_get_string (&l->r, obj, "name", TRUE, &name) ||
      !iop_json_get_enum (&l->r, obj, "plan_type", TRUE, plan_types, &payer->plan_type))
    return FALSE;
  if (g_hash_table_contains (l->p->by_id, id))
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate payer \"%s\"", id);
  payer->id = iop_pack_intern (&l->p->pack, id);
  payer->name = iop_pack_intern (&l->p->pack, name);
  g_hash_table_insert (l->p->by_id, (gpointer) payer->id, payer);
  payer->cms = plan_cms_default[payer->plan_type];
  if (json_object_has_member (obj, "cms_0057f"))
    {
      if (!iop_json_get_bool (&l->r, obj, "cms_0057f", TRUE, &cms))
        return FALSE;
      payer->cms = cms;
    }
  payer->standard_hours = payer->expedited_hours = -1;
  tf = iop_json_get_object (&l->r, obj, "timeframes", FALSE, &failed);
  if (failed)
    return FALSE;
  if (tf != NULL)
    {
      static const char *const tmembers[] = { "standard_hours", "expedited_hours", "source", NULL };
      gint64 std = 0, exp = 0;
      mark = iop_json_push_member (&l->r, "timeframes");
      if (!iop_json_check_members (&l->r, tf, tmembers) ||
          !iop_json_get_int (&l->r, tf, "standard_hours", TRUE, 1, 24 * 366, NULL, &std) ||
          !iop_json_get_int (&l->r, tf, "expedited_hours", TRUE, 1, 24 * 366, NULL, &exp) ||
          !iop_pack_read_source_ref (&l->r, &l->p->pack, tf, TRUE, &payer->timeframe_source))
        return FALSE;
      payer->standard_hours = (int) std;
      payer->expedited_hours = (int) exp;
      iop_json_pop (&l->r, mark);
    }
  cs = iop_json_get_object (&l->r, obj, "cost_sharing", FALSE, &failed);
  if (failed)
    return FALSE;
  if (cs != NULL)
    {
      static const char *const cmembers[] = { "in_network", "out_of_network", "source", NULL };
      mark = iop_json_push_member (&l->r, "cost_sharing");
      if (!iop_json_check_members (&l->r, cs, cmembers) ||
          !iop_pack_read_source_ref (&l->r, &l->p->pack, cs, TRUE, &payer->cost_source) ||
          !load_cost (l, cs, "in_network", &payer->cost[0]) || !load_cost (l, cs, "out_of_network", &payer->cost[1]))
        return FALSE;
      iop_json_pop (&l->r, mark);
    }
  rules = iop_json_get_array (&l->r, obj, "rules", TRUE, &failed);
  if (rules == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "rules");
  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *ro = iop_json_expect_object (&l->r, json_array_get_element (rules, i), "a rule");
      Rule rule = { 0 };
      gboolean ok;
      if (ro == NULL)
        return FALSE;
      rule.min_age = rule.max_age = rule.initial_units = rule.period_days = rule.review_days = rule.max_units_per_day = -1;
      ok = load_rule (l, ro, payer, &rule);
      g_array_append_val (payer->rules, rule); /* even on failure, so its arrays are freed */
      if (!ok)
        return FALSE;
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static iop_preauth_policy *
policy_load (iop_continuum *continuum, const char *json, gssize length, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "id", "version", "title", "sources",
                                         "illustrative", "payers", NULL };
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  Loader l = { 0 };
  JsonObject *obj;
  JsonArray *payers = NULL;
  gboolean ok, failed = FALSE;

  if (root == NULL)
    return NULL;
  iop_json_reader_init (&l.r, error, TRUE);
  l.p = g_new0 (iop_preauth_policy, 1);
  g_atomic_ref_count_init (&l.p->ref_count);
  iop_pack_header_init (&l.p->pack);
  l.p->continuum = continuum != NULL ? iop_continuum_ref (continuum) : iop_continuum_new_default ();
  l.p->payers = g_ptr_array_new_with_free_func (payer_free);
  l.p->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  obj = iop_json_expect_object (&l.r, root, "a payer policy pack");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, PAYERS_FORMAT, PAYERS_FORMAT_VERSION, &l.p->pack) &&
       iop_json_get_bool (&l.r, obj, "illustrative", FALSE, &l.p->illustrative);
  if (ok)
    {
      payers = iop_json_get_array (&l.r, obj, "payers", TRUE, &failed);
      ok = payers != NULL;
    }
  if (ok)
    {
      gsize mark = iop_json_push_member (&l.r, "payers");
      for (guint i = 0; ok && i < json_array_get_length (payers); i++)
        {
          gsize m2 = iop_json_push_index (&l.r, i);
          JsonObject *po = iop_json_expect_object (&l.r, json_array_get_element (payers, i), "a payer");
          Payer *payer;
          if (po == NULL)
            {
              ok = FALSE;
              break;
            }
          payer = g_new0 (Payer, 1);
          payer->rules = g_array_new (FALSE, TRUE, sizeof (Rule));
          g_ptr_array_add (l.p->payers, payer);
          ok = load_payer (&l, po, payer);
          iop_json_pop (&l.r, m2);
        }
      iop_json_pop (&l.r, mark);
    }
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_preauth_policy_unref (l.p);
      return NULL;
    }
  return l.p;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
policy_load_cb (gpointer continuum, const char *text, gssize length, iop_error **error)
{
  return policy_load (continuum, text, length, error);
}

iop_preauth_policy *
iop_preauth_policy_new_from_json (iop_continuum *continuum, const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return policy_load (continuum, json, -1, error);
}

iop_preauth_policy *
iop_preauth_policy_new_from_file (iop_continuum *continuum, const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "payer policy pack", policy_load_cb, continuum, error);
}

iop_preauth_policy *
iop_preauth_policy_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "payer policy pack", policy_load_cb);
}

char *
iop_preauth_policy_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

const char *
iop_preauth_policy_get_id (const iop_preauth_policy *policy)
{
  g_return_val_if_fail (policy != NULL, NULL);
  return policy->pack.id;
}

bool
iop_preauth_policy_is_illustrative (const iop_preauth_policy *policy)
{
  g_return_val_if_fail (policy != NULL, false);
  return policy->illustrative;
}

size_t
iop_preauth_policy_get_n_payers (const iop_preauth_policy *policy)
{
  g_return_val_if_fail (policy != NULL, 0);
  return policy->payers->len;
}

const char *
iop_preauth_policy_get_payer_id (const iop_preauth_policy *policy, size_t index)
{
  g_return_val_if_fail (policy != NULL, NULL);
  return index < policy->payers->len ? ((Payer *) g_ptr_array_index (policy->payers, index))->id : NULL;
}

bool
iop_preauth_policy_get_payer_cms_0057f (const iop_preauth_policy *policy, const char *payer_id, iop_error **error)
{
  const Payer *payer;

  g_return_val_if_fail (policy != NULL, false);
  g_return_val_if_fail (payer_id != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  payer = g_hash_table_lookup (policy->by_id, payer_id);
  if (payer == NULL)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "unknown payer \"%s\"", payer_id);
      return false;
    }
  return payer->cms;
}

/* ------------------------------------------------------------------------------------------ */
/* Requests                                                                                    */

static gboolean
read_date (IopJsonReader *r, JsonObject *obj, const char *member, gboolean required, guint32 *julian,
           const char **text)
{
  const char *s = NULL;
  if (!iop_json_get_string (r, obj, member, required, &s))
    return FALSE;
  if (s == NULL)
    return TRUE;
  if (!iop_date_parse (s, julian))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member, "not a calendar date in YYYY-MM-DD form");
  *text = s;
  return TRUE;
}

/* Reads an array of non-empty strings into @out (at most @max). */
static gboolean
read_codes (IopJsonReader *r, JsonObject *obj, const char *member, gboolean required, int max,
            gboolean (*valid) (const char *), const char *what, const char **out, int *n)
{
  gboolean failed;
  JsonArray *arr = iop_json_get_array (r, obj, member, required, &failed);
  gsize mark;
  guint len;

  *n = 0;
  if (arr == NULL)
    return !failed;
  mark = iop_json_push_member (r, member);
  len = json_array_get_length (arr);
  if (len > (guint) max)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, NULL, "at most %d entries", max);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (r, i);
      const char *s;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return iop_json_fail (r, IOP_ERROR_PARSE, NULL, "expected %s (a string)", what);
      s = json_node_get_string (node);
      if (*s == '\0' || (valid != NULL && !valid (s)))
        return iop_json_fail (r, IOP_ERROR_INVALID_DATA, NULL, "not %s", what);
      out[(*n)++] = s;
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return TRUE;
}

static gboolean
service_code_valid (const char *s)
{
  gsize n = strlen (s);
  if (n > 16)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '-' && s[i] != '.')
      return FALSE;
  return TRUE;
}

gboolean
pa_request_read (IopJsonReader *r, JsonNode *root, PaRequest *req)
{
  static const char *const members[] = { "format", "format_version", "id", "member", "coverage", "level",
                                         "services", "units", "start", "end", "diagnoses", "documents",
                                         "urgency", "received_at", "sessions_used", NULL };
  static const char *const member_members[] = { "id", "birth_date", "age_group", NULL };
  static const char *const coverage_members[] = { "payer", "plan", "in_network", "deductible_remaining", NULL };
  static const char *const level_members[] = { "edition", "code", NULL };
  static const char *const doc_members[] = { "kind", "date", "signed_by", NULL };
  static const char *const age_names[] = { "adult", "adolescent", NULL };
  static const char *const urgencies[] = { "standard", "expedited", NULL };
  JsonObject *obj, *sub;
  JsonArray *docs;
  const char *format = NULL;
  gint64 version = 0, v = 0;
  gboolean failed, present;
  int idx;
  gsize mark;

  memset (req, 0, sizeof *req);
  req->sessions_used = -1;
  req->deductible_remaining = -1;
  obj = iop_json_expect_object (r, root, "a pre-authorization request");
  if (obj == NULL || !iop_json_check_members (r, obj, members) || !iop_json_get_string (r, obj, "format", TRUE, &format))
    return FALSE;
  if (strcmp (format, REQUEST_FORMAT) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format", "expected \"" REQUEST_FORMAT "\"");
  if (!iop_json_get_int (r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version))
    return FALSE;
  if (version != REQUEST_FORMAT_VERSION)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format_version", "this version is not supported (this libiop reads %d)",
                          REQUEST_FORMAT_VERSION);
  if (!iop_json_get_string (r, obj, "id", TRUE, &req->id))
    return FALSE;

  sub = iop_json_get_object (r, obj, "member", TRUE, &failed);
  if (sub == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "member");
  idx = -1;
  if (!iop_json_check_members (r, sub, member_members) || !iop_json_get_string (r, sub, "id", TRUE, &req->member_id) ||
      !read_date (r, sub, "birth_date", FALSE, &req->birth, &req->birth_text) ||
      !iop_json_get_enum (r, sub, "age_group", FALSE, age_names, &idx))
    return FALSE;
  req->age_group = idx < 0 ? 0 : IOP_AGE_ADULT + idx;
  iop_json_pop (r, mark);

  sub = iop_json_get_object (r, obj, "coverage", TRUE, &failed);
  if (sub == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "coverage");
  if (!iop_json_check_members (r, sub, coverage_members) || !iop_json_get_string (r, sub, "payer", TRUE, &req->payer) ||
      !iop_json_get_string (r, sub, "plan", FALSE, &req->plan) ||
      !iop_json_get_bool (r, sub, "in_network", TRUE, &req->in_network) ||
      !iop_json_get_number (r, sub, "deductible_remaining", FALSE, FALSE, &present, &req->deductible_remaining))
    return FALSE;
  if (!present)
    req->deductible_remaining = -1;
  else if (req->deductible_remaining < 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "deductible_remaining", "must not be negative");
  iop_json_pop (r, mark);

  sub = iop_json_get_object (r, obj, "level", FALSE, &failed);
  if (failed)
    return FALSE;
  if (sub != NULL)
    {
      idx = 0;
      mark = iop_json_push_member (r, "level");
      if (!iop_json_check_members (r, sub, level_members) || !iop_json_get_enum (r, sub, "edition", TRUE, editions, &idx) ||
          !iop_json_get_string (r, sub, "code", TRUE, &req->level_code))
        return FALSE;
      req->edition = edition_values[idx];
      iop_json_pop (r, mark);
    }
  if (!read_codes (r, obj, "services", FALSE, PA_MAX_SERVICES, service_code_valid, "a service code", req->services,
                   &req->n_services))
    return FALSE;
  if (req->level_code == NULL && req->n_services == 0)
    return iop_json_fail (r, IOP_ERROR_PARSE, "services", "required member is missing (a request names a level, services or both)");
  if (!iop_json_get_int (r, obj, "units", TRUE, 1, 100000, NULL, &v))
    return FALSE;
  req->units = (int) v;
  if (!read_date (r, obj, "start", TRUE, &req->start, &req->start_text) ||
      !read_date (r, obj, "end", TRUE, &req->end, &req->end_text))
    return FALSE;
  if (req->end < req->start)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "end", "must not be before start");
  if (!read_codes (r, obj, "diagnoses", TRUE, PA_MAX_DIAGNOSES, icd10cm_valid, "an ICD-10-CM code", req->diagnoses,
                   &req->n_diagnoses))
    return FALSE;

  docs = iop_json_get_array (r, obj, "documents", FALSE, &failed);
  if (failed)
    return FALSE;
  if (docs != NULL)
    {
      guint len = json_array_get_length (docs);
      mark = iop_json_push_member (r, "documents");
      if (len > PA_MAX_DOCUMENTS)
        return iop_json_fail (r, IOP_ERROR_INVALID_DATA, NULL, "at most %d entries", PA_MAX_DOCUMENTS);
      for (guint i = 0; i < len; i++)
        {
          gsize m2 = iop_json_push_index (r, i);
          JsonObject *d = iop_json_expect_object (r, json_array_get_element (docs, i), "a document");
          PaDocument *doc = &req->documents[i];
          if (d == NULL || !iop_json_check_members (r, d, doc_members) || !iop_json_get_string (r, d, "kind", TRUE, &doc->kind) ||
              !read_date (r, d, "date", TRUE, &doc->date, &req->document_dates[i]) ||
              !iop_json_get_string (r, d, "signed_by", FALSE, &doc->signed_by))
            return FALSE;
          req->n_documents++;
          iop_json_pop (r, m2);
        }
      iop_json_pop (r, mark);
    }
  idx = 0;
  if (!iop_json_get_enum (r, obj, "urgency", TRUE, urgencies, &idx) ||
      !iop_json_get_string (r, obj, "received_at", TRUE, &req->received_text))
    return FALSE;
  req->expedited = idx == 1;
  if (!pa_parse_instant (req->received_text, &req->received, &req->received_offset))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "received_at",
                          "not an RFC 3339 instant with an offset (YYYY-MM-DDTHH:MM:SS+HH:MM or Z)");
  if (!iop_json_get_int (r, obj, "sessions_used", FALSE, 0, 100000, &present, &v))
    return FALSE;
  req->sessions_used = present ? (int) v : -1;
  return TRUE;
}

iop_preauth_request *
iop_preauth_request_new_from_json (const char *json, iop_error **error)
{
  iop_preauth_request *request;
  JsonNode *root;
  IopJsonReader r;
  gboolean ok;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  root = iop_json_parse (json, -1, error);
  if (root == NULL)
    return NULL;
  request = g_new0 (iop_preauth_request, 1);
  request->root = root;
  iop_json_reader_init (&r, error, FALSE);
  ok = pa_request_read (&r, root, &request->req);
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_preauth_request_free (request);
      return NULL;
    }
  return request;
}

void
iop_preauth_request_free (iop_preauth_request *request)
{
  if (request == NULL)
    return;
  json_node_unref (request->root);
  g_free (request);
}

const char *
iop_preauth_request_get_id (const iop_preauth_request *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->req.id;
}

static void
write_code_array (GString *out, const char *const *codes, int n)
{
  g_string_append_c (out, '[');
  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      pa_write_string (out, codes[i]);
    }
  g_string_append_c (out, ']');
}

char *
iop_preauth_request_to_json (const iop_preauth_request *request)
{
  const PaRequest *q;
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);
  q = &request->req;
  out = g_string_sized_new (640);
  g_string_append (out, "{\"format\":\"" REQUEST_FORMAT "\",\"format_version\":1,\"id\":");
  pa_write_string (out, q->id);
  g_string_append (out, ",\"member\":{\"id\":");
  pa_write_string (out, q->member_id);
  if (q->birth_text != NULL)
    {
      g_string_append (out, ",\"birth_date\":");
      pa_write_string (out, q->birth_text);
    }
  if (q->age_group != 0)
    {
      g_string_append (out, ",\"age_group\":");
      pa_write_string (out, iop_age_group_to_string ((iop_age_group) q->age_group));
    }
  g_string_append (out, "},\"coverage\":{\"payer\":");
  pa_write_string (out, q->payer);
  if (q->plan != NULL)
    {
      g_string_append (out, ",\"plan\":");
      pa_write_string (out, q->plan);
    }
  g_string_append (out, q->in_network ? ",\"in_network\":true" : ",\"in_network\":false");
  if (q->deductible_remaining >= 0)
    {
      g_string_append (out, ",\"deductible_remaining\":");
      pa_write_amount (out, q->deductible_remaining);
    }
  g_string_append_c (out, '}');
  if (q->level_code != NULL)
    {
      g_string_append (out, ",\"level\":{\"edition\":");
      pa_write_string (out, iop_edition_to_string ((iop_edition) q->edition));
      g_string_append (out, ",\"code\":");
      pa_write_string (out, q->level_code);
      g_string_append_c (out, '}');
    }
  if (q->n_services > 0)
    {
      g_string_append (out, ",\"services\":");
      write_code_array (out, q->services, q->n_services);
    }
  g_string_append (out, ",\"units\":");
  write_int (out, q->units);
  g_string_append (out, ",\"start\":");
  pa_write_date (out, q->start);
  g_string_append (out, ",\"end\":");
  pa_write_date (out, q->end);
  g_string_append (out, ",\"diagnoses\":");
  write_code_array (out, q->diagnoses, q->n_diagnoses);
  if (q->n_documents > 0)
    {
      g_string_append (out, ",\"documents\":[");
      for (int i = 0; i < q->n_documents; i++)
        {
          g_string_append (out, i > 0 ? ",{\"kind\":" : "{\"kind\":");
          pa_write_string (out, q->documents[i].kind);
          g_string_append (out, ",\"date\":");
          pa_write_date (out, q->documents[i].date);
          if (q->documents[i].signed_by != NULL)
            {
              g_string_append (out, ",\"signed_by\":");
              pa_write_string (out, q->documents[i].signed_by);
            }
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, q->expedited ? ",\"urgency\":\"expedited\"" : ",\"urgency\":\"standard\"");
  g_string_append (out, ",\"received_at\":");
  pa_write_string (out, q->received_text);
  if (q->sessions_used >= 0)
    {
      g_string_append (out, ",\"sessions_used\":");
      write_int (out, q->sessions_used);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Deciding                                                                                    */

static void
add_reason (PaDecision *d, const char *code, const char *text, const char *source, const char *document)
{
  if (d->n_reasons < PA_MAX_REASONS)
    d->reasons[d->n_reasons++] = (PaReason) { code, text, source, document };
}

static gboolean
rule_matches (const Rule *rule, const iop_level *level, const PaRequest *req)
{
  if (level != NULL && rule->levels != NULL)
    for (guint i = 0; i < rule->levels->len; i++)
      if (g_ptr_array_index (rule->levels, i) == level)
        return TRUE;
  if (rule->services != NULL)
    for (int k = 0; k < req->n_services; k++)
      for (guint i = 0; i < rule->services->len; i++)
        if (strcmp (g_ptr_array_index (rule->services, i), req->services[k]) == 0)
          return TRUE;
  return FALSE;
}

static gboolean
contains_code (GPtrArray *codes, const char *code)
{
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    if (strcmp (g_ptr_array_index (codes, i), code) == 0)
      return TRUE;
  return FALSE;
}

static void
set_deadline (const Payer *payer, const PaRequest *req, PaDecision *d)
{
  int hours = -1;

  if (payer->cms && req->received >= CMS_0057F_START)
    {
      /* 72 hours expedited, 7 calendar days standard: fixed durations on the UTC time line, so
       * daylight-saving changes cannot shift them. */
      hours = req->expedited ? 72 : 7 * 24;
      d->timeframe = "cms-0057f";
    }
  else if (payer->standard_hours > 0)
    {
      hours = req->expedited ? payer->expedited_hours : payer->standard_hours;
      d->timeframe = "payer";
    }
  if (hours < 0)
    return;
  d->has_due = TRUE;
  d->due = req->received + (gint64) hours * 3600;
  d->due_offset = req->received_offset;
}

static void
estimate_cost (const Payer *payer, const PaRequest *req, PaDecision *d, int units)
{
  const Cost *c = &payer->cost[req->in_network ? 0 : 1];
  double total, ded, rest, copay;

  if (!c->present || units <= 0)
    return;
  total = c->allowed * units;
  ded = MIN (total, req->deductible_remaining >= 0 ? req->deductible_remaining : c->deductible);
  rest = total - ded;
  copay = MIN (rest, c->copay * units);
  d->has_oop = TRUE;
  d->in_network = req->in_network;
  d->oop_units = units;
  d->allowed = total;
  d->deductible = ded;
  d->member_pays = round ((ded + copay + (rest - copay) * c->coinsurance / 100.0) * 100) / 100;
}

/* The documents a rule requires that the request lacks, is unsigned or is too old for. */
static void
check_documents (const Rule *rule, const PaRequest *req, PaDecision *d)
{
  guint32 received_day;

  if (rule->documents == NULL)
    return;
  received_day = (guint32) ((req->received + req->received_offset) / 86400 + JULIAN_UNIX_EPOCH);
  for (guint i = 0; i < rule->documents->len; i++)
    {
      const DocRule *need = &g_array_index (rule->documents, DocRule, i);
      const char *problem = "missing-document";
      const char *text = "A document the payer requires is not attached";
      for (int k = 0; k < req->n_documents; k++)
        {
          const PaDocument *doc = &req->documents[k];
          gboolean signed_ok, fresh;
          if (strcmp (doc->kind, need->kind) != 0)
            continue;
          signed_ok = need->signed_by == NULL || (doc->signed_by != NULL && contains_code (need->signed_by, doc->signed_by));
          fresh = need->within_business_days < 0 ||
                  business_days_between (doc->date, received_day) <= (guint32) need->within_business_days;
          if (signed_ok && fresh)
            {
              problem = NULL;
              break;
            }
          if (!signed_ok)
            {
              problem = "unsigned-document";
              text = "The document is not signed by a credential the payer accepts";
            }
          else if (strcmp (problem, "unsigned-document") != 0)
            {
              problem = "stale-document";
              text = "The document is older than the payer's limit in business days";
            }
        }
      if (problem != NULL)
        {
          add_reason (d, problem, text, need->source, need->kind);
          if (d->n_missing < PA_MAX_DOCUMENTS)
            d->missing[d->n_missing++] = need->kind;
        }
    }
}

gboolean
pa_decide (const iop_preauth_policy *policy, const PaRequest *req, PaDecision *d, iop_error **error)
{
  const Payer *payer = g_hash_table_lookup (policy->by_id, req->payer);
  const iop_level *level = NULL;
  const Rule *rule = NULL;
  int units, days;
  guint32 end;
  gboolean modified = FALSE, denied = FALSE;

  memset (d, 0, sizeof *d);
  d->request_id = req->id;
  d->authorized_units = -1;
  if (payer == NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_DATA, "$.coverage.payer",
                     "$.coverage.payer: unknown payer (not in the payer policy pack)");
      return FALSE;
    }
  if (req->level_code != NULL)
    {
      level = iop_continuum_lookup_level (policy->continuum, (iop_edition) req->edition, req->level_code);
      if (level == NULL)
        {
          iop_set_error (error, IOP_ERROR_INVALID_DATA, "$.level.code", "$.level.code: unknown level of care for this edition");
          return FALSE;
        }
    }
  d->payer = payer->id;
  set_deadline (payer, req, d);

  for (guint i = 0; i < payer->rules->len && rule == NULL; i++)
    if (rule_matches (&g_array_index (payer->rules, Rule, i), level, req))
      rule = &g_array_index (payer->rules, Rule, i);
  if (rule == NULL)
    {
      /* As the Da Vinci PAS reference implementation does: no rule, no automatic approval. */
      d->outcome = PA_OUT_PENDED;
      add_reason (d, "no-matching-rule",
                  "No rule of this payer covers the requested level of care or services; the request is pended for review",
                  NULL, NULL);
      return TRUE;
    }
  d->rule = rule->id;
  units = req->units;
  switch (rule->auth)
    {
    case AUTH_PROHIBITED:
      d->outcome = PA_OUT_NOT_REQUIRED;
      add_reason (d, "authorization-prohibited", rule->text, rule->source, NULL);
      estimate_cost (payer, req, d, units);
      return TRUE;
    case AUTH_NOT_REQUIRED:
      d->outcome = PA_OUT_NOT_REQUIRED;
      add_reason (d, "authorization-not-required", rule->text, rule->source, NULL);
      estimate_cost (payer, req, d, units);
      return TRUE;
    case AUTH_THRESHOLD:
      {
        int used = MAX (req->sessions_used, 0);
        int requested = rule->threshold_unit == UNIT_DAYS ? (int) (req->end - req->start + 1) : req->units;
        if (used + requested <= rule->threshold)
          {
            d->outcome = PA_OUT_NOT_REQUIRED;
            add_reason (d, "below-threshold", rule->text, rule->source, NULL);
            estimate_cost (payer, req, d, units);
            return TRUE;
          }
        add_reason (d, "threshold-exceeded", rule->text, rule->source, NULL);
        if (rule->threshold_unit != UNIT_DAYS && used < rule->threshold)
          units = used + requested - rule->threshold;
        break;
      }
    case AUTH_REQUIRED:
    default:
      break;
    }

  /* Denials first: each is specific, and a denial needs no missing documents. */
  if (rule->exclusive != NULL)
    for (int a = 0; a < req->n_services; a++)
      if (contains_code (rule->exclusive, req->services[a]))
        {
          add_reason (d, "exclusive-services",
                      "The request includes services that are mutually exclusive on the same date of service",
                      rule->per_diem_source, NULL);
          denied = TRUE;
          break;
        }
  if (rule->diagnoses != NULL && req->n_diagnoses > 0)
    {
      gboolean covered = FALSE;
      for (int k = 0; k < req->n_diagnoses && !covered; k++)
        for (guint i = 0; i < rule->diagnoses->len && !covered; i++)
          covered = g_str_has_prefix (req->diagnoses[k], g_ptr_array_index (rule->diagnoses, i));
      if (!covered)
        {
          add_reason (d, "diagnosis-not-covered", "No diagnosis on the request is one this service covers",
                      rule->diagnoses_source, NULL);
          denied = TRUE;
        }
    }
  if (rule->min_age >= 0 || rule->max_age >= 0)
    {
      if (req->birth != 0)
        {
          int age = age_at (req->birth, req->start);
          if (age < 0 || (rule->min_age >= 0 && age < rule->min_age) || (rule->max_age >= 0 && age > rule->max_age))
            {
              add_reason (d, "age-not-covered", "The member's age at the start date is outside the ages this rule covers",
                          rule->age_source, NULL);
              denied = TRUE;
            }
        }
    }
  if (denied)
    {
      d->outcome = PA_OUT_DENIED;
      return TRUE;
    }

  /* Pend for what is missing. */
  if (rule->diagnoses != NULL && req->n_diagnoses == 0)
    add_reason (d, "diagnosis-missing", "The request carries no diagnosis; this service needs a covered diagnosis",
                rule->diagnoses_source, NULL);
  if ((rule->min_age >= 0 || rule->max_age >= 0) && req->birth == 0)
    add_reason (d, "age-unverified", "The request gives no birth date, so the rule's age limits cannot be checked",
                rule->age_source, NULL);
  check_documents (rule, req, d);
  if (d->n_reasons > (rule->auth == AUTH_THRESHOLD ? 1 : 0))
    {
      d->outcome = PA_OUT_PENDED;
      return TRUE;
    }

  /* Approve, within the rule's limits. */
  end = req->end;
  if (rule->period_days > 0 && end - req->start + 1 > (guint32) rule->period_days)
    {
      end = req->start + (guint32) rule->period_days - 1;
      add_reason (d, "period-shortened", "The authorized period is the payer's initial authorization period",
                  rule->limits_source, NULL);
      modified = TRUE;
    }
  days = (int) (end - req->start + 1);
  if (rule->max_units_per_day > 0 && units > days * rule->max_units_per_day)
    {
      units = days * rule->max_units_per_day;
      add_reason (d, "units-per-day-limit", "Units are limited per date of service over the authorized period",
                  rule->per_diem_source, NULL);
      modified = TRUE;
    }
  if (rule->initial_units > 0 && units > rule->initial_units)
    {
      units = rule->initial_units;
      add_reason (d, "units-reduced", "The authorized units are the payer's initial authorization",
                  rule->limits_source, NULL);
      modified = TRUE;
    }
  add_reason (d, "criteria-met", rule->text, rule->source, NULL);
  d->outcome = modified ? PA_OUT_MODIFIED : PA_OUT_APPROVED;
  d->authorized_units = units;
  d->period_start = req->start;
  d->period_end = end;
  if (rule->review_days > 0 && req->start + (guint32) rule->review_days <= end)
    d->next_review = req->start + (guint32) rule->review_days;
  estimate_cost (payer, req, d, units);
  return TRUE;
}

void
pa_decision_write (GString *out, const PaDecision *d)
{
  g_string_append (out, "{\"request\":");
  pa_write_string (out, d->request_id);
  g_string_append (out, ",\"payer\":");
  pa_write_string (out, d->payer);
  g_string_append (out, ",\"rule\":");
  write_string_or_null (out, d->rule);
  g_string_append (out, ",\"outcome\":\"");
  g_string_append (out, outcome_names[d->outcome]);
  g_string_append (out, "\",\"reasons\":[");
  for (int i = 0; i < d->n_reasons; i++)
    {
      const PaReason *r = &d->reasons[i];
      g_string_append (out, i > 0 ? ",{\"code\":\"" : "{\"code\":\"");
      g_string_append (out, r->code);
      g_string_append (out, "\",\"text\":");
      pa_write_string (out, r->text);
      g_string_append (out, ",\"source\":");
      write_string_or_null (out, r->source);
      if (r->document != NULL)
        {
          g_string_append (out, ",\"document\":");
          pa_write_string (out, r->document);
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"missing_documents\":");
  write_code_array (out, d->missing, d->n_missing);
  g_string_append (out, ",\"authorized_units\":");
  if (d->authorized_units >= 0)
    write_int (out, d->authorized_units);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"authorized_period\":");
  if (d->period_start != 0)
    {
      g_string_append (out, "{\"start\":");
      pa_write_date (out, d->period_start);
      g_string_append (out, ",\"end\":");
      pa_write_date (out, d->period_end);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"decision_due\":");
  if (d->has_due)
    pa_write_instant (out, d->due, d->due_offset);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"timeframe\":");
  write_string_or_null (out, d->timeframe);
  g_string_append (out, ",\"next_review\":");
  if (d->next_review != 0)
    pa_write_date (out, d->next_review);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"out_of_pocket\":");
  if (d->has_oop)
    {
      g_string_append (out, d->in_network ? "{\"network\":\"in-network\",\"units\":" : "{\"network\":\"out-of-network\",\"units\":");
      write_int (out, d->oop_units);
      g_string_append (out, ",\"allowed\":");
      pa_write_amount (out, d->allowed);
      g_string_append (out, ",\"deductible\":");
      pa_write_amount (out, d->deductible);
      g_string_append (out, ",\"member_pays\":");
      pa_write_amount (out, d->member_pays);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
}

void
pa_error_record_write (GString *out, guint64 line, const iop_error *error)
{
  const char *path = iop_error_get_path (error);

  g_string_append (out, "{\"line\":");
  write_int (out, (gint64) line);
  g_string_append (out, ",\"error\":{\"code\":\"");
  g_string_append (out, iop_error_code_to_string (iop_error_get_code (error)));
  g_string_append (out, "\",\"path\":");
  write_string_or_null (out, path);
  g_string_append (out, ",\"message\":");
  pa_write_string (out, iop_error_get_message (error));
  g_string_append (out, "}}");
}

iop_preauth_decision *
iop_preauth_policy_decide (const iop_preauth_policy *policy, const iop_preauth_request *request, iop_error **error)
{
  iop_preauth_decision *decision;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  decision = g_new0 (iop_preauth_decision, 1);
  if (!pa_decide (policy, &request->req, &decision->d, error))
    {
      g_free (decision);
      return NULL;
    }
  decision->policy = iop_preauth_policy_ref ((iop_preauth_policy *) policy);
  decision->request_id = g_strdup (request->req.id);
  decision->d.request_id = decision->request_id;
  /* Reason texts, codes and sources point into the pack or are static; only the request's own
   * strings needed copying. */
  return decision;
}

char *
iop_preauth_policy_decide_json (const iop_preauth_policy *policy, const char *request_json, iop_error **error)
{
  g_autoptr(JsonNode) root = NULL;
  IopJsonReader r;
  PaRequest req;
  PaDecision d;
  GString *out;
  gboolean ok;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (request_json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  root = iop_json_parse (request_json, -1, error);
  if (root == NULL)
    return NULL;
  iop_json_reader_init (&r, error, FALSE);
  ok = pa_request_read (&r, root, &req);
  iop_json_reader_clear (&r);
  if (!ok || !pa_decide (policy, &req, &d, error))
    return NULL;
  out = g_string_sized_new (512);
  pa_decision_write (out, &d);
  return g_string_free (out, FALSE);
}

void
iop_preauth_decision_free (iop_preauth_decision *decision)
{
  if (decision == NULL)
    return;
  iop_preauth_policy_unref (decision->policy);
  g_free (decision->request_id);
  if (decision->strings != NULL)
    g_string_chunk_free (decision->strings);
  g_free (decision);
}

const char *
iop_preauth_decision_get_outcome (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return outcome_names[decision->d.outcome];
}

const char *
iop_preauth_decision_get_rule (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return decision->d.rule;
}

size_t
iop_preauth_decision_get_n_reasons (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, 0);
  return (size_t) decision->d.n_reasons;
}

static const PaReason *
reason_at (const iop_preauth_decision *decision, size_t index)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return index < (size_t) decision->d.n_reasons ? &decision->d.reasons[index] : NULL;
}

const char *
iop_preauth_decision_get_reason_code (const iop_preauth_decision *decision, size_t index)
{
  const PaReason *r = reason_at (decision, index);
  return r ? r->code : NULL;
}

const char *
iop_preauth_decision_get_reason_text (const iop_preauth_decision *decision, size_t index)
{
  const PaReason *r = reason_at (decision, index);
  return r ? r->text : NULL;
}

const char *
iop_preauth_decision_get_reason_source (const iop_preauth_decision *decision, size_t index)
{
  const PaReason *r = reason_at (decision, index);
  return r ? r->source : NULL;
}

size_t
iop_preauth_decision_get_n_missing_documents (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, 0);
  return (size_t) decision->d.n_missing;
}

const char *
iop_preauth_decision_get_missing_document (const iop_preauth_decision *decision, size_t index)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return index < (size_t) decision->d.n_missing ? decision->d.missing[index] : NULL;
}

int
iop_preauth_decision_get_authorized_units (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, -1);
  return decision->d.authorized_units;
}

/* The JSON text of a date or instant, without its quotes. */
static char *
unquoted (void (*write) (GString *, const PaDecision *), const PaDecision *d)
{
  GString *out = g_string_new (NULL);
  write (out, d);
  g_string_erase (out, 0, 1);
  g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static void w_start (GString *o, const PaDecision *d) { pa_write_date (o, d->period_start); }
static void w_end (GString *o, const PaDecision *d) { pa_write_date (o, d->period_end); }
static void w_review (GString *o, const PaDecision *d) { pa_write_date (o, d->next_review); }
static void w_due (GString *o, const PaDecision *d) { pa_write_instant (o, d->due, d->due_offset); }

char *
iop_preauth_decision_get_period_start (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return decision->d.period_start ? unquoted (w_start, &decision->d) : NULL;
}

char *
iop_preauth_decision_get_period_end (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return decision->d.period_start ? unquoted (w_end, &decision->d) : NULL;
}

char *
iop_preauth_decision_get_decision_due (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return decision->d.has_due ? unquoted (w_due, &decision->d) : NULL;
}

char *
iop_preauth_decision_get_next_review (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, NULL);
  return decision->d.next_review ? unquoted (w_review, &decision->d) : NULL;
}

double
iop_preauth_decision_get_out_of_pocket (const iop_preauth_decision *decision)
{
  g_return_val_if_fail (decision != NULL, -1);
  return decision->d.has_oop ? decision->d.member_pays : -1;
}

char *
iop_preauth_decision_to_json (const iop_preauth_decision *decision)
{
  GString *out;

  g_return_val_if_fail (decision != NULL, NULL);
  out = g_string_sized_new (512);
  pa_decision_write (out, &decision->d);
  return g_string_free (out, FALSE);
}
