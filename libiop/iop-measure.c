/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Outcome measures: loading instrument packs, scoring administrations, measurement series.
 */
#include "iop-pack-private.h"

#include <stdlib.h>
#include <string.h>

#define MEASURES_FORMAT "libiop-measures"
#define MEASURES_FORMAT_VERSION 1
#define SERIES_FORMAT "libiop-measure-series"
#define SERIES_FORMAT_VERSION 1
#define DEFAULT_PACK "measure.json"
#define MAX_POINTS 1000    /* per answer; keeps every sum far from overflow */
#define MAX_ITEMS 500

typedef struct {
  const char *id, *label;
  GArray *answers; /* int, allowed answer codes */
  GArray *points;  /* int, parallel to answers */
  int min_points, max_points;
} Item;

typedef struct {
  const char *id, *label;
  int min, max;
} Band;

typedef struct {
  const char *id, *label;
  GArray *items; /* guint item indices */
  GArray *bands; /* Band, ascending and contiguous */
  int min, max;
} Scale;

typedef enum { OP_GE, OP_LE, OP_GT, OP_LT, OP_EQ } Op;
static const char *const op_names[] = { ">=", "<=", ">", "<", "==", NULL };

typedef struct {
  const char *id, *label, *source;
  iop_severity severity;
  gboolean on_item;  /* compares an item's answer code; otherwise a scale's value */
  guint target;      /* item or scale index */
  Op op;
  int value;
  gboolean has_sex;
  iop_sex sex;
} Flag;

typedef struct {
  gboolean present;
  int min_baseline, response_reduction_percent, remission_below;
  const char *source;
} OutcomeRules;

struct iop_instrument {
  iop_measure_set *set; /* not a reference: instruments share the set's count */
  const char *id, *name, *abbreviation, *loinc, *domain, *source;
  int lookback_days;
  GArray *items;  /* Item */
  GArray *scales; /* Scale */
  GArray *flags;  /* Flag */
  int primary;    /* scale index, or -1 */
  OutcomeRules outcomes;
};

struct iop_measure_set {
  gatomicrefcount ref_count;
  IopPackHeader pack;
  GPtrArray *instruments; /* iop_instrument *, owned */
};

struct iop_score {
  const iop_instrument *instrument; /* holds a reference */
  iop_sex sex;
  int *answers;      /* n_items */
  int *scale_values; /* n_scales */
  int *scale_bands;  /* n_scales; band index or -1 */
  GArray *flags;     /* guint flag indices, in pack order, one per flag id */
};

typedef struct {
  char date[11];
  guint32 julian;
  iop_score *score;
} Administration;

struct iop_measure_series {
  iop_measure_set *set; /* a reference */
  const iop_instrument *instrument;
  iop_sex sex;
  GPtrArray *administrations; /* Administration *, date order */
};

static const char *const sex_names[] = { "unknown", "female", "male", NULL };
static const char *const severity_names[] = { "none", "info", "warning", "urgent", NULL };
static const char *const flag_severity_names[] = { "info", "warning", "urgent", NULL }; /* 1..3 */

/* Copies @n ints (g_memdup2 needs GLib 2.68; libiop supports 2.66). */
static int *
int_dup (const int *src, gsize n)
{
  int *copy = g_new (int, MAX (n, 1));
  if (n > 0)
    memcpy (copy, src, n * sizeof (int));
  return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* Enumerations                                                                                */

iop_sex
iop_sex_from_string (const char *text, iop_error **error)
{
  g_return_val_if_fail (text != NULL, (iop_sex) -1);
  for (int i = 0; sex_names[i] != NULL; i++)
    if (strcmp (text, sex_names[i]) == 0)
      return (iop_sex) i;
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                 "unknown sex (expected female, male or unknown)");
  return (iop_sex) -1;
}

const char *
iop_sex_to_string (iop_sex sex)
{
  return (int) sex >= 0 && sex <= IOP_SEX_MALE ? sex_names[sex] : "unknown";
}

const char *
iop_severity_to_string (iop_severity severity)
{
  return (int) severity >= 0 && severity <= IOP_SEVERITY_URGENT ? severity_names[severity] : "none";
}

const char *
iop_outcome_to_string (iop_outcome outcome)
{
  switch (outcome)
    {
    case IOP_OUTCOME_MET: return "met";
    case IOP_OUTCOME_NOT_MET: return "not-met";
    case IOP_OUTCOME_NOT_APPLICABLE:
    default: return "not-applicable";
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Set construction and release                                                                */

static void
instrument_free (gpointer data)
{
  iop_instrument *inst = data;

  for (guint i = 0; i < inst->items->len; i++)
    {
      Item *item = &g_array_index (inst->items, Item, i);
      g_clear_pointer (&item->answers, g_array_unref);
      g_clear_pointer (&item->points, g_array_unref);
    }
  for (guint i = 0; i < inst->scales->len; i++)
    {
      Scale *scale = &g_array_index (inst->scales, Scale, i);
      g_clear_pointer (&scale->items, g_array_unref);
      g_clear_pointer (&scale->bands, g_array_unref);
    }
  g_array_unref (inst->items);
  g_array_unref (inst->scales);
  g_array_unref (inst->flags);
  g_free (inst);
}

iop_measure_set *
iop_measure_set_ref (iop_measure_set *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_atomic_ref_count_inc (&set->ref_count);
  return set;
}

void
iop_measure_set_unref (iop_measure_set *set)
{
  if (set == NULL || !g_atomic_ref_count_dec (&set->ref_count))
    return;
  g_ptr_array_unref (set->instruments);
  iop_pack_header_clear (&set->pack);
  g_free (set);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

typedef struct {
  IopJsonReader r;
  iop_measure_set *set;
} Loader;

static const char *
intern (Loader *l, const char *s)
{
  return iop_pack_intern (&l->set->pack, s);
}

/* Reads an array of distinct integers in [0, MAX_POINTS] (answers or points). */
static GArray *
load_int_array (Loader *l, JsonObject *obj, const char *member, gboolean distinct)
{
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, member, FALSE, &failed);
  g_autoptr(GArray) out = NULL;
  gsize mark;

  if (arr == NULL)
    return NULL;
  mark = iop_json_push_member (&l->r, member);
  if (json_array_get_length (arr) == 0)
    {
      iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must not be empty");
      return NULL;
    }
  out = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *node = json_array_get_element (arr, i);
      gint64 v;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          iop_json_push_index (&l->r, i);
          iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected an integer");
          return NULL;
        }
      v = json_node_get_int (node);
      if (v < 0 || v > MAX_POINTS)
        {
          iop_json_push_index (&l->r, i);
          iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must be between 0 and %d", MAX_POINTS);
          return NULL;
        }
      for (guint j = 0; distinct && j < out->len; j++)
        if (g_array_index (out, int, j) == (int) v)
          {
            iop_json_push_index (&l->r, i);
            iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "repeats the value at index %u", j);
            return NULL;
          }
      int iv = (int) v;
      g_array_append_val (out, iv);
    }
  iop_json_pop (&l->r, mark);
  return g_steal_pointer (&out);
}

