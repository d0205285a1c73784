/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * The care continuum: loading and validating continuum packs, and querying levels.
 */
#include "iop-pack-private.h"

#include <string.h>

#define CONTINUUM_FORMAT "libiop-continuum"
#define CONTINUUM_FORMAT_VERSION 1
#define DEFAULT_PACK "continuum.json"
#define N_AGES 2
#define N_EDITIONS 3 /* asam3, asam4, locus: the editions a level can have */

typedef struct {
  const char *system, *code, *description, *source;
} BillingCode;

typedef struct {
  const iop_level *target;
  const char *source;
  const char *note;
} Crosswalk;

typedef struct {
  const char *id, *label, *inpatient, *outpatient, *source;
} Aspect;

struct iop_level {
  iop_continuum *continuum; /* not a reference: levels share the continuum's count */
  const char *code, *name, *description, *source;
  iop_edition edition;
  iop_setting setting;
  iop_management management;
  gboolean withdrawal;
  iop_range hours_week[N_AGES], hours_day[N_AGES];
  const char *hours_week_source[N_AGES], *hours_day_source[N_AGES];
  GPtrArray *aliases;      /* const char * */
  GArray *billing;         /* BillingCode */
  const char *step_down_code, *step_up_code;
  const iop_level *step_down, *step_up;
  Crosswalk crosswalk[N_EDITIONS];
};

struct iop_continuum {
  gatomicrefcount ref_count;
  IopPackHeader pack;      /* id, version, title, sources; owns every string */
  GPtrArray *levels;       /* iop_level *, owned, pack order */
  GPtrArray *by_edition[N_EDITIONS]; /* borrowed views */
  GHashTable *by_code;     /* "edition\x1fcode" -> level (codes) */
  GHashTable *by_alias;    /* "edition\x1falias" -> level */
  GArray *aspects;         /* Aspect */
};

/* ------------------------------------------------------------------------------------------ */
/* Enumerations and ranges                                                                     */

static const char *const edition_names[] = { "asam3", "asam4", "locus", NULL };
static const iop_edition edition_values[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
static const char *const setting_names[] = { "community", "outpatient", "residential", "inpatient", NULL };
static const char *const management_names[] = { "unspecified", "clinically-managed",
                                                 "medically-monitored", "medically-managed", NULL };
static const char *const confidence_names[] = { "L", "M", "H", NULL }; /* iop_confidence 1..3 */
static const char *const age_names[] = { "adult", "adolescent", NULL };

static int
edition_index (iop_edition edition)
{
  switch (edition)
    {
    case IOP_EDITION_ASAM3: return 0;
    case IOP_EDITION_ASAM4: return 1;
    case IOP_EDITION_LOCUS: return 2;
    case IOP_EDITION_ANY:
    default: return -1;
    }
}

static int
age_index (iop_age_group age)
{
  return age == IOP_AGE_ADULT ? 0 : age == IOP_AGE_ADOLESCENT ? 1 : -1;
}

bool
iop_range_contains (const iop_range *range, double value)
{
  g_return_val_if_fail (range != NULL, false);
  if (range->has_min && value < range->min)
    return false;
  if (range->has_max && (range->max_exclusive ? value >= range->max : value > range->max))
    return false;
  return true;
}

bool
iop_range_is_published (const iop_range *range)
{
  g_return_val_if_fail (range != NULL, false);
  return range->has_min || range->has_max;
}

iop_edition
iop_edition_from_string (const char *text, iop_error **error)
{
  g_return_val_if_fail (text != NULL, IOP_EDITION_ANY);
  if (strcmp (text, "3") == 0 || strcmp (text, "asam3") == 0)
    return IOP_EDITION_ASAM3;
  if (strcmp (text, "4") == 0 || strcmp (text, "asam4") == 0)
    return IOP_EDITION_ASAM4;
  if (strcmp (text, "locus") == 0 || strcmp (text, "calocus") == 0)
    return IOP_EDITION_LOCUS;
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                 "unknown edition \"%s\" (expected 3, 4, asam3, asam4, locus or calocus)", text);
  return IOP_EDITION_ANY;
}

const char *
iop_edition_to_string (iop_edition edition)
{
  int i = edition_index (edition);
  if (edition == IOP_EDITION_ANY)
    return "any";
  return i < 0 ? "unknown" : edition_names[i];
}

iop_age_group
iop_age_group_from_string (const char *text, iop_error **error)
{
  g_return_val_if_fail (text != NULL, 0);
  if (strcmp (text, "adult") == 0)
    return IOP_AGE_ADULT;
  if (strcmp (text, "adolescent") == 0)
    return IOP_AGE_ADOLESCENT;
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                 "unknown age group \"%s\" (expected adult or adolescent)", text);
  return 0;
}

const char *
iop_age_group_to_string (iop_age_group age)
{
  int i = age_index (age);
  return i < 0 ? "unknown" : age_names[i];
}

const char *
iop_setting_to_string (iop_setting setting)
{
  if (setting < IOP_SETTING_COMMUNITY || setting > IOP_SETTING_INPATIENT)
    return "unknown";
  return setting_names[setting - IOP_SETTING_COMMUNITY];
}

const char *
iop_management_to_string (iop_management management)
{
  if ((int) management < 0 || management > IOP_MANAGEMENT_MEDICALLY_MANAGED)
    return "unknown";
  return management_names[management];
}

const char *
iop_confidence_to_string (iop_confidence confidence)
{
  if (confidence < IOP_CONFIDENCE_LOW || confidence > IOP_CONFIDENCE_HIGH)
    return "";
  return confidence_names[confidence - IOP_CONFIDENCE_LOW];
}

/* ------------------------------------------------------------------------------------------ */
/* Construction and release                                                                    */

static void
level_free (gpointer data)
{
  iop_level *level = data;
  g_ptr_array_unref (level->aliases);
  g_array_unref (level->billing);
  g_free (level);
}

static iop_continuum *
continuum_alloc (void)
{
  iop_continuum *c = g_new0 (iop_continuum, 1);

  g_atomic_ref_count_init (&c->ref_count);
  iop_pack_header_init (&c->pack);
  c->levels = g_ptr_array_new_with_free_func (level_free);
  for (int i = 0; i < N_EDITIONS; i++)
    c->by_edition[i] = g_ptr_array_new ();
  c->by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->by_alias = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->aspects = g_array_new (FALSE, TRUE, sizeof (Aspect));
  return c;
}

iop_continuum *
iop_continuum_ref (iop_continuum *continuum)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  g_atomic_ref_count_inc (&continuum->ref_count);
  return continuum;
}