static int
find_item (const iop_instrument *inst, const char *id)
{
  for (guint i = 0; i < inst->items->len; i++)
    if (strcmp (g_array_index (inst->items, Item, i).id, id) == 0)
      return (int) i;
  return -1;
}

static int
find_scale (const iop_instrument *inst, const char *id)
{
  for (guint i = 0; i < inst->scales->len; i++)
    if (strcmp (g_array_index (inst->scales, Scale, i).id, id) == 0)
      return (int) i;
  return -1;
}

static gboolean
load_items (Loader *l, JsonObject *obj, iop_instrument *inst)
{
  static const char *const members[] = { "id", "label", "answers", "points", NULL };
  gboolean failed;
  g_autoptr(GArray) default_answers = NULL;
  JsonArray *arr;
  gsize mark;

  if (json_object_has_member (obj, "answers"))
    {
      default_answers = load_int_array (l, obj, "answers", TRUE);
      if (default_answers == NULL)
        return FALSE;
    }
  arr = iop_json_get_array (&l->r, obj, "items", TRUE, &failed);
  if (arr == NULL)
    return FALSE;
  if (json_array_get_length (arr) == 0 || json_array_get_length (arr) > MAX_ITEMS)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "items", "needs 1 to %d items", MAX_ITEMS);
  mark = iop_json_push_member (&l->r, "items");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *io = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "an item");
      const char *id = NULL, *label = NULL;
      Item item = { 0 };

      if (io == NULL || !iop_json_check_members (&l->r, io, members) ||
          !iop_json_get_string (&l->r, io, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, io, "label", TRUE, &label))
        return FALSE;
      if (find_item (inst, id) >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate item \"%s\"", id);
      item.id = intern (l, id);
      item.label = intern (l, label);
      /* Append first so that instrument_free releases the arrays on any later failure. */
      g_array_append_val (inst->items, item);
      Item *it = &g_array_index (inst->items, Item, inst->items->len - 1);
      if (json_object_has_member (io, "answers"))
        {
          it->answers = load_int_array (l, io, "answers", TRUE);
          if (it->answers == NULL)
            return FALSE;
        }
      else if (default_answers != NULL)
        it->answers = g_array_ref (default_answers);
      else
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, "answers",
                              "required member is missing (no instrument-level \"answers\" either)");
      if (json_object_has_member (io, "points"))
        {
          it->points = load_int_array (l, io, "points", FALSE);
          if (it->points == NULL)
            return FALSE;
          if (it->points->len != it->answers->len)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "points",
                                  "needs one value per answer (%u), found %u",
                                  it->answers->len, it->points->len);
        }
      else
        it->points = g_array_ref (it->answers);
      it->min_points = it->max_points = g_array_index (it->points, int, 0);
      for (guint k = 1; k < it->points->len; k++)
        {
          it->min_points = MIN (it->min_points, g_array_index (it->points, int, k));
          it->max_points = MAX (it->max_points, g_array_index (it->points, int, k));
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_bands (Loader *l, JsonObject *so, Scale *scale)
{
  static const char *const members[] = { "id", "label", "min", "max", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, so, "bands", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, "bands");
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must not be empty (leave it out instead)");
  scale->bands = g_array_new (FALSE, TRUE, sizeof (Band));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *bo = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a band");
      const char *id = NULL, *label = NULL;
      gint64 min = 0, max = 0;
      int expected = i == 0 ? scale->min : g_array_index (scale->bands, Band, i - 1).max + 1;
      Band band;

      if (bo == NULL || !iop_json_check_members (&l->r, bo, members) ||
          !iop_json_get_string (&l->r, bo, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, bo, "label", TRUE, &label) ||
          !iop_json_get_int (&l->r, bo, "min", TRUE, 0, G_MAXINT32, NULL, &min) ||
          !iop_json_get_int (&l->r, bo, "max", TRUE, 0, G_MAXINT32, NULL, &max))
        return FALSE;
      for (guint j = 0; j < scale->bands->len; j++)
        if (strcmp (g_array_index (scale->bands, Band, j).id, id) == 0)
          return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate band \"%s\"", id);
      if (min > max)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                              "min %" G_GINT64_FORMAT " is above max %" G_GINT64_FORMAT, min, max);
      /* Bands tile the scale's range exactly: every possible score has exactly one band. */
      if (min != expected)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "min",
                              "is %" G_GINT64_FORMAT " but must be %d (%s)", min, expected,
                              i == 0 ? "the scale's lowest possible score"
                                     : "one above the previous band's max; bands must not gap or overlap");
      if (max > scale->max)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max",
                              "%" G_GINT64_FORMAT " is above the scale's highest possible score %d",
                              max, scale->max);
      band.id = intern (l, id);
      band.label = intern (l, label);
      band.min = (int) min;
      band.max = (int) max;
      g_array_append_val (scale->bands, band);
      iop_json_pop (&l->r, m2);
    }
  if (g_array_index (scale->bands, Band, scale->bands->len - 1).max != scale->max)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                          "the last band ends at %d but the scale reaches %d",
                          g_array_index (scale->bands, Band, scale->bands->len - 1).max, scale->max);
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_scales (Loader *l, JsonObject *obj, iop_instrument *inst)
{
  static const char *const members[] = { "id", "label", "primary", "items", "bands", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "scales", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "scales", "needs at least one scale");
  mark = iop_json_push_member (&l->r, "scales");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *so = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a scale");
      const char *id = NULL, *label = NULL;
      gboolean primary = FALSE;
      JsonArray *items;
      Scale scale = { 0 }, *sc;

      if (so == NULL || !iop_json_check_members (&l->r, so, members) ||
          !iop_json_get_string (&l->r, so, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, so, "label", TRUE, &label) ||
          !iop_json_get_bool (&l->r, so, "primary", FALSE, &primary))
        return FALSE;
      if (find_scale (inst, id) >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate scale \"%s\"", id);
      if (primary && inst->primary >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "primary",
                              "only one scale can be primary (also scale %d)", inst->primary);
      scale.id = intern (l, id);
      scale.label = intern (l, label);
      scale.items = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (inst->scales, scale);
      sc = &g_array_index (inst->scales, Scale, inst->scales->len - 1);
      if (primary)
        inst->primary = (int) inst->scales->len - 1;

      items = iop_json_get_array (&l->r, so, "items", TRUE, &failed);
      if (items == NULL)
        return FALSE;
      if (json_array_get_length (items) == 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "items", "a scale needs at least one item");
      gsize m3 = iop_json_push_member (&l->r, "items");
      for (guint k = 0; k < json_array_get_length (items); k++)
        {
          JsonNode *node = json_array_get_element (items, k);
          int index;
          guint uindex;
          gsize m4 = iop_json_push_index (&l->r, k);
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected an item id (a string)");
          index = find_item (inst, json_node_get_string (node));
          if (index < 0)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "unknown item \"%s\"",
                                  json_node_get_string (node));
          uindex = (guint) index;
          for (guint j = 0; j < sc->items->len; j++)
            if (g_array_index (sc->items, guint, j) == uindex)
              return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "item \"%s\" is listed twice",
                                    json_node_get_string (node));
          g_array_append_val (sc->items, uindex);
          sc->min += g_array_index (inst->items, Item, uindex).min_points;
          sc->max += g_array_index (inst->items, Item, uindex).max_points;
          iop_json_pop (&l->r, m4);
        }
      iop_json_pop (&l->r, m3);
      if (!load_bands (l, so, sc))
        return FALSE;
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_flags (Loader *l, JsonObject *obj, iop_instrument *inst)
{
  static const char *const members[] = { "id", "label", "severity", "item", "scale", "op", "value",
                                         "sex", "source", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "flags", FALSE, &failed);
  gsize mark;

  if (arr == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, "flags");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *fo = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a flag");
      const char *id = NULL, *label = NULL, *item = NULL, *scale = NULL;
      int severity = 0, op = 0, sex = 0;
      gint64 value = 0;
      Flag flag = { 0 };

      if (fo == NULL || !iop_json_check_members (&l->r, fo, members) ||
          !iop_json_get_string (&l->r, fo, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, fo, "label", TRUE, &label) ||
          !iop_json_get_enum (&l->r, fo, "severity", TRUE, flag_severity_names, &severity) ||
          !iop_json_get_string (&l->r, fo, "item", FALSE, &item) ||
          !iop_json_get_string (&l->r, fo, "scale", FALSE, &scale) ||
          !iop_json_get_enum (&l->r, fo, "op", TRUE, op_names, &op) ||
          !iop_json_get_int (&l->r, fo, "value", TRUE, G_MININT32, G_MAXINT32, NULL, &value) ||
          !iop_json_get_enum (&l->r, fo, "sex", FALSE, sex_names, &sex) ||
          !iop_pack_read_source_ref (&l->r, &l->set->pack, fo, TRUE, &flag.source))
        return FALSE;
      if ((item == NULL) == (scale == NULL))
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                              "a flag needs exactly one of \"item\" and \"scale\"");
      flag.on_item = item != NULL;
      if (item != NULL)
        {
          int index = find_item (inst, item);
          if (index < 0)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "item", "unknown item \"%s\"", item);
          flag.target = (guint) index;
        }
      else
        {
          int index = find_scale (inst, scale);
          if (index < 0)
            return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "scale", "unknown scale \"%s\"", scale);
          flag.target = (guint) index;
        }
      flag.id = intern (l, id);
      flag.label = intern (l, label);
      flag.severity = (iop_severity) (IOP_SEVERITY_INFO + severity);
      flag.op = (Op) op;
      flag.value = (int) value;
      flag.has_sex = json_object_has_member (fo, "sex");
      flag.sex = (iop_sex) sex;
      g_array_append_val (inst->flags, flag);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_outcomes (Loader *l, JsonObject *obj, iop_instrument *inst)
{
  static const char *const members[] = { "min_baseline", "response_reduction_percent",
                                         "remission_below", "source", NULL };
  gboolean failed;
  JsonObject *oo = iop_json_get_object (&l->r, obj, "outcomes", FALSE, &failed);
  gint64 min_baseline = 0, reduction = 0, below = 0;
  gsize mark;

  if (oo == NULL)
    return !failed;
  mark = iop_json_push_member (&l->r, "outcomes");
  if (inst->primary < 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                          "outcome rules need a primary scale (\"primary\": true)");
  if (!iop_json_check_members (&l->r, oo, members) ||
      !iop_json_get_int (&l->r, oo, "min_baseline", TRUE, 1, G_MAXINT32, NULL, &min_baseline) ||
      !iop_json_get_int (&l->r, oo, "response_reduction_percent", TRUE, 1, 100, NULL, &reduction) ||
      !iop_json_get_int (&l->r, oo, "remission_below", TRUE, 1, G_MAXINT32, NULL, &below) ||
      !iop_pack_read_source_ref (&l->r, &l->set->pack, oo, TRUE, &inst->outcomes.source))
    return FALSE;
  inst->outcomes.present = TRUE;
  inst->outcomes.min_baseline = (int) min_baseline;
  inst->outcomes.response_reduction_percent = (int) reduction;
  inst->outcomes.remission_below = (int) below;
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_instrument (Loader *l, JsonObject *obj, iop_instrument *inst)
{
  static const char *const members[] = { "id", "name", "abbreviation", "loinc", "domain",
                                         "lookback_days", "answers", "items", "scales", "flags",
                                         "outcomes", "source", NULL };
  const char *id = NULL, *name = NULL, *abbr = NULL, *loinc = NULL, *domain = NULL;
  gint64 lookback = 0;

  if (!iop_json_check_members (&l->r, obj, members) ||
      !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
      !iop_json_get_string (&l->r, obj, "name", TRUE, &name) ||
      !iop_json_get_string (&l->r, obj, "abbreviation", TRUE, &abbr) ||
      !iop_json_get_string (&l->r, obj, "loinc", FALSE, &loinc) ||
      !iop_json_get_string (&l->r, obj, "domain", FALSE, &domain) ||
      !iop_json_get_int (&l->r, obj, "lookback_days", FALSE, 1, 3660, NULL, &lookback) ||
      !iop_pack_read_source_ref (&l->r, &l->set->pack, obj, TRUE, &inst->source))
    return FALSE;
  for (guint i = 0; i < l->set->instruments->len; i++)
    {
      const iop_instrument *other = g_ptr_array_index (l->set->instruments, i);
      if (g_ascii_strcasecmp (other->id, id) == 0 || g_ascii_strcasecmp (other->abbreviation, id) == 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id",
                              "\"%s\" is already used by instrument %u", id, i);
      if (g_ascii_strcasecmp (other->id, abbr) == 0 || g_ascii_strcasecmp (other->abbreviation, abbr) == 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "abbreviation",
                              "\"%s\" is already used by instrument %u", abbr, i);
    }
  inst->id = intern (l, id);
  inst->name = intern (l, name);
  inst->abbreviation = intern (l, abbr);
  inst->loinc = intern (l, loinc);
  inst->domain = intern (l, domain);
  inst->lookback_days = (int) lookback;
  return load_items (l, obj, inst) && load_scales (l, obj, inst) && load_flags (l, obj, inst) &&
         load_outcomes (l, obj, inst);
}

static iop_measure_set *
measure_set_load (const char *json, gssize length, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "id", "version", "title",
                                         "sources", "instruments", NULL };
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  Loader l = { 0 };
  JsonObject *obj;
  JsonArray *arr = NULL;
  gboolean ok, failed = FALSE;

  if (root == NULL)
    return NULL;
  iop_json_reader_init (&l.r, error, TRUE);
  l.set = g_new0 (iop_measure_set, 1);
  g_atomic_ref_count_init (&l.set->ref_count);
  iop_pack_header_init (&l.set->pack);
  l.set->instruments = g_ptr_array_new_with_free_func (instrument_free);

  obj = iop_json_expect_object (&l.r, root, "a measures pack");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, MEASURES_FORMAT, MEASURES_FORMAT_VERSION, &l.set->pack);
  if (ok)
    {
      arr = iop_json_get_array (&l.r, obj, "instruments", TRUE, &failed);
      ok = arr != NULL;
    }
  if (ok && json_array_get_length (arr) == 0)
    ok = iop_json_fail (&l.r, IOP_ERROR_INVALID_DATA, "instruments", "needs at least one instrument");
  if (ok)
    {
      gsize mark = iop_json_push_member (&l.r, "instruments");
      for (guint i = 0; ok && i < json_array_get_length (arr); i++)
        {
          gsize m2 = iop_json_push_index (&l.r, i);
          JsonObject *io = iop_json_expect_object (&l.r, json_array_get_element (arr, i), "an instrument");
          iop_instrument *inst;
          if (io == NULL)
            {
              ok = FALSE;
              break;
            }
          inst = g_new0 (iop_instrument, 1);
          inst->set = l.set;
          inst->primary = -1;
          inst->items = g_array_new (FALSE, TRUE, sizeof (Item));
          inst->scales = g_array_new (FALSE, TRUE, sizeof (Scale));
          inst->flags = g_array_new (FALSE, TRUE, sizeof (Flag));
          ok = load_instrument (&l, io, inst);
          g_ptr_array_add (l.set->instruments, inst);
          iop_json_pop (&l.r, m2);
        }
      iop_json_pop (&l.r, mark);
    }
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_measure_set_unref (l.set);
      return NULL;
    }
  return l.set;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