void
iop_continuum_unref (iop_continuum *continuum)
{
  if (continuum == NULL || !g_atomic_ref_count_dec (&continuum->ref_count))
    return;
  g_ptr_array_unref (continuum->levels);
  for (int i = 0; i < N_EDITIONS; i++)
    g_ptr_array_unref (continuum->by_edition[i]);
  g_hash_table_unref (continuum->by_code);
  g_hash_table_unref (continuum->by_alias);
  g_array_unref (continuum->aspects);
  iop_pack_header_clear (&continuum->pack);
  g_free (continuum);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

typedef struct {
  IopJsonReader r;
  iop_continuum *c;
} Loader;

static const char *
intern (Loader *l, const char *s)
{
  return iop_pack_intern (&l->c->pack, s);
}

static char *
level_key (iop_edition edition, const char *code)
{
  return g_strdup_printf ("%d\x1f%s", (int) edition, code);
}

static gboolean
load_source_ref (Loader *l, JsonObject *obj, gboolean required, const char **out)
{
  return iop_pack_read_source_ref (&l->r, &l->c->pack, obj, required, out);
}

/* Reads one band {"min","max","max_exclusive","source"}. */
static gboolean
load_band (Loader *l, JsonObject *parent, const char *member, double upper_limit,
           iop_range *out, const char **source_out)
{
  static const char *const members[] = { "min", "max", "max_exclusive", "source", NULL };
  gboolean failed, has_min = FALSE, has_max = FALSE, excl = FALSE;
  double min = 0, max = 0;
  JsonObject *obj = iop_json_get_object (&l->r, parent, member, FALSE, &failed);
  gsize mark;
  gboolean ok;

  if (obj == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, member);
  ok = iop_json_check_members (&l->r, obj, members) &&
       iop_json_get_number (&l->r, obj, "min", FALSE, TRUE, &has_min, &min) &&
       iop_json_get_number (&l->r, obj, "max", FALSE, TRUE, &has_max, &max) &&
       iop_json_get_bool (&l->r, obj, "max_exclusive", FALSE, &excl);
  if (ok && has_min && min < 0)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "min", "must not be negative (found %g)", min);
  if (ok && has_max && max < 0)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max", "must not be negative (found %g)", max);
  if (ok && has_min && min > upper_limit)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "min", "%g exceeds the %g hours the period has",
                        min, upper_limit);
  if (ok && has_max && max > upper_limit)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max", "%g exceeds the %g hours the period has",
                        max, upper_limit);
  if (ok && has_min && has_max && (excl ? min >= max : min > max))
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                        "min %g is not below max %g%s", min, max, excl ? " (max is exclusive)" : "");
  if (ok && excl && !has_max)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max_exclusive", "is set but there is no max");
  /* A published band must cite its source. An unpublished one may name one (it must exist),
   * but carries no figure, so no source is recorded for it. */
  if (ok)
    {
      const char *source = NULL;
      ok = load_source_ref (l, obj, has_min || has_max, &source);
      if (has_min || has_max)
        *source_out = source;
    }
  if (ok)
    {
      out->has_min = has_min;
      out->min = has_min ? min : 0;
      out->has_max = has_max;
      out->max = has_max ? max : 0;
      out->max_exclusive = excl;
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_bands (Loader *l, JsonObject *obj, const char *member, double upper_limit,
            iop_range *ranges, const char **sources)
{
  static const char *const members[] = { "adult", "adolescent", NULL };
  gboolean failed, ok = TRUE;
  JsonObject *bands = iop_json_get_object (&l->r, obj, member, FALSE, &failed);
  gsize mark;

  if (bands == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, member);
  ok = iop_json_check_members (&l->r, bands, members);
  for (int a = 0; ok && a < N_AGES; a++)
    ok = load_band (l, bands, age_names[a], upper_limit, &ranges[a], &sources[a]);
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_billing_codes (Loader *l, JsonObject *obj, iop_level *level)
{
  static const char *const members[] = { "system", "code", "description", "source", NULL };
  static const char *const systems[] = { "hcpcs", "cpt", "revenue", "condition", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "billing_codes", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, "billing_codes");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *bo = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a billing code");
      BillingCode bc = { 0 };
      const char *code = NULL, *desc = NULL;
      int system = 0;

      if (bo == NULL || !iop_json_check_members (&l->r, bo, members) ||
          !iop_json_get_enum (&l->r, bo, "system", TRUE, systems, &system) ||
          !iop_json_get_string (&l->r, bo, "code", TRUE, &code) ||
          !iop_json_get_string (&l->r, bo, "description", FALSE, &desc) ||
          !load_source_ref (l, bo, TRUE, &bc.source))
        return FALSE;
      for (guint j = 0; j < level->billing->len; j++)
        {
          BillingCode *prev = &g_array_index (level->billing, BillingCode, j);
          if (strcmp (prev->system, systems[system]) == 0 && strcmp (prev->code, code) == 0)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "code",
                                  "duplicate billing code \"%s\" (also at index %u)", code, j);
        }
      bc.system = systems[system];
      bc.code = intern (l, code);
      bc.description = intern (l, desc);
      g_array_append_val (level->billing, bc);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
register_name (Loader *l, iop_level *level, const char *name, gboolean alias, const char *member)
{
  g_autofree char *key = level_key (level->edition, name);
  iop_level *prev = g_hash_table_lookup (l->c->by_code, key);

  if (prev == NULL)
    prev = g_hash_table_lookup (l->c->by_alias, key);
  if (prev != NULL)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member,
                          "\"%s\" is already used by %s level %s", name,
                          iop_edition_to_string (level->edition), prev->code);
  g_hash_table_insert (alias ? l->c->by_alias : l->c->by_code, g_steal_pointer (&key), level);
  return TRUE;
}

static gboolean
load_level (Loader *l, JsonObject *obj, iop_level *level)
{
  static const char *const members[] = {
    "code", "edition", "name", "aliases", "setting", "management", "withdrawal_management",
    "description", "hours_per_week", "hours_per_day", "billing_codes", "step_down", "step_up",
    "source", NULL };
  const char *code = NULL, *name = NULL, *desc = NULL, *down = NULL, *up = NULL;
  int edition = 0, setting = 0, management = 0;
  gboolean wm = FALSE, failed;
  JsonArray *aliases;

  if (!iop_json_check_members (&l->r, obj, members) ||
      !iop_json_get_string (&l->r, obj, "code", TRUE, &code) ||
      !iop_json_get_enum (&l->r, obj, "edition", TRUE, edition_names, &edition) ||
      !iop_json_get_string (&l->r, obj, "name", TRUE, &name) ||
      !iop_json_get_enum (&l->r, obj, "setting", TRUE, setting_names, &setting) ||
      !iop_json_get_enum (&l->r, obj, "management", FALSE, management_names, &management) ||
      !iop_json_get_bool (&l->r, obj, "withdrawal_management", FALSE, &wm) ||
      !iop_json_get_string (&l->r, obj, "description", FALSE, &desc) ||
      !load_source_ref (l, obj, TRUE, &level->source))
    return FALSE;

  level->code = intern (l, code);
  level->edition = edition_values[edition];
  level->name = intern (l, name);
  level->description = intern (l, desc);
  level->setting = (iop_setting) (IOP_SETTING_COMMUNITY + setting);
  level->management = (iop_management) management;
  level->withdrawal = wm;
  if (!register_name (l, level, code, FALSE, "code"))
    return FALSE;

  aliases = iop_json_get_array (&l->r, obj, "aliases", FALSE, &failed);
  if (failed)
    return FALSE;
  if (aliases != NULL)
    {
      gsize mark = iop_json_push_member (&l->r, "aliases");
      for (guint i = 0; i < json_array_get_length (aliases); i++)
        {
          JsonNode *node = json_array_get_element (aliases, i);
          gsize m2 = iop_json_push_index (&l->r, i);
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
              *json_node_get_string (node) == '\0')
            return iop_json_fail (&l->r, json_node_get_value_type (node) == G_TYPE_STRING
                                           ? IOP_ERROR_INVALID_DATA : IOP_ERROR_PARSE,
                                  NULL, "expected a non-empty string");
          if (!register_name (l, level, json_node_get_string (node), TRUE, NULL))
            return FALSE;
          g_ptr_array_add (level->aliases, (gpointer) intern (l, json_node_get_string (node)));
          iop_json_pop (&l->r, m2);
        }
      iop_json_pop (&l->r, mark);
    }

  if (!load_bands (l, obj, "hours_per_week", 168, level->hours_week, level->hours_week_source) ||
      !load_bands (l, obj, "hours_per_day", 24, level->hours_day, level->hours_day_source) ||
      !load_billing_codes (l, obj, level))
    return FALSE;

  /* step_down / step_up: a string, or null for "none"; resolved once every level is known. */
  for (int s = 0; s < 2; s++)
    {
      const char *member = s == 0 ? "step_down" : "step_up";
      JsonNode *node = json_object_get_member (obj, member);
      const char *value = NULL;
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          !iop_json_get_string (&l->r, obj, member, FALSE, &value))
        return FALSE;
      if (s == 0)
        down = value;
      else
        up = value;
    }
  level->step_down_code = intern (l, down);
  level->step_up_code = intern (l, up);
  return TRUE;
}

static const iop_level *
find_code (iop_continuum *c, iop_edition edition, const char *code)
{
  g_autofree char *key = level_key (edition, code);
  return g_hash_table_lookup (c->by_code, key);
}

static gboolean
resolve_steps (Loader *l)
{
  for (guint i = 0; i < l->c->levels->len; i++)
    {
      iop_level *level = g_ptr_array_index (l->c->levels, i);
      gsize mark = iop_json_push_member (&l->r, "levels");
      iop_json_push_index (&l->r, i);
      for (int s = 0; s < 2; s++)
        {
          const char *member = s == 0 ? "step_down" : "step_up";
          const char *code = s == 0 ? level->step_down_code : level->step_up_code;
          const iop_level *target;
          if (code == NULL)
            continue;
          target = find_code (l->c, level->edition, code);
          if (target == NULL)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member,
                                  "unknown %s level \"%s\"", iop_edition_to_string (level->edition), code);
          if (target == level)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "a level cannot step to itself");
          if (s == 0)
            level->step_down = target;
          else
            level->step_up = target;
        }
      iop_json_pop (&l->r, mark);
    }

  /* Walking step_down or step_up from any level must end: no cycles. */
  for (guint i = 0; i < l->c->levels->len; i++)
    for (int s = 0; s < 2; s++)
      {
        const iop_level *start = g_ptr_array_index (l->c->levels, i), *p = start;
        guint steps = 0;
        while (p != NULL && steps <= l->c->levels->len)
          {
            p = s == 0 ? p->step_down : p->step_up;
            steps++;
          }
        if (p != NULL)
          {
            gsize mark = iop_json_push_member (&l->r, "levels");
            iop_json_push_index (&l->r, i);
            iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, s == 0 ? "step_down" : "step_up",
                           "following %s from level %s never ends (a cycle)",
                           s == 0 ? "step_down" : "step_up", start->code);
            iop_json_pop (&l->r, mark);
            return FALSE;
          }
      }
  return TRUE;
}

static gboolean
load_levels (Loader *l, JsonObject *root)
{
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, root, "levels", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "levels", "a pack needs at least one level");
  mark = iop_json_push_member (&l->r, "levels");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *obj = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a level");
      iop_level *level;

      if (obj == NULL)
        return FALSE;
      level = g_new0 (iop_level, 1);
      level->continuum = l->c;
      level->aliases = g_ptr_array_new ();
      level->billing = g_array_new (FALSE, TRUE, sizeof (BillingCode));
      g_ptr_array_add (l->c->levels, level);
      if (!load_level (l, obj, level))
        return FALSE;
      g_ptr_array_add (l->c->by_edition[edition_index (level->edition)], level);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return resolve_steps (l);
}