measure_set_load_cb (gpointer unused, const char *text, gssize length, iop_error **error)
{
  (void) unused;
  return measure_set_load (text, length, error);
}

iop_measure_set *
iop_measure_set_new_from_json (const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return measure_set_load (json, -1, error);
}

iop_measure_set *
iop_measure_set_new_from_file (const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "measures pack", measure_set_load_cb, NULL, error);
}

iop_measure_set *
iop_measure_set_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "measures pack", measure_set_load_cb);
}

char *
iop_measure_set_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

const char *
iop_measure_set_get_id (const iop_measure_set *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  return set->pack.id;
}

const char *
iop_measure_set_get_version (const iop_measure_set *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  return set->pack.version;
}

size_t
iop_measure_set_get_n_instruments (const iop_measure_set *set)
{
  g_return_val_if_fail (set != NULL, 0);
  return set->instruments->len;
}

const iop_instrument *
iop_measure_set_get_instrument (const iop_measure_set *set, size_t index)
{
  g_return_val_if_fail (set != NULL, NULL);
  return index < set->instruments->len ? g_ptr_array_index (set->instruments, index) : NULL;
}

const iop_instrument *
iop_measure_set_lookup_instrument (const iop_measure_set *set, const char *id)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  for (guint i = 0; i < set->instruments->len; i++)
    {
      const iop_instrument *inst = g_ptr_array_index (set->instruments, i);
      if (g_ascii_strcasecmp (inst->id, id) == 0 || g_ascii_strcasecmp (inst->abbreviation, id) == 0)
        return inst;
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Instruments                                                                                 */

const iop_instrument *
iop_instrument_ref (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  iop_measure_set_ref (instrument->set);
  return instrument;
}

void
iop_instrument_unref (const iop_instrument *instrument)
{
  if (instrument != NULL)
    iop_measure_set_unref (instrument->set);
}

const char *
iop_instrument_get_id (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  return instrument->id;
}

const char *
iop_instrument_get_name (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  return instrument->name;
}

const char *
iop_instrument_get_abbreviation (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  return instrument->abbreviation;
}

const char *
iop_instrument_get_loinc (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  return instrument->loinc;
}

int
iop_instrument_get_lookback_days (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, 0);
  return instrument->lookback_days;
}