static gboolean
load_level_ref (Loader *l, JsonObject *obj, const char *member, const iop_level **out)
{
  static const char *const members[] = { "edition", "code", NULL };
  gboolean failed;
  JsonObject *ref = iop_json_get_object (&l->r, obj, member, TRUE, &failed);
  const char *code = NULL;
  int edition = 0;
  gsize mark;

  if (ref == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, member);
  if (!iop_json_check_members (&l->r, ref, members) ||
      !iop_json_get_enum (&l->r, ref, "edition", TRUE, edition_names, &edition) ||
      !iop_json_get_string (&l->r, ref, "code", TRUE, &code))
    return FALSE;
  *out = find_code (l->c, edition_values[edition], code);
  if (*out == NULL)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "code", "unknown %s level \"%s\"",
                          edition_names[edition], code);
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_crosswalk (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "from", "to", "source", "note", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, root, "crosswalk", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, "crosswalk");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *obj = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a crosswalk entry");
      const iop_level *from = NULL, *to = NULL;
      const char *source = NULL, *note = NULL;
      Crosswalk *slot;

      if (obj == NULL || !iop_json_check_members (&l->r, obj, members) ||
          !load_level_ref (l, obj, "from", &from) || !load_level_ref (l, obj, "to", &to) ||
          !load_source_ref (l, obj, TRUE, &source) ||
          !iop_json_get_string (&l->r, obj, "note", FALSE, &note))
        return FALSE;
      if (from->edition == to->edition)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "to",
                              "maps a level onto its own edition");
      slot = &((iop_level *) from)->crosswalk[edition_index (to->edition)];
      if (slot->target != NULL)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "from",
                              "%s level %s already maps to %s (one target per edition)",
                              iop_edition_to_string (from->edition), from->code,
                              iop_edition_to_string (to->edition));
      slot->target = to;
      slot->source = source;
      slot->note = intern (l, note);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_comparison (Loader *l, JsonObject *root)
{
  static const char *const top[] = { "aspects", NULL };
  static const char *const members[] = { "id", "label", "inpatient", "outpatient", "source", NULL };
  gboolean failed;
  JsonObject *cmp = iop_json_get_object (&l->r, root, "comparison", FALSE, &failed);
  JsonArray *arr;
  gsize mark;

  if (cmp == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, "comparison");
  if (!iop_json_check_members (&l->r, cmp, top))
    return FALSE;
  arr = iop_json_get_array (&l->r, cmp, "aspects", TRUE, &failed);
  if (arr == NULL)
    return FALSE;
  iop_json_push_member (&l->r, "aspects");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *obj = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "an aspect");
      Aspect a = { 0 };
      const char *id = NULL, *label = NULL, *inp = NULL, *outp = NULL;

      if (obj == NULL || !iop_json_check_members (&l->r, obj, members) ||
          !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, obj, "label", TRUE, &label) ||
          !iop_json_get_string (&l->r, obj, "inpatient", TRUE, &inp) ||
          !iop_json_get_string (&l->r, obj, "outpatient", TRUE, &outp) ||
          !load_source_ref (l, obj, TRUE, &a.source))
        return FALSE;
      for (guint j = 0; j < l->c->aspects->len; j++)
        if (strcmp (g_array_index (l->c->aspects, Aspect, j).id, id) == 0)
          return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id",
                                "duplicate aspect \"%s\" (also at index %u)", id, j);
      a.id = intern (l, id);
      a.label = intern (l, label);
      a.inpatient = intern (l, inp);
      a.outpatient = intern (l, outp);
      g_array_append_val (l->c->aspects, a);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static iop_continuum *
continuum_load (const char *json, gssize length, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "id", "version", "title",
                                         "sources", "levels", "crosswalk", "comparison", NULL };
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  Loader l = { 0 };
  JsonObject *obj;
  gboolean ok;

  if (root == NULL)
    return NULL;
  iop_json_reader_init (&l.r, error, TRUE);
  l.c = continuum_alloc ();
  obj = iop_json_expect_object (&l.r, root, "a continuum pack");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, CONTINUUM_FORMAT, CONTINUUM_FORMAT_VERSION, &l.c->pack) &&
       load_levels (&l, obj) && load_crosswalk (&l, obj) && load_comparison (&l, obj);
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_continuum_unref (l.c);
      return NULL;
    }
  return l.c;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
continuum_load_cb (gpointer unused, const char *text, gssize length, iop_error **error)
{
  (void) unused;
  return continuum_load (text, length, error);
}

iop_continuum *
iop_continuum_new_from_json (const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return continuum_load (json, -1, error);
}

iop_continuum *
iop_continuum_new_from_file (const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "continuum pack", continuum_load_cb, NULL, error);
}

iop_continuum *
iop_continuum_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "continuum pack", continuum_load_cb);
}

char *
iop_continuum_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Queries                                                                                     */

const char *
iop_continuum_get_id (const iop_continuum *continuum)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  return continuum->pack.id;
}

const char *
iop_continuum_get_version (const iop_continuum *continuum)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  return continuum->pack.version;
}

const char *
iop_continuum_get_title (const iop_continuum *continuum)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  return continuum->pack.title;
}

static GPtrArray *
levels_of (const iop_continuum *continuum, iop_edition edition)
{
  int i;
  if (edition == IOP_EDITION_ANY)
    return continuum->levels;
  i = edition_index (edition);
  return i < 0 ? NULL : continuum->by_edition[i];
}

size_t
iop_continuum_get_n_levels (const iop_continuum *continuum, iop_edition edition)
{
  GPtrArray *arr;
  g_return_val_if_fail (continuum != NULL, 0);
  arr = levels_of (continuum, edition);
  return arr == NULL ? 0 : arr->len;
}

const iop_level *
iop_continuum_get_level (const iop_continuum *continuum, iop_edition edition, size_t index)
{
  GPtrArray *arr;
  g_return_val_if_fail (continuum != NULL, NULL);
  arr = levels_of (continuum, edition);
  if (arr == NULL || index >= arr->len)
    return NULL;
  return g_ptr_array_index (arr, index);
}

const iop_level *
iop_continuum_lookup_level (const iop_continuum *continuum, iop_edition edition, const char *code)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  if (edition != IOP_EDITION_ANY)
    {
      g_autofree char *key = NULL;
      const iop_level *level;
      if (edition_index (edition) < 0)
        return NULL;
      key = level_key (edition, code);
      level = g_hash_table_lookup (continuum->by_code, key);
      return level != NULL ? level : g_hash_table_lookup (continuum->by_alias, key);
    }
  /* Any edition: codes first, then aliases, each in pack order. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < continuum->levels->len; i++)
      {
        const iop_level *level = g_ptr_array_index (continuum->levels, i);
        if (pass == 0 && strcmp (level->code, code) == 0)
          return level;
        for (guint j = 0; pass == 1 && j < level->aliases->len; j++)
          if (strcmp (g_ptr_array_index (level->aliases, j), code) == 0)
            return level;
      }
  return NULL;
}

static const IopSource *
find_source (const iop_continuum *continuum, const char *source_id)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  g_return_val_if_fail (source_id != NULL, NULL);
  return g_hash_table_lookup (continuum->pack.sources, source_id);
}

const char *
iop_continuum_get_source_citation (const iop_continuum *continuum, const char *source_id)
{
  const IopSource *src = find_source (continuum, source_id);
  return src ? src->citation : NULL;
}

const char *
iop_continuum_get_source_url (const iop_continuum *continuum, const char *source_id)
{
  const IopSource *src = find_source (continuum, source_id);
  return src ? src->url : NULL;
}

iop_confidence
iop_continuum_get_source_confidence (const iop_continuum *continuum, const char *source_id)
{
  const IopSource *src = find_source (continuum, source_id);
  return src ? src->confidence : IOP_CONFIDENCE_NONE;
}

size_t
iop_continuum_get_n_comparison_aspects (const iop_continuum *continuum)
{
  g_return_val_if_fail (continuum != NULL, 0);
  return continuum->aspects->len;
}

const char *
iop_continuum_get_comparison_aspect (const iop_continuum *continuum, size_t index)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  if (index >= continuum->aspects->len)
    return NULL;
  return g_array_index (continuum->aspects, Aspect, index).id;
}

static const Aspect *
find_aspect (const iop_continuum *continuum, const char *aspect)
{
  g_return_val_if_fail (continuum != NULL, NULL);
  g_return_val_if_fail (aspect != NULL, NULL);
  for (guint i = 0; i < continuum->aspects->len; i++)
    if (strcmp (g_array_index (continuum->aspects, Aspect, i).id, aspect) == 0)
      return &g_array_index (continuum->aspects, Aspect, i);
  return NULL;
}

const char *
iop_continuum_get_comparison (const iop_continuum *continuum, const char *aspect,
                              iop_setting setting)
{
  const Aspect *a = find_aspect (continuum, aspect);
  if (a == NULL)
    return NULL;
  if (setting == IOP_SETTING_INPATIENT)
    return a->inpatient;
  if (setting == IOP_SETTING_OUTPATIENT)
    return a->outpatient;
  return NULL;
}

const char *
iop_continuum_get_comparison_label (const iop_continuum *continuum, const char *aspect)
{
  const Aspect *a = find_aspect (continuum, aspect);
  return a ? a->label : NULL;
}

char *
iop_continuum_comparison_to_json (const iop_continuum *continuum)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (continuum != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "aspects");
  json_builder_begin_array (b);
  for (guint i = 0; i < continuum->aspects->len; i++)
    {
      const Aspect *a = &g_array_index (continuum->aspects, Aspect, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, a->id);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, a->label);
      json_builder_set_member_name (b, "inpatient");
      json_builder_add_string_value (b, a->inpatient);
      json_builder_set_member_name (b, "outpatient");
      json_builder_add_string_value (b, a->outpatient);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, a->source);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* ------------------------------------------------------------------------------------------ */