size_t
iop_instrument_get_n_items (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, 0);
  return instrument->items->len;
}

static const Item *
item_at (const iop_instrument *instrument, size_t index)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  return index < instrument->items->len ? &g_array_index (instrument->items, Item, index) : NULL;
}

const char *
iop_instrument_get_item_id (const iop_instrument *instrument, size_t index)
{
  const Item *item = item_at (instrument, index);
  return item ? item->id : NULL;
}

const char *
iop_instrument_get_item_label (const iop_instrument *instrument, size_t index)
{
  const Item *item = item_at (instrument, index);
  return item ? item->label : NULL;
}

/* The position of @answer among the item's allowed answers, or -1. */
static int
answer_position (const Item *item, int answer)
{
  for (guint k = 0; k < item->answers->len; k++)
    if (g_array_index (item->answers, int, k) == answer)
      return (int) k;
  return -1;
}

bool
iop_instrument_is_valid_answer (const iop_instrument *instrument, size_t index, int answer)
{
  const Item *item = item_at (instrument, index);
  return item != NULL && answer_position (item, answer) >= 0;
}

size_t
iop_instrument_get_n_scales (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, 0);
  return instrument->scales->len;
}

const char *
iop_instrument_get_scale_id (const iop_instrument *instrument, size_t index)
{
  g_return_val_if_fail (instrument != NULL, NULL);
  return index < instrument->scales->len ? g_array_index (instrument->scales, Scale, index).id : NULL;
}

bool
iop_instrument_has_outcome_rules (const iop_instrument *instrument)
{
  g_return_val_if_fail (instrument != NULL, false);
  return instrument->outcomes.present;
}

static gboolean
compare (Op op, int a, int b)
{
  switch (op)
    {
    case OP_GE: return a >= b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    case OP_LT: return a < b;
    case OP_EQ:
    default: return a == b;
    }
}

static char *
allowed_list (const Item *item)
{
  GString *s = g_string_new (NULL);
  for (guint k = 0; k < item->answers->len; k++)
    g_string_append_printf (s, "%s%d", k ? ", " : "", g_array_index (item->answers, int, k));
  return g_string_free (s, FALSE);
}

iop_score *
iop_instrument_score (const iop_instrument *instrument, const int *answers, size_t n_answers,
                      iop_sex sex, iop_error **error)
{
  iop_score *score;
  guint n_items, n_scales;

  g_return_val_if_fail (instrument != NULL, NULL);
  g_return_val_if_fail (answers != NULL || n_answers == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_items = instrument->items->len;
  if (n_answers != n_items)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "%s needs %u answers (one per item), got %zu", instrument->abbreviation,
                     n_items, n_answers);
      return NULL;
    }
  if ((int) sex < 0 || sex > IOP_SEX_MALE)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "sex is not an iop_sex value");
      return NULL;
    }
  /* Validate every answer before computing anything; never quote the answer (patient data). */
  for (guint i = 0; i < n_items; i++)
    {
      const Item *item = &g_array_index (instrument->items, Item, i);
      if (answer_position (item, answers[i]) < 0)
        {
          g_autofree char *allowed = allowed_list (item);
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                         "%s item %s: the answer is not one of the allowed values (%s)",
                         instrument->abbreviation, item->id, allowed);
          return NULL;
        }
    }

  n_scales = instrument->scales->len;
  score = g_new0 (iop_score, 1);
  score->instrument = iop_instrument_ref (instrument);
  score->sex = sex;
  score->answers = int_dup (answers, n_items);
  score->scale_values = g_new0 (int, n_scales);
  score->scale_bands = g_new0 (int, n_scales);
  score->flags = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint s = 0; s < n_scales; s++)
    {
      const Scale *scale = &g_array_index (instrument->scales, Scale, s);
      int total = 0;
      for (guint k = 0; k < scale->items->len; k++)
        {
          guint i = g_array_index (scale->items, guint, k);
          const Item *item = &g_array_index (instrument->items, Item, i);
          total += g_array_index (item->points, int, answer_position (item, answers[i]));
        }
      score->scale_values[s] = total;
      score->scale_bands[s] = -1;
      for (guint b = 0; scale->bands != NULL && b < scale->bands->len; b++)
        if (total >= g_array_index (scale->bands, Band, b).min &&
            total <= g_array_index (scale->bands, Band, b).max)
          score->scale_bands[s] = (int) b;
    }

  for (guint f = 0; f < instrument->flags->len; f++)
    {
      const Flag *flag = &g_array_index (instrument->flags, Flag, f);
      int value = flag->on_item ? answers[flag->target] : score->scale_values[flag->target];
      gboolean seen = FALSE;
      if (flag->has_sex && flag->sex != sex)
        continue;
      if (!compare (flag->op, value, flag->value))
        continue;
      for (guint k = 0; k < score->flags->len; k++)
        seen |= strcmp (g_array_index (instrument->flags, Flag,
                                       g_array_index (score->flags, guint, k)).id, flag->id) == 0;
      if (!seen)
        g_array_append_val (score->flags, f);
    }
  return score;
}