/* Levels                                                                                      */

const iop_level *
iop_level_ref (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  iop_continuum_ref (level->continuum);
  return level;
}

void
iop_level_unref (const iop_level *level)
{
  if (level != NULL)
    iop_continuum_unref (level->continuum);
}

iop_continuum *
iop_level_get_continuum (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return level->continuum;
}

const char *
iop_level_get_code (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return level->code;
}

iop_edition
iop_level_get_edition (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, IOP_EDITION_ANY);
  return level->edition;
}

const char *
iop_level_get_name (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return level->name;
}

const char *
iop_level_get_description (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return level->description;
}

iop_setting
iop_level_get_setting (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, IOP_SETTING_OUTPATIENT);
  return level->setting;
}

iop_management
iop_level_get_management (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, IOP_MANAGEMENT_UNSPECIFIED);
  return level->management;
}

bool
iop_level_is_withdrawal_management (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, false);
  return level->withdrawal;
}

iop_range
iop_level_get_hours_per_week (const iop_level *level, iop_age_group age)
{
  iop_range none = { 0 };
  int a = age_index (age);
  g_return_val_if_fail (level != NULL, none);
  return a < 0 ? none : level->hours_week[a];
}

iop_range
iop_level_get_hours_per_day (const iop_level *level, iop_age_group age)
{
  iop_range none = { 0 };
  int a = age_index (age);
  g_return_val_if_fail (level != NULL, none);
  return a < 0 ? none : level->hours_day[a];
}

size_t
iop_level_get_n_billing_codes (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, 0);
  return level->billing->len;
}

static const BillingCode *
billing_at (const iop_level *level, size_t index)
{
  g_return_val_if_fail (level != NULL, NULL);
  if (index >= level->billing->len)
    return NULL;
  return &g_array_index (level->billing, BillingCode, index);
}

const char *
iop_level_get_billing_code (const iop_level *level, size_t index)
{
  const BillingCode *bc = billing_at (level, index);
  return bc ? bc->code : NULL;
}

const char *
iop_level_get_billing_code_system (const iop_level *level, size_t index)
{
  const BillingCode *bc = billing_at (level, index);
  return bc ? bc->system : NULL;
}

const char *
iop_level_get_billing_code_description (const iop_level *level, size_t index)
{
  const BillingCode *bc = billing_at (level, index);
  return bc ? bc->description : NULL;
}

const iop_level *
iop_level_get_step_down (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return level->step_down;
}

const iop_level *
iop_level_get_step_up (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, NULL);
  return level->step_up;
}

static const Crosswalk *
crosswalk_of (const iop_level *level, iop_edition to)
{
  int i = edition_index (to);
  g_return_val_if_fail (level != NULL, NULL);
  return i < 0 || level->crosswalk[i].target == NULL ? NULL : &level->crosswalk[i];
}

const iop_level *
iop_level_crosswalk (const iop_level *level, iop_edition to)
{
  const Crosswalk *x = crosswalk_of (level, to);
  return x ? x->target : NULL;
}

iop_confidence
iop_level_get_crosswalk_confidence (const iop_level *level, iop_edition to)
{
  const Crosswalk *x = crosswalk_of (level, to);
  return x ? iop_continuum_get_source_confidence (level->continuum, x->source) : IOP_CONFIDENCE_NONE;
}

const char *
iop_level_get_crosswalk_note (const iop_level *level, iop_edition to)
{
  const Crosswalk *x = crosswalk_of (level, to);
  return x ? x->note : NULL;
}

const char *
iop_level_get_source (const iop_level *level, const char *field)
{
  g_return_val_if_fail (level != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (strcmp (field, "level") == 0)
    return level->source;
  for (int a = 0; a < N_AGES; a++)
    {
      g_autofree char *week = g_strconcat ("hours_per_week.", age_names[a], NULL);
      g_autofree char *day = g_strconcat ("hours_per_day.", age_names[a], NULL);
      if (strcmp (field, week) == 0)
        return level->hours_week_source[a];
      if (strcmp (field, day) == 0)
        return level->hours_day_source[a];
    }
  if (g_str_has_prefix (field, "crosswalk."))
    {
      for (int e = 0; e < N_EDITIONS; e++)
        if (strcmp (field + strlen ("crosswalk."), edition_names[e]) == 0)
          return level->crosswalk[e].target ? level->crosswalk[e].source : NULL;
      return NULL;
    }
  if (g_str_has_prefix (field, "billing_codes."))
    {
      const char *digits = field + strlen ("billing_codes.");
      guint64 index = 0;
      if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT, &index, NULL))
        return NULL;
      const BillingCode *bc = billing_at (level, (size_t) index);
      return bc ? bc->source : NULL;
    }
  return NULL;
}