/* ------------------------------------------------------------------------------------------ */
/* Scores                                                                                      */

void
iop_score_free (iop_score *score)
{
  if (score == NULL)
    return;
  iop_instrument_unref (score->instrument);
  g_free (score->answers);
  g_free (score->scale_values);
  g_free (score->scale_bands);
  g_array_unref (score->flags);
  g_free (score);
}

iop_score *
iop_score_copy (const iop_score *score)
{
  iop_score *copy;
  guint n_items, n_scales;

  g_return_val_if_fail (score != NULL, NULL);
  n_items = score->instrument->items->len;
  n_scales = score->instrument->scales->len;
  copy = g_new0 (iop_score, 1);
  copy->instrument = iop_instrument_ref (score->instrument);
  copy->sex = score->sex;
  copy->answers = int_dup (score->answers, n_items);
  copy->scale_values = int_dup (score->scale_values, n_scales);
  copy->scale_bands = int_dup (score->scale_bands, n_scales);
  copy->flags = g_array_copy (score->flags);
  return copy;
}

const iop_instrument *
iop_score_get_instrument (const iop_score *score)
{
  g_return_val_if_fail (score != NULL, NULL);
  return score->instrument;
}

bool
iop_score_has_total (const iop_score *score)
{
  g_return_val_if_fail (score != NULL, false);
  return score->instrument->primary >= 0;
}

int
iop_score_get_total (const iop_score *score)
{
  g_return_val_if_fail (score != NULL, -1);
  return score->instrument->primary >= 0 ? score->scale_values[score->instrument->primary] : -1;
}

static const Band *
band_of (const iop_score *score, int scale)
{
  const Scale *sc;
  if (scale < 0 || score->scale_bands[scale] < 0)
    return NULL;
  sc = &g_array_index (score->instrument->scales, Scale, scale);
  return &g_array_index (sc->bands, Band, score->scale_bands[scale]);
}

const char *
iop_score_get_band (const iop_score *score)
{
  const Band *band;
  g_return_val_if_fail (score != NULL, NULL);
  band = band_of (score, score->instrument->primary);
  return band ? band->id : NULL;
}

const char *
iop_score_get_band_label (const iop_score *score)
{
  const Band *band;
  g_return_val_if_fail (score != NULL, NULL);
  band = band_of (score, score->instrument->primary);
  return band ? band->label : NULL;
}

int
iop_score_get_scale (const iop_score *score, const char *scale_id)
{
  int s;
  g_return_val_if_fail (score != NULL, -1);
  g_return_val_if_fail (scale_id != NULL, -1);
  s = find_scale (score->instrument, scale_id);
  return s < 0 ? -1 : score->scale_values[s];
}

const char *
iop_score_get_scale_band (const iop_score *score, const char *scale_id)
{
  const Band *band;
  g_return_val_if_fail (score != NULL, NULL);
  g_return_val_if_fail (scale_id != NULL, NULL);
  band = band_of (score, find_scale (score->instrument, scale_id));
  return band ? band->id : NULL;
}

size_t
iop_score_get_n_flags (const iop_score *score)
{
  g_return_val_if_fail (score != NULL, 0);
  return score->flags->len;
}

static const Flag *
flag_at (const iop_score *score, size_t index)
{
  g_return_val_if_fail (score != NULL, NULL);
  if (index >= score->flags->len)
    return NULL;
  return &g_array_index (score->instrument->flags, Flag, g_array_index (score->flags, guint, index));
}

const char *
iop_score_get_flag_id (const iop_score *score, size_t index)
{
  const Flag *flag = flag_at (score, index);
  return flag ? flag->id : NULL;
}

const char *
iop_score_get_flag_label (const iop_score *score, size_t index)
{
  const Flag *flag = flag_at (score, index);
  return flag ? flag->label : NULL;
}

iop_severity
iop_score_get_flag_severity (const iop_score *score, size_t index)
{
  const Flag *flag = flag_at (score, index);
  return flag ? flag->severity : IOP_SEVERITY_NONE;
}

bool
iop_score_has_flag (const iop_score *score, const char *flag_id)
{
  g_return_val_if_fail (score != NULL, false);
  g_return_val_if_fail (flag_id != NULL, false);
  for (guint k = 0; k < score->flags->len; k++)
    if (strcmp (flag_at (score, k)->id, flag_id) == 0)
      return true;
  return false;
}

iop_severity
iop_score_get_max_severity (const iop_score *score)
{
  iop_severity max = IOP_SEVERITY_NONE;
  g_return_val_if_fail (score != NULL, IOP_SEVERITY_NONE);
  for (guint k = 0; k < score->flags->len; k++)
    max = MAX (max, flag_at (score, k)->severity);
  return max;
}

static void
add_band_object (JsonBuilder *b, const Band *band)
{
  if (band == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, band->id);
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, band->label);
  json_builder_end_object (b);
}

static void
add_score_members (JsonBuilder *b, const iop_score *score)
{
  const iop_instrument *inst = score->instrument;

  json_builder_set_member_name (b, "total");
  if (inst->primary >= 0)
    json_builder_add_int_value (b, score->scale_values[inst->primary]);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "band");
  add_band_object (b, band_of (score, inst->primary));
  json_builder_set_member_name (b, "scales");
  json_builder_begin_object (b);
  for (guint s = 0; s < inst->scales->len; s++)
    {
      const Band *band = band_of (score, (int) s);
      json_builder_set_member_name (b, g_array_index (inst->scales, Scale, s).id);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "value");
      json_builder_add_int_value (b, score->scale_values[s]);
      json_builder_set_member_name (b, "band");
      iop_json_add_string_or_null (b, band ? band->id : NULL);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  for (guint k = 0; k < score->flags->len; k++)
    {
      const Flag *flag = flag_at (score, k);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, flag->id);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, flag->label);
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, iop_severity_to_string (flag->severity));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_answers (JsonBuilder *b, const iop_score *score)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < score->instrument->items->len; i++)
    json_builder_add_int_value (b, score->answers[i]);
  json_builder_end_array (b);
}

char *
iop_score_to_json (const iop_score *score)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (score != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, score->instrument->id);
  add_score_members (b, score);
  json_builder_set_member_name (b, "answers");
  add_answers (b, score);
  json_builder_set_member_name (b, "sex");
  json_builder_add_string_value (b, iop_sex_to_string (score->sex));
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* ------------------------------------------------------------------------------------------ */
/* Series                                                                                      */

static void
administration_free (gpointer data)
{
  Administration *a = data;
  iop_score_free (a->score);
  g_free (a);
}

static iop_measure_series *
series_alloc (iop_measure_set *set, const iop_instrument *instrument, iop_sex sex)
{
  iop_measure_series *series = g_new0 (iop_measure_series, 1);
  series->set = iop_measure_set_ref (set);
  series->instrument = instrument;
  series->sex = sex;
  series->administrations = g_ptr_array_new_with_free_func (administration_free);
  return series;
}

iop_measure_series *
iop_measure_series_new (iop_measure_set *set, const char *instrument_id, iop_sex sex,
                        iop_error **error)
{
  const iop_instrument *instrument;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (instrument_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  instrument = iop_measure_set_lookup_instrument (set, instrument_id);
  if (instrument == NULL)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "unknown instrument \"%s\"", instrument_id);
      return NULL;
    }
  if ((int) sex < 0 || sex > IOP_SEX_MALE)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "sex is not an iop_sex value");
      return NULL;
    }
  return series_alloc (set, instrument, sex);
}

void
iop_measure_series_free (iop_measure_series *series)
{
  if (series == NULL)
    return;
  g_ptr_array_unref (series->administrations);
  iop_measure_set_unref (series->set);
  g_free (series);
}

static gboolean
series_insert (iop_measure_series *series, const char *date, const int *answers,
               size_t n_answers, iop_error **error)
{
  Administration *a;
  iop_score *score;
  guint32 julian = 0;
  guint pos;

  if (!iop_date_parse (date, &julian))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the administration date is not a calendar date in YYYY-MM-DD form");
      return FALSE;
    }
  score = iop_instrument_score (series->instrument, answers, n_answers, series->sex, error);
  if (score == NULL)
    return FALSE;
  a = g_new0 (Administration, 1);
  g_strlcpy (a->date, date, sizeof a->date);
  a->julian = julian;
  a->score = score;
  /* Date order, stable: after every administration on or before this date. */
  for (pos = series->administrations->len; pos > 0; pos--)
    if (((Administration *) g_ptr_array_index (series->administrations, pos - 1))->julian <= julian)
      break;
  g_ptr_array_insert (series->administrations, (gint) pos, a);
  return TRUE;
}

bool
iop_measure_series_add (iop_measure_series *series, const char *date, const int *answers,
                        size_t n_answers, iop_error **error)
{
  g_return_val_if_fail (series != NULL, false);
  g_return_val_if_fail (date != NULL, false);
  g_return_val_if_fail (answers != NULL || n_answers == 0, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  return series_insert (series, date, answers, n_answers, error);
}

const iop_instrument *
iop_measure_series_get_instrument (const iop_measure_series *series)
{
  g_return_val_if_fail (series != NULL, NULL);
  return series->instrument;
}

iop_sex
iop_measure_series_get_sex (const iop_measure_series *series)
{
  g_return_val_if_fail (series != NULL, IOP_SEX_UNKNOWN);
  return series->sex;
}

size_t
iop_measure_series_get_n_administrations (const iop_measure_series *series)
{
  g_return_val_if_fail (series != NULL, 0);
  return series->administrations->len;
}

static const Administration *
administration_at (const iop_measure_series *series, size_t index)
{
  g_return_val_if_fail (series != NULL, NULL);
  return index < series->administrations->len ? g_ptr_array_index (series->administrations, index) : NULL;
}

const char *
iop_measure_series_get_date (const iop_measure_series *series, size_t index)
{
  const Administration *a = administration_at (series, index);
  return a ? a->date : NULL;
}

const iop_score *
iop_measure_series_get_score (const iop_measure_series *series, size_t index)
{
  const Administration *a = administration_at (series, index);
  return a ? a->score : NULL;
}

/* Baseline and latest totals; FALSE without a primary scale or with fewer than two. */
static gboolean
baseline_and_latest (const iop_measure_series *series, int *baseline, int *latest)
{
  guint n = series->administrations->len;
  if (series->instrument->primary < 0 || n < 2)
    return FALSE;
  *baseline = iop_score_get_total (((Administration *) g_ptr_array_index (series->administrations, 0))->score);
  *latest = iop_score_get_total (((Administration *) g_ptr_array_index (series->administrations, n - 1))->score);
  return TRUE;
}

int
iop_measure_series_get_change_from_baseline (const iop_measure_series *series)
{
  int baseline, latest;
  g_return_val_if_fail (series != NULL, 0);
  return baseline_and_latest (series, &baseline, &latest) ? latest - baseline : 0;
}

iop_outcome
iop_measure_series_get_response (const iop_measure_series *series)
{
  const OutcomeRules *rules;
  int baseline, latest;

  g_return_val_if_fail (series != NULL, IOP_OUTCOME_NOT_APPLICABLE);
  rules = &series->instrument->outcomes;
  if (!rules->present || !baseline_and_latest (series, &baseline, &latest) ||
      baseline < rules->min_baseline)
    return IOP_OUTCOME_NOT_APPLICABLE;
  /* (baseline - latest) / baseline >= percent / 100, in integers */
  return (gint64) (baseline - latest) * 100 >= (gint64) rules->response_reduction_percent * baseline
           ? IOP_OUTCOME_MET : IOP_OUTCOME_NOT_MET;
}

iop_outcome
iop_measure_series_get_remission (const iop_measure_series *series)
{
  const OutcomeRules *rules;
  int baseline, latest;

  g_return_val_if_fail (series != NULL, IOP_OUTCOME_NOT_APPLICABLE);
  rules = &series->instrument->outcomes;
  if (!rules->present || !baseline_and_latest (series, &baseline, &latest) ||
      baseline < rules->min_baseline)
    return IOP_OUTCOME_NOT_APPLICABLE;
  return latest < rules->remission_below ? IOP_OUTCOME_MET : IOP_OUTCOME_NOT_MET;
}

char *
iop_measure_series_to_json (const iop_measure_series *series)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  guint n;

  g_return_val_if_fail (series != NULL, NULL);
  n = series->administrations->len;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, SERIES_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, SERIES_FORMAT_VERSION);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, series->instrument->id);
  json_builder_set_member_name (b, "sex");
  json_builder_add_string_value (b, iop_sex_to_string (series->sex));
  json_builder_set_member_name (b, "administrations");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const Administration *a = g_ptr_array_index (series->administrations, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, a->date);
      json_builder_set_member_name (b, "answers");
      add_answers (b, a->score);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  /* Derived, for readers; ignored when the document is read back. */
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "administrations");
  json_builder_add_int_value (b, n);
  if (n > 0)
    {
      const Administration *first = g_ptr_array_index (series->administrations, 0);
      const Administration *last = g_ptr_array_index (series->administrations, n - 1);
      json_builder_set_member_name (b, "baseline");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, first->date);
      add_score_members (b, first->score);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "latest");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, last->date);
      add_score_members (b, last->score);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "change_from_baseline");
  if (n >= 2 && series->instrument->primary >= 0)
    json_builder_add_int_value (b, iop_measure_series_get_change_from_baseline (series));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "response");
  json_builder_add_string_value (b, iop_outcome_to_string (iop_measure_series_get_response (series)));
  json_builder_set_member_name (b, "remission");
  json_builder_add_string_value (b, iop_outcome_to_string (iop_measure_series_get_remission (series)));
  json_builder_end_object (b);

  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