size_t
iop_level_get_n_aliases (const iop_level *level)
{
  g_return_val_if_fail (level != NULL, 0);
  return level->aliases->len;
}

const char *
iop_level_get_alias (const iop_level *level, size_t index)
{
  g_return_val_if_fail (level != NULL, NULL);
  if (index >= level->aliases->len)
    return NULL;
  return g_ptr_array_index (level->aliases, index);
}

static void
add_range (JsonBuilder *b, const iop_range *r)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "min");
  if (r->has_min)
    iop_json_add_number (b, r->min);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "max");
  if (r->has_max)
    iop_json_add_number (b, r->max);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "max_exclusive");
  json_builder_add_boolean_value (b, r->max_exclusive);
  json_builder_end_object (b);
}

static void
add_bands (JsonBuilder *b, const char *member, const iop_range *ranges)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  for (int a = 0; a < N_AGES; a++)
    {
      json_builder_set_member_name (b, age_names[a]);
      add_range (b, &ranges[a]);
    }
  json_builder_end_object (b);
}

static void
add_source_member (JsonBuilder *b, const char *name, const char *source)
{
  if (source == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, source);
}

char *
iop_level_to_json (const iop_level *level)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (level != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, level->code);
  json_builder_set_member_name (b, "edition");
  json_builder_add_string_value (b, iop_edition_to_string (level->edition));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, level->name);
  json_builder_set_member_name (b, "description");
  iop_json_add_string_or_null (b, level->description);
  json_builder_set_member_name (b, "setting");
  json_builder_add_string_value (b, iop_setting_to_string (level->setting));
  json_builder_set_member_name (b, "management");
  json_builder_add_string_value (b, iop_management_to_string (level->management));
  json_builder_set_member_name (b, "withdrawal_management");
  json_builder_add_boolean_value (b, level->withdrawal);
  add_bands (b, "hours_per_week", level->hours_week);
  add_bands (b, "hours_per_day", level->hours_day);

  json_builder_set_member_name (b, "billing_codes");
  json_builder_begin_array (b);
  for (guint i = 0; i < level->billing->len; i++)
    {
      const BillingCode *bc = &g_array_index (level->billing, BillingCode, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "system");
      json_builder_add_string_value (b, bc->system);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, bc->code);
      json_builder_set_member_name (b, "description");
      iop_json_add_string_or_null (b, bc->description);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, bc->source);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "step_down");
  iop_json_add_string_or_null (b, level->step_down ? level->step_down->code : NULL);
  json_builder_set_member_name (b, "step_up");
  iop_json_add_string_or_null (b, level->step_up ? level->step_up->code : NULL);

  json_builder_set_member_name (b, "crosswalk");
  json_builder_begin_object (b);
  for (int e = 0; e < N_EDITIONS; e++)
    {
      const Crosswalk *x = &level->crosswalk[e];
      if (x->target == NULL)
        continue;
      json_builder_set_member_name (b, edition_names[e]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, x->target->code);
      json_builder_set_member_name (b, "confidence");
      json_builder_add_string_value (b, iop_confidence_to_string (
          iop_continuum_get_source_confidence (level->continuum, x->source)));
      json_builder_set_member_name (b, "note");
      iop_json_add_string_or_null (b, x->note);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "aliases");
  json_builder_begin_array (b);
  for (guint i = 0; i < level->aliases->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (level->aliases, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "sources");
  json_builder_begin_object (b);
  add_source_member (b, "level", level->source);
  for (int a = 0; a < N_AGES; a++)
    {
      g_autofree char *week = g_strconcat ("hours_per_week.", age_names[a], NULL);
      g_autofree char *day = g_strconcat ("hours_per_day.", age_names[a], NULL);
      add_source_member (b, week, level->hours_week_source[a]);
      add_source_member (b, day, level->hours_day_source[a]);
    }
  for (int e = 0; e < N_EDITIONS; e++)
    if (level->crosswalk[e].target != NULL)
      {
        g_autofree char *name = g_strconcat ("crosswalk.", edition_names[e], NULL);
        add_source_member (b, name, level->crosswalk[e].source);
      }
  json_builder_end_object (b);

  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}