iop_measure_series *
iop_measure_series_new_from_json (iop_measure_set *set, const char *json, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "instrument", "sex",
                                         "administrations", "summary", NULL };
  static const char *const admin_members[] = { "date", "answers", NULL };
  g_autoptr(JsonNode) root = NULL;
  IopJsonReader r;
  JsonObject *obj;
  JsonArray *arr = NULL;
  const char *format = NULL, *instrument_id = NULL;
  gint64 version = 0;
  int sex = 0;
  gboolean ok, failed = FALSE;
  iop_measure_series *series = NULL;
  const iop_instrument *instrument = NULL;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = iop_json_parse (json, -1, error);
  if (root == NULL)
    return NULL;
  /* A series holds patient data: error messages must not quote its values. */
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "a measure series");
  ok = obj != NULL && iop_json_check_members (&r, obj, members) &&
       iop_json_get_string (&r, obj, "format", TRUE, &format);
  if (ok && strcmp (format, SERIES_FORMAT) != 0)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format", "expected \"" SERIES_FORMAT "\"");
  ok = ok && iop_json_get_int (&r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version);
  if (ok && version != SERIES_FORMAT_VERSION)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format_version",
                        "this version is not supported (this libiop reads %d)", SERIES_FORMAT_VERSION);
  ok = ok && iop_json_get_string (&r, obj, "instrument", TRUE, &instrument_id) &&
       iop_json_get_enum (&r, obj, "sex", TRUE, sex_names, &sex);
  if (ok)
    {
      instrument = iop_measure_set_lookup_instrument (set, instrument_id);
      if (instrument == NULL)
        ok = iop_json_fail (&r, IOP_ERROR_NOT_FOUND, "instrument", "unknown instrument \"%s\"",
                            instrument_id);
    }
  if (ok)
    {
      arr = iop_json_get_array (&r, obj, "administrations", TRUE, &failed);
      ok = arr != NULL;
    }
  if (ok)
    {
      gsize mark = iop_json_push_member (&r, "administrations");
      series = series_alloc (set, instrument, (iop_sex) sex);
      for (guint i = 0; ok && i < json_array_get_length (arr); i++)
        {
          gsize m2 = iop_json_push_index (&r, i);
          JsonObject *ao = iop_json_expect_object (&r, json_array_get_element (arr, i), "an administration");
          JsonArray *answers_arr;
          const char *date = NULL;
          g_autofree int *answers = NULL;
          guint n;
          iop_error *inner = NULL;

          guint32 julian;

          ok = ao != NULL && iop_json_check_members (&r, ao, admin_members) &&
               iop_json_get_string (&r, ao, "date", TRUE, &date);
          if (ok && !iop_date_parse (date, &julian))
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "date",
                                "not a calendar date in YYYY-MM-DD form");
          if (!ok)
            break;
          answers_arr = iop_json_get_array (&r, ao, "answers", TRUE, &failed);
          if (answers_arr == NULL)
            {
              ok = FALSE;
              break;
            }
          n = json_array_get_length (answers_arr);
          answers = g_new0 (int, MAX (n, 1));
          for (guint k = 0; ok && k < n; k++)
            {
              JsonNode *node = json_array_get_element (answers_arr, k);
              if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
                  json_node_get_int (node) < G_MININT32 || json_node_get_int (node) > G_MAXINT32)
                {
                  iop_json_push_member (&r, "answers");
                  iop_json_push_index (&r, k);
                  ok = iop_json_fail (&r, IOP_ERROR_PARSE, NULL, "expected an integer answer");
                }
              else
                answers[k] = (int) json_node_get_int (node);
            }
          if (!ok)
            break;
          if (!series_insert (series, date, answers, n, &inner))
            {
              /* The date is valid, so the answers are at fault: report them at their path. */
              ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "answers", "%s",
                                  iop_error_get_message (inner));
              iop_error_free (inner);
              break;
            }
          iop_json_pop (&r, m2);
        }
      iop_json_pop (&r, mark);
    }
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_measure_series_free (series);
      return NULL;
    }
  return series;
}
