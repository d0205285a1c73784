/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Placement: loading placement packs, assessments, and the rule engine.
 *
 * Evaluation order (docs/placement.md): dimension tables give each dimension's minimum;
 * qualifying-dimension rules cap the dimensions that may not reach a level; the most intensive
 * minimum wins (the least intensive level that addresses every dimension); the composite band
 * raises it when higher; minimum and cap rules; the first matching override; the first matching variant; withdrawal management;
 * availability; the first matching designation. Nothing here allocates per placement except the
 * first use of a recommendation's buffers and reason texts that are actually read.
 */
#include "iop-pack-private.h"

#include <stdlib.h>
#include <string.h>

#define PLACEMENT_FORMAT "libiop-placement"
#define PLACEMENT_FORMAT_VERSION 1
#define ASSESSMENT_FORMAT "libiop-assessment"
#define ASSESSMENT_FORMAT_VERSION 1
#define DEFAULT_PACK "placement.json"
#define MAX_DIMENSIONS 16
#define MAX_RATING_SPAN 100

typedef enum { OP_GE, OP_LE, OP_GT, OP_LT, OP_EQ } Op;
static const char *const op_names[] = { ">=", "<=", ">", "<", "==", NULL };

typedef enum { C_RATING, C_COUNT, C_SUM, C_CO_OCCURRING, C_AGE, C_ALL, C_ANY, C_NOT } CondKind;

typedef struct {
  CondKind kind;
  Op op;
  int value;
  guint dim;         /* C_RATING */
  guint32 dims;      /* C_COUNT, C_SUM: bit mask of dimensions */
  int at_least;      /* C_COUNT: a dimension counts when its rating is >= at_least */
  gboolean flag;     /* C_CO_OCCURRING */
  iop_age_group age; /* C_AGE */
  guint first, n;    /* C_ALL, C_ANY, C_NOT: children in Instrument.children */
} Cond;

typedef enum {
  R_TABLE, R_QUALIFY, R_MINIMUM, R_CAP, R_OVERRIDE, R_VARIANT, R_WITHDRAWAL, R_COMPOSITE,
  R_DESIGNATION, R_AVAILABILITY
} RuleKind;
static const char *const rule_kinds[] = {
  "dimension-table", "qualifying-dimensions", "minimum", "cap", "override", "variant",
  "withdrawal", "composite-bands", "designation", "availability", NULL };

typedef struct {
  int min, max, rank;
  const char *source;
} CompositeBand;

typedef struct {
  RuleKind kind;
  const char *id, *source, *text, *designation;
  guint dim;
  int rank;                 /* target ladder rank */
  guint32 dims;             /* R_QUALIFY */
  int cond;                 /* root condition index, -1 = always */
  int *ranks;               /* R_TABLE: ladder rank per rating - min */
  const iop_level **levels; /* R_WITHDRAWAL: per rating - min (nullable); R_VARIANT: per ladder rank (nullable) */
  GArray *bands;            /* R_COMPOSITE: CompositeBand */
} Rule;

typedef struct {
  const char *id, *name;
  int min, max;
} Dimension;

typedef struct {
  const char *id, *name, *source;
  iop_edition edition;
  Dimension dims[MAX_DIMENSIONS];
  guint n_dims;
  GPtrArray *ladder;   /* const iop_level *, least to most intensive */
  GArray *rules;       /* Rule */
  GArray *conds;       /* Cond */
  GArray *children;    /* guint cond indices */
  int composite_rule;  /* index into rules, or -1 */
  int availability_rule;
  GArray *by_kind[R_AVAILABILITY + 1]; /* guint rule indices per kind, in pack order (hot path) */
} Instrument;

struct iop_placer {
  gatomicrefcount ref_count;
  IopPackHeader pack;
  iop_continuum *continuum; /* a reference */
  GPtrArray *instruments;   /* Instrument *, owned */
};

struct iop_assessment {
  iop_placer *placer; /* a reference */
  const Instrument *inst;
  int ratings[MAX_DIMENSIONS];
  guint32 rated;      /* bit mask */
  iop_age_group age;
  gboolean co_occurring;
  GPtrArray *available; /* const iop_level * */
  char *credential, *signed_date;
};

typedef enum {
  X_DIMENSION_MINIMUM, X_LEAST_INTENSIVE, X_QUALIFYING, X_MINIMUM, X_CAP, X_OVERRIDE, X_VARIANT,
  X_WITHDRAWAL, X_COMPOSITE, X_DESIGNATION, X_STEPPED_UP, X_NO_AVAILABLE
} ReasonCode;
static const char *const reason_codes[] = {
  "dimension-minimum", "least-intensive", "qualifying-dimensions", "minimum", "cap", "override",
  "variant", "withdrawal", "composite-band", "designation", "stepped-up-unavailable",
  "no-available-level" };

typedef struct {
  ReasonCode code;
  const Rule *rule;       /* NULL for built-in reasons */
  const char *source;     /* overrides the rule's source (composite bands), or NULL */
  int dim;                /* -1 when none */
  int rating;
  const iop_level *level; /* the level the reason leads to */
  const iop_level *from;  /* the level it replaced, if any */
} Reason;

typedef struct {
  const iop_level *level;
  const char *reason;
} Alternative;

struct iop_recommendation {
  iop_placer *placer; /* a reference while not empty */
  const Instrument *inst;
  const iop_level *level, *withdrawal;
  const char *designation;
  int composite;      /* -1 when none */
  /* Plain arrays rather than GArray: appending is on the hot path. */
  guint binding[MAX_DIMENSIONS];
  guint n_binding;
  Reason *reasons;
  guint n_reasons, reasons_cap;
  Alternative *alternatives;
  guint n_alternatives, alternatives_cap;
  GPtrArray *texts;   /* char *, rendered lazily, parallel to reasons */
};

static const char *const age_names[] = { "adult", "adolescent", NULL };

/* ------------------------------------------------------------------------------------------ */
/* Placer lifetime                                                                             */

static void
instrument_free (gpointer data)
{
  Instrument *inst = data;
  for (guint i = 0; i < inst->rules->len; i++)
    {
      Rule *r = &g_array_index (inst->rules, Rule, i);
      g_free (r->ranks);
      g_free (r->levels);
      if (r->bands != NULL)
        g_array_unref (r->bands);
    }
  g_ptr_array_unref (inst->ladder);
  g_array_unref (inst->rules);
  g_array_unref (inst->conds);
  g_array_unref (inst->children);
  for (int k = 0; k <= R_AVAILABILITY; k++)
    if (inst->by_kind[k] != NULL)
      g_array_unref (inst->by_kind[k]);
  g_free (inst);
}

iop_placer *
iop_placer_ref (iop_placer *placer)
{
  g_return_val_if_fail (placer != NULL, NULL);
  g_atomic_ref_count_inc (&placer->ref_count);
  return placer;
}

void
iop_placer_unref (iop_placer *placer)
{
  if (placer == NULL || !g_atomic_ref_count_dec (&placer->ref_count))
    return;
  g_ptr_array_unref (placer->instruments);
  iop_continuum_unref (placer->continuum);
  iop_pack_header_clear (&placer->pack);
  g_free (placer);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

typedef struct {
  IopJsonReader r;
  iop_placer *placer;
} Loader;

static const char *
intern (Loader *l, const char *s)
{
  return iop_pack_intern (&l->placer->pack, s);
}

static int
find_dimension (const Instrument *inst, const char *id)
{
  for (guint i = 0; i < inst->n_dims; i++)
    if (strcmp (inst->dims[i].id, id) == 0)
      return (int) i;
  return -1;
}

static int
ladder_rank (const Instrument *inst, const iop_level *level)
{
  for (guint i = 0; i < inst->ladder->len; i++)
    if (g_ptr_array_index (inst->ladder, i) == level)
      return (int) i;
  return -1;
}

/* Resolves a level code of the instrument's edition; fails naming @member (NULL: current path). */
static const iop_level *
resolve_level (Loader *l, const Instrument *inst, const char *code, const char *member)
{
  const iop_level *level = iop_continuum_lookup_level (l->placer->continuum, inst->edition, code);
  if (level == NULL)
    iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "unknown %s level \"%s\"",
                   iop_edition_to_string (inst->edition), code);
  return level;
}

/* A level that must be on the instrument's ladder: returns its rank, or -1 after failing. */
static int
resolve_rank (Loader *l, const Instrument *inst, const char *code, const char *member)
{
  const iop_level *level = resolve_level (l, inst, code, member);
  int rank;
  if (level == NULL)
    return -1;
  rank = ladder_rank (inst, level);
  if (rank < 0)
    iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "level \"%s\" is not on the instrument's ladder", code);
  return rank;
}

static gboolean
load_dimensions (Loader *l, JsonObject *obj, Instrument *inst)
{
  static const char *const members[] = { "id", "name", "min", "max", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "dimensions", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  if (json_array_get_length (arr) == 0 || json_array_get_length (arr) > MAX_DIMENSIONS)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "dimensions", "needs 1 to %d dimensions",
                          MAX_DIMENSIONS);
  mark = iop_json_push_member (&l->r, "dimensions");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *d = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a dimension");
      const char *id = NULL, *name = NULL;
      gint64 min = 0, max = 0;

      if (d == NULL || !iop_json_check_members (&l->r, d, members) ||
          !iop_json_get_string (&l->r, d, "id", TRUE, &id) ||
          !iop_json_get_string (&l->r, d, "name", TRUE, &name) ||
          !iop_json_get_int (&l->r, d, "min", TRUE, 0, 1000, NULL, &min) ||
          !iop_json_get_int (&l->r, d, "max", TRUE, 0, 1000, NULL, &max))
        return FALSE;
      if (find_dimension (inst, id) >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate dimension \"%s\"", id);
      if (max < min || max - min > MAX_RATING_SPAN)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max",
                              "must be at least min and at most min + %d", MAX_RATING_SPAN);
      inst->dims[i].id = intern (l, id);
      inst->dims[i].name = intern (l, name);
      inst->dims[i].min = (int) min;
      inst->dims[i].max = (int) max;
      inst->n_dims = i + 1;
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_ladder (Loader *l, JsonObject *obj, Instrument *inst)
{
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "ladder", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "ladder", "needs at least one level");
  mark = iop_json_push_member (&l->r, "ladder");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *node = json_array_get_element (arr, i);
      const iop_level *level;
      gsize m2 = iop_json_push_index (&l->r, i);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a level code (a string)");
      level = resolve_level (l, inst, json_node_get_string (node), NULL);
      if (level == NULL)
        return FALSE;
      if (ladder_rank (inst, level) >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "level \"%s\" is listed twice",
                              iop_level_get_code (level));
      g_ptr_array_add (inst->ladder, (gpointer) level);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

/* Reads a list of dimension ids (or "all" when @allow_all) into a bit mask. */
static gboolean
load_dimension_mask (Loader *l, JsonObject *obj, const char *member, const Instrument *inst,
                     gboolean allow_all, guint32 *out)
{
  JsonNode *node = json_object_get_member (obj, member);
  JsonArray *arr;
  gsize mark;

  *out = 0;
  if (allow_all && node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING && strcmp (json_node_get_string (node), "all") == 0)
    {
      *out = inst->n_dims == 32 ? G_MAXUINT32 : ((1u << inst->n_dims) - 1);
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return iop_json_fail (&l->r, IOP_ERROR_PARSE, member, "expected an array of dimension ids%s",
                          allow_all ? " or \"all\"" : "");
  arr = json_node_get_array (node);
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "must not be empty");
  mark = iop_json_push_member (&l->r, member);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      int d;
      gsize m2 = iop_json_push_index (&l->r, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a dimension id (a string)");
      d = find_dimension (inst, json_node_get_string (e));
      if (d < 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "unknown dimension \"%s\"",
                              json_node_get_string (e));
      if (*out & (1u << d))
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "dimension \"%s\" is listed twice",
                              json_node_get_string (e));
      *out |= 1u << d;
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_op_value (Loader *l, JsonObject *obj, Cond *c)
{
  int op = 0;
  gint64 value = 0;
  if (!iop_json_get_enum (&l->r, obj, "op", TRUE, op_names, &op) ||
      !iop_json_get_int (&l->r, obj, "value", TRUE, G_MININT32, G_MAXINT32, NULL, &value))
    return FALSE;
  c->op = (Op) op;
  c->value = (int) value;
  return TRUE;
}

/* Parses a condition at the current path; returns its index or -1 after failing. */
static int
load_cond (Loader *l, JsonNode *node, Instrument *inst, guint depth)
{
  static const char *const rating_m[] = { "rating", "op", "value", NULL };
  static const char *const count_m[] = { "count", "at_least", "op", "value", NULL };
  static const char *const sum_m[] = { "sum", "op", "value", NULL };
  static const char *const flag_m[] = { "co_occurring", NULL };
  static const char *const age_m[] = { "age_group", NULL };
  static const char *const all_m[] = { "all", NULL };
  static const char *const any_m[] = { "any", NULL };
  static const char *const not_m[] = { "not", NULL };
  JsonObject *obj;
  Cond c = { 0 };
  guint index;

  if (depth > 32)
    {
      iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "conditions nest too deeply");
      return -1;
    }
  obj = iop_json_expect_object (&l->r, node, "a condition");
  if (obj == NULL)
    return -1;

  if (json_object_has_member (obj, "rating"))
    {
      const char *dim = NULL;
      int d;
      if (!iop_json_check_members (&l->r, obj, rating_m) ||
          !iop_json_get_string (&l->r, obj, "rating", TRUE, &dim) || !load_op_value (l, obj, &c))
        return -1;
      d = find_dimension (inst, dim);
      if (d < 0)
        {
          iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "rating", "unknown dimension \"%s\"", dim);
          return -1;
        }
      c.kind = C_RATING;
      c.dim = (guint) d;
    }
  else if (json_object_has_member (obj, "count"))
    {
      gint64 at_least = 0;
      if (!iop_json_check_members (&l->r, obj, count_m) ||
          !load_dimension_mask (l, obj, "count", inst, TRUE, &c.dims) ||
          !iop_json_get_int (&l->r, obj, "at_least", TRUE, G_MININT32, G_MAXINT32, NULL, &at_least) ||
          !load_op_value (l, obj, &c))
        return -1;
      c.kind = C_COUNT;
      c.at_least = (int) at_least;
    }
  else if (json_object_has_member (obj, "sum"))
    {
      if (!iop_json_check_members (&l->r, obj, sum_m) ||
          !load_dimension_mask (l, obj, "sum", inst, TRUE, &c.dims) || !load_op_value (l, obj, &c))
        return -1;
      c.kind = C_SUM;
    }
  else if (json_object_has_member (obj, "co_occurring"))
    {
      if (!iop_json_check_members (&l->r, obj, flag_m) ||
          !iop_json_get_bool (&l->r, obj, "co_occurring", TRUE, &c.flag))
        return -1;
      c.kind = C_CO_OCCURRING;
    }
  else if (json_object_has_member (obj, "age_group"))
    {
      int age = 0;
      if (!iop_json_check_members (&l->r, obj, age_m) ||
          !iop_json_get_enum (&l->r, obj, "age_group", TRUE, age_names, &age))
        return -1;
      c.kind = C_AGE;
      c.age = (iop_age_group) (IOP_AGE_ADULT + age);
    }
  else if (json_object_has_member (obj, "all") || json_object_has_member (obj, "any"))
    {
      gboolean all = json_object_has_member (obj, "all");
      const char *member = all ? "all" : "any";
      gboolean failed;
      JsonArray *arr;
      g_autofree int *kids = NULL;
      guint n;
      gsize mark;

      if (!iop_json_check_members (&l->r, obj, all ? all_m : any_m))
        return -1;
      arr = iop_json_get_array (&l->r, obj, member, TRUE, &failed);
      if (arr == NULL)
        return -1;
      n = json_array_get_length (arr);
      if (n == 0)
        {
          iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "must not be empty");
          return -1;
        }
      kids = g_new (int, n);
      mark = iop_json_push_member (&l->r, member);
      for (guint i = 0; i < n; i++)
        {
          gsize m2 = iop_json_push_index (&l->r, i);
          kids[i] = load_cond (l, json_array_get_element (arr, i), inst, depth + 1);
          if (kids[i] < 0)
            return -1;
          iop_json_pop (&l->r, m2);
        }
      iop_json_pop (&l->r, mark);
      c.kind = all ? C_ALL : C_ANY;
      c.first = inst->children->len;
      c.n = n;
      for (guint i = 0; i < n; i++)
        {
          guint k = (guint) kids[i];
          g_array_append_val (inst->children, k);
        }
    }
  else if (json_object_has_member (obj, "not"))
    {
      int kid;
      guint k;
      gsize mark;
      if (!iop_json_check_members (&l->r, obj, not_m))
        return -1;
      mark = iop_json_push_member (&l->r, "not");
      kid = load_cond (l, json_object_get_member (obj, "not"), inst, depth + 1);
      if (kid < 0)
        return -1;
      iop_json_pop (&l->r, mark);
      c.kind = C_NOT;
      c.first = inst->children->len;
      c.n = 1;
      k = (guint) kid;
      g_array_append_val (inst->children, k);
    }
  else
    {
      iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL,
                     "a condition needs one of rating, count, sum, co_occurring, age_group, all, any, not");
      return -1;
    }
  index = inst->conds->len;
  g_array_append_val (inst->conds, c);
  return (int) index;
}

static gboolean
load_when (Loader *l, JsonObject *obj, Instrument *inst, gboolean required, Rule *rule)
{
  JsonNode *node = json_object_get_member (obj, "when");
  gsize mark;

  rule->cond = -1;
  if (node == NULL)
    return required ? iop_json_fail (&l->r, IOP_ERROR_PARSE, "when", "required member is missing") : TRUE;
  mark = iop_json_push_member (&l->r, "when");
  rule->cond = load_cond (l, node, inst, 0);
  if (rule->cond < 0)
    return FALSE;
  iop_json_pop (&l->r, mark);
  return TRUE;
}

/* Reads an array of level codes (or nulls when @nullable), one per rating of @dim. */
static gboolean
load_rating_levels (Loader *l, JsonObject *obj, Instrument *inst, const Dimension *dim,
                    gboolean nullable, gboolean on_ladder, Rule *rule)
{
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "levels", TRUE, &failed);
  guint n = (guint) (dim->max - dim->min + 1);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  if (json_array_get_length (arr) != n)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "levels",
                          "needs one entry per rating %d..%d (%u), found %u", dim->min, dim->max, n,
                          json_array_get_length (arr));
  if (on_ladder)
    rule->ranks = g_new0 (int, n);
  else
    rule->levels = g_new0 (const iop_level *, n);
  mark = iop_json_push_member (&l->r, "levels");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (&l->r, i);
      if (nullable && JSON_NODE_HOLDS_NULL (node))
        {
          iop_json_pop (&l->r, m2);
          continue;
        }
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a level code%s",
                              nullable ? " or null" : "");
      if (on_ladder)
        {
          rule->ranks[i] = resolve_rank (l, inst, json_node_get_string (node), NULL);
          if (rule->ranks[i] < 0)
            return FALSE;
        }
      else
        {
          rule->levels[i] = resolve_level (l, inst, json_node_get_string (node), NULL);
          if (rule->levels[i] == NULL)
            return FALSE;
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_bands (Loader *l, JsonObject *obj, Instrument *inst, Rule *rule)
{
  static const char *const members[] = { "min", "max", "level", "source", NULL };
  gboolean failed;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "bands", TRUE, &failed);
  int lowest = 0, highest = 0;
  gsize mark;

  if (arr == NULL)
    return FALSE;
  for (guint d = 0; d < inst->n_dims; d++)
    {
      lowest += inst->dims[d].min;
      highest += inst->dims[d].max;
    }
  if (json_array_get_length (arr) == 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "bands", "must not be empty");
  rule->bands = g_array_new (FALSE, TRUE, sizeof (CompositeBand));
  mark = iop_json_push_member (&l->r, "bands");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *bo = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a band");
      const char *code = NULL;
      gint64 min = 0, max = 0;
      int expected = i == 0 ? lowest : g_array_index (rule->bands, CompositeBand, i - 1).max + 1;
      CompositeBand band = { 0 };

      if (bo == NULL || !iop_json_check_members (&l->r, bo, members) ||
          !iop_json_get_int (&l->r, bo, "min", TRUE, G_MININT32, G_MAXINT32, NULL, &min) ||
          !iop_json_get_int (&l->r, bo, "max", TRUE, G_MININT32, G_MAXINT32, NULL, &max) ||
          !iop_json_get_string (&l->r, bo, "level", TRUE, &code) ||
          !iop_pack_read_source_ref (&l->r, &l->placer->pack, bo, FALSE, &band.source))
        return FALSE;
      if (min > max)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "min is above max");
      if (min != expected)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "min",
                              "is %" G_GINT64_FORMAT " but must be %d (%s)", min, expected,
                              i == 0 ? "the lowest possible composite"
                                     : "one above the previous band's max; bands must not gap or overlap");
      if (max > highest)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "max",
                              "is above the highest possible composite %d", highest);
      band.rank = resolve_rank (l, inst, code, "level");
      if (band.rank < 0)
        return FALSE;
      band.min = (int) min;
      band.max = (int) max;
      if (band.source == NULL)
        band.source = rule->source;
      g_array_append_val (rule->bands, band);
      iop_json_pop (&l->r, m2);
    }
  if (g_array_index (rule->bands, CompositeBand, rule->bands->len - 1).max != highest)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                          "the last band must end at the highest possible composite %d", highest);
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_variant_map (Loader *l, JsonObject *obj, Instrument *inst, Rule *rule)
{
  gboolean failed;
  JsonObject *map = iop_json_get_object (&l->r, obj, "map", TRUE, &failed);
  JsonObjectIter iter;
  const char *from;
  JsonNode *to;
  gsize mark;

  if (map == NULL)
    return FALSE;
  rule->levels = g_new0 (const iop_level *, inst->ladder->len);
  mark = iop_json_push_member (&l->r, "map");
  json_object_iter_init (&iter, map);
  while (json_object_iter_next (&iter, &from, &to))
    {
      int rank;
      const iop_level *target;
      if (!JSON_NODE_HOLDS_VALUE (to) || json_node_get_value_type (to) != G_TYPE_STRING)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, from, "expected a level code");
      rank = resolve_rank (l, inst, from, from);
      if (rank < 0)
        return FALSE;
      target = resolve_level (l, inst, json_node_get_string (to), from);
      if (target == NULL)
        return FALSE;
      rule->levels[rank] = target;
    }
  iop_json_pop (&l->r, mark);
  return TRUE;
}

static gboolean
load_rule (Loader *l, JsonObject *obj, Instrument *inst, Rule *rule)
{
  static const char *const members[] = { "id", "type", "dimension", "dimensions", "level", "levels",
                                         "when", "map", "bands", "designation", "source", "text", NULL };
  const char *id = NULL, *text = NULL, *dim_id = NULL, *level = NULL, *designation = NULL;
  int kind = 0, d = -1;

  if (!iop_json_check_members (&l->r, obj, members) ||
      !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
      !iop_json_get_enum (&l->r, obj, "type", TRUE, rule_kinds, &kind) ||
      !iop_json_get_string (&l->r, obj, "text", TRUE, &text) ||
      !iop_pack_read_source_ref (&l->r, &l->placer->pack, obj, TRUE, &rule->source))
    return FALSE;
  for (guint i = 0; i < inst->rules->len; i++)
    if (strcmp (g_array_index (inst->rules, Rule, i).id, id) == 0)
      return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate rule \"%s\"", id);
  rule->id = intern (l, id);
  rule->text = intern (l, text);
  rule->kind = (RuleKind) kind;
  rule->cond = -1;

  /* Members each kind needs; members it does not use are refused, so nothing is ignored. */
  {
    static const struct { RuleKind kind; const char *allowed; } uses[] = {
      { R_TABLE, "dimension levels" }, { R_QUALIFY, "level dimensions" },
      { R_MINIMUM, "level when" }, { R_CAP, "level when" }, { R_OVERRIDE, "level when" },
      { R_VARIANT, "when map" }, { R_WITHDRAWAL, "dimension levels when" },
      { R_COMPOSITE, "bands" }, { R_DESIGNATION, "designation when" }, { R_AVAILABILITY, "" } };
    static const char *const specific[] = { "dimension", "dimensions", "level", "levels", "when",
                                            "map", "bands", "designation", NULL };
    for (int s = 0; specific[s] != NULL; s++)
      if (json_object_has_member (obj, specific[s]))
        {
          g_auto(GStrv) allowed = g_strsplit (uses[kind].allowed, " ", -1);
          if (!g_strv_contains ((const char *const *) allowed, specific[s]))
            return iop_json_fail (&l->r, IOP_ERROR_PARSE, specific[s], "is not used by a \"%s\" rule",
                                  rule_kinds[kind]);
        }
  }

  if (json_object_has_member (obj, "dimension"))
    {
      if (!iop_json_get_string (&l->r, obj, "dimension", TRUE, &dim_id))
        return FALSE;
      d = find_dimension (inst, dim_id);
      if (d < 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "dimension", "unknown dimension \"%s\"", dim_id);
      rule->dim = (guint) d;
    }

  switch (rule->kind)
    {
    case R_TABLE:
    case R_WITHDRAWAL:
      if (d < 0)
        return iop_json_fail (&l->r, IOP_ERROR_PARSE, "dimension", "required member is missing");
      if (!load_rating_levels (l, obj, inst, &inst->dims[d], rule->kind == R_WITHDRAWAL,
                               rule->kind == R_TABLE, rule))
        return FALSE;
      return rule->kind == R_TABLE || load_when (l, obj, inst, FALSE, rule);
    case R_QUALIFY:
      if (!iop_json_get_string (&l->r, obj, "level", TRUE, &level) ||
          !load_dimension_mask (l, obj, "dimensions", inst, FALSE, &rule->dims))
        return FALSE;
      rule->rank = resolve_rank (l, inst, level, "level");
      if (rule->rank == 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "level",
                              "the lowest level of the ladder needs no qualifying dimensions");
      return rule->rank > 0;
    case R_MINIMUM:
    case R_CAP:
    case R_OVERRIDE:
      if (!iop_json_get_string (&l->r, obj, "level", TRUE, &level))
        return FALSE;
      rule->rank = resolve_rank (l, inst, level, "level");
      return rule->rank >= 0 && load_when (l, obj, inst, TRUE, rule);
    case R_VARIANT:
      return load_when (l, obj, inst, TRUE, rule) && load_variant_map (l, obj, inst, rule);
    case R_COMPOSITE:
      if (inst->composite_rule >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "type", "an instrument has at most one composite-bands rule");
      return load_bands (l, obj, inst, rule);
    case R_DESIGNATION:
      if (!iop_json_get_string (&l->r, obj, "designation", TRUE, &designation))
        return FALSE;
      rule->designation = intern (l, designation);
      return load_when (l, obj, inst, FALSE, rule);
    case R_AVAILABILITY:
      if (inst->availability_rule >= 0)
        return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "type", "an instrument has at most one availability rule");
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
load_instrument (Loader *l, JsonObject *obj, Instrument *inst)
{
  static const char *const members[] = { "id", "name", "edition", "dimensions", "ladder", "rules",
                                         "source", NULL };
  static const char *const editions[] = { "asam3", "asam4", "locus", NULL };
  static const iop_edition edition_values[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
  const char *id = NULL, *name = NULL;
  int edition = 0;
  gboolean failed, has_base = FALSE;
  JsonArray *rules;
  gsize mark;

  if (!iop_json_check_members (&l->r, obj, members) ||
      !iop_json_get_string (&l->r, obj, "id", TRUE, &id) ||
      !iop_json_get_string (&l->r, obj, "name", TRUE, &name) ||
      !iop_json_get_enum (&l->r, obj, "edition", TRUE, editions, &edition) ||
      !iop_pack_read_source_ref (&l->r, &l->placer->pack, obj, TRUE, &inst->source))
    return FALSE;
  for (guint i = 0; i < l->placer->instruments->len - 1; i++)
    if (strcmp (((Instrument *) g_ptr_array_index (l->placer->instruments, i))->id, id) == 0)
      return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate instrument \"%s\"", id);
  inst->id = intern (l, id);
  inst->name = intern (l, name);
  inst->edition = edition_values[edition];
  if (!load_dimensions (l, obj, inst) || !load_ladder (l, obj, inst))
    return FALSE;

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
      ok = load_rule (l, ro, inst, &rule);
      g_array_append_val (inst->rules, rule); /* even on failure, so its buffers are freed */
      if (!ok)
        return FALSE;
      if (rule.kind == R_COMPOSITE)
        inst->composite_rule = (int) inst->rules->len - 1;
      if (rule.kind == R_AVAILABILITY)
        inst->availability_rule = (int) inst->rules->len - 1;
      has_base |= rule.kind == R_COMPOSITE || rule.kind == R_TABLE;
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  if (!has_base)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "rules",
                          "needs at least one dimension-table or composite-bands rule");
  for (int k = 0; k <= R_AVAILABILITY; k++)
    inst->by_kind[k] = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < inst->rules->len; i++)
    g_array_append_val (inst->by_kind[g_array_index (inst->rules, Rule, i).kind], i);
  return TRUE;
}

static iop_placer *
placer_load (iop_continuum *continuum, const char *json, gssize length, iop_error **error)
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
  l.placer = g_new0 (iop_placer, 1);
  g_atomic_ref_count_init (&l.placer->ref_count);
  iop_pack_header_init (&l.placer->pack);
  l.placer->continuum = continuum != NULL ? iop_continuum_ref (continuum) : iop_continuum_new_default ();
  l.placer->instruments = g_ptr_array_new_with_free_func (instrument_free);

  obj = iop_json_expect_object (&l.r, root, "a placement pack");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, PLACEMENT_FORMAT, PLACEMENT_FORMAT_VERSION, &l.placer->pack);
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
          Instrument *inst;
          if (io == NULL)
            {
              ok = FALSE;
              break;
            }
          inst = g_new0 (Instrument, 1);
          inst->ladder = g_ptr_array_new ();
          inst->rules = g_array_new (FALSE, TRUE, sizeof (Rule));
          inst->conds = g_array_new (FALSE, TRUE, sizeof (Cond));
          inst->children = g_array_new (FALSE, FALSE, sizeof (guint));
          inst->composite_rule = -1;
          inst->availability_rule = -1;
          g_ptr_array_add (l.placer->instruments, inst);
          ok = load_instrument (&l, io, inst);
          iop_json_pop (&l.r, m2);
        }
      iop_json_pop (&l.r, mark);
    }
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_placer_unref (l.placer);
      return NULL;
    }
  return l.placer;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
placer_load_cb (gpointer continuum, const char *text, gssize length, iop_error **error)
{
  return placer_load (continuum, text, length, error);
}

iop_placer *
iop_placer_new_from_json (iop_continuum *continuum, const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return placer_load (continuum, json, -1, error);
}

iop_placer *
iop_placer_new_from_file (iop_continuum *continuum, const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "placement pack", placer_load_cb, continuum, error);
}

iop_placer *
iop_placer_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "placement pack", placer_load_cb);
}

char *
iop_placer_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

const char *
iop_placer_get_id (const iop_placer *placer)
{
  g_return_val_if_fail (placer != NULL, NULL);
  return placer->pack.id;
}

const char *
iop_placer_get_version (const iop_placer *placer)
{
  g_return_val_if_fail (placer != NULL, NULL);
  return placer->pack.version;
}

iop_continuum *
iop_placer_get_continuum (const iop_placer *placer)
{
  g_return_val_if_fail (placer != NULL, NULL);
  return placer->continuum;
}

size_t
iop_placer_get_n_instruments (const iop_placer *placer)
{
  g_return_val_if_fail (placer != NULL, 0);
  return placer->instruments->len;
}

const char *
iop_placer_get_instrument_id (const iop_placer *placer, size_t index)
{
  g_return_val_if_fail (placer != NULL, NULL);
  if (index >= placer->instruments->len)
    return NULL;
  return ((Instrument *) g_ptr_array_index (placer->instruments, index))->id;
}

static const Instrument *
find_instrument (const iop_placer *placer, const char *id)
{
  for (guint i = 0; i < placer->instruments->len; i++)
    {
      const Instrument *inst = g_ptr_array_index (placer->instruments, i);
      if (strcmp (inst->id, id) == 0)
        return inst;
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Assessments                                                                                 */

static iop_assessment *
assessment_alloc (iop_placer *placer, const Instrument *inst)
{
  iop_assessment *a = g_new0 (iop_assessment, 1);
  a->placer = iop_placer_ref (placer);
  a->inst = inst;
  a->age = IOP_AGE_ADULT;
  a->available = g_ptr_array_new ();
  return a;
}

iop_assessment *
iop_assessment_new (iop_placer *placer, const char *instrument, iop_error **error)
{
  const Instrument *inst;

  g_return_val_if_fail (placer != NULL, NULL);
  g_return_val_if_fail (instrument != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  inst = find_instrument (placer, instrument);
  if (inst == NULL)
    {
      g_autoptr(GString) ids = g_string_new (NULL);
      for (guint i = 0; i < placer->instruments->len; i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "",
                                ((Instrument *) g_ptr_array_index (placer->instruments, i))->id);
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "unknown instrument \"%s\" (this pack has %s)",
                     instrument, ids->str);
      return NULL;
    }
  return assessment_alloc (placer, inst);
}

void
iop_assessment_free (iop_assessment *assessment)
{
  if (assessment == NULL)
    return;
  g_ptr_array_unref (assessment->available);
  g_free (assessment->credential);
  g_free (assessment->signed_date);
  iop_placer_unref (assessment->placer);
  g_free (assessment);
}

iop_assessment *
iop_assessment_copy (const iop_assessment *assessment)
{
  iop_assessment *copy;

  g_return_val_if_fail (assessment != NULL, NULL);
  copy = assessment_alloc (assessment->placer, assessment->inst);
  memcpy (copy->ratings, assessment->ratings, sizeof copy->ratings);
  copy->rated = assessment->rated;
  copy->age = assessment->age;
  copy->co_occurring = assessment->co_occurring;
  for (guint i = 0; i < assessment->available->len; i++)
    g_ptr_array_add (copy->available, g_ptr_array_index (assessment->available, i));
  copy->credential = g_strdup (assessment->credential);
  copy->signed_date = g_strdup (assessment->signed_date);
  return copy;
}

const char *
iop_assessment_get_instrument (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, NULL);
  return assessment->inst->id;
}

size_t
iop_assessment_get_n_dimensions (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, 0);
  return assessment->inst->n_dims;
}

const char *
iop_assessment_get_dimension_id (const iop_assessment *assessment, size_t index)
{
  g_return_val_if_fail (assessment != NULL, NULL);
  return index < assessment->inst->n_dims ? assessment->inst->dims[index].id : NULL;
}

const char *
iop_assessment_get_dimension_name (const iop_assessment *assessment, size_t index)
{
  g_return_val_if_fail (assessment != NULL, NULL);
  return index < assessment->inst->n_dims ? assessment->inst->dims[index].name : NULL;
}

/* Checks one rating; the message names the dimension and its range, never the rating. */
static gboolean
check_rating (const Instrument *inst, guint d, int rating, iop_error **error)
{
  if (rating < inst->dims[d].min || rating > inst->dims[d].max)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "%s dimension %s: the rating is outside %d..%d", inst->id, inst->dims[d].id,
                     inst->dims[d].min, inst->dims[d].max);
      return FALSE;
    }
  return TRUE;
}

bool
iop_assessment_set_rating (iop_assessment *assessment, const char *dimension, int rating,
                           iop_error **error)
{
  int d;

  g_return_val_if_fail (assessment != NULL, false);
  g_return_val_if_fail (dimension != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  d = find_dimension (assessment->inst, dimension);
  if (d < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "%s has no dimension \"%s\"",
                     assessment->inst->id, dimension);
      return false;
    }
  if (!check_rating (assessment->inst, (guint) d, rating, error))
    return false;
  assessment->ratings[d] = rating;
  assessment->rated |= 1u << d;
  return true;
}

bool
iop_assessment_set_ratings (iop_assessment *assessment, const int *ratings, size_t n_ratings,
                            iop_error **error)
{
  const Instrument *inst;

  g_return_val_if_fail (assessment != NULL, false);
  g_return_val_if_fail (ratings != NULL || n_ratings == 0, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  inst = assessment->inst;
  if (n_ratings != inst->n_dims)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "%s needs %u ratings (one per dimension), got %zu", inst->id, inst->n_dims, n_ratings);
      return false;
    }
  for (guint d = 0; d < inst->n_dims; d++)
    if (!check_rating (inst, d, ratings[d], error))
      return false;
  for (guint d = 0; d < inst->n_dims; d++)
    assessment->ratings[d] = ratings[d];
  assessment->rated = inst->n_dims == 32 ? G_MAXUINT32 : (1u << inst->n_dims) - 1;
  return true;
}

int
iop_assessment_get_rating (const iop_assessment *assessment, const char *dimension)
{
  int d;
  g_return_val_if_fail (assessment != NULL, -1);
  g_return_val_if_fail (dimension != NULL, -1);
  d = find_dimension (assessment->inst, dimension);
  return d >= 0 && (assessment->rated & (1u << d)) ? assessment->ratings[d] : -1;
}

bool
iop_assessment_is_complete (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, false);
  return assessment->rated == (1u << assessment->inst->n_dims) - 1;
}

void
iop_assessment_set_age_group (iop_assessment *assessment, iop_age_group age)
{
  g_return_if_fail (assessment != NULL);
  g_return_if_fail (age == IOP_AGE_ADULT || age == IOP_AGE_ADOLESCENT);
  assessment->age = age;
}

iop_age_group
iop_assessment_get_age_group (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, IOP_AGE_ADULT);
  return assessment->age;
}

void
iop_assessment_set_co_occurring (iop_assessment *assessment, bool co_occurring)
{
  g_return_if_fail (assessment != NULL);
  assessment->co_occurring = co_occurring;
}

bool
iop_assessment_get_co_occurring (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, false);
  return assessment->co_occurring;
}

bool
iop_assessment_add_available_level (iop_assessment *assessment, const char *code, iop_error **error)
{
  const iop_level *level;

  g_return_val_if_fail (assessment != NULL, false);
  g_return_val_if_fail (code != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  level = iop_continuum_lookup_level (assessment->placer->continuum, assessment->inst->edition, code);
  if (level == NULL)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "unknown %s level \"%s\"",
                     iop_edition_to_string (assessment->inst->edition), code);
      return false;
    }
  for (guint i = 0; i < assessment->available->len; i++)
    if (g_ptr_array_index (assessment->available, i) == level)
      return true;
  g_ptr_array_add (assessment->available, (gpointer) level);
  return true;
}

void
iop_assessment_clear_available_levels (iop_assessment *assessment)
{
  g_return_if_fail (assessment != NULL);
  g_ptr_array_set_size (assessment->available, 0);
}

size_t
iop_assessment_get_n_available_levels (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, 0);
  return assessment->available->len;
}

const char *
iop_assessment_get_available_level (const iop_assessment *assessment, size_t index)
{
  g_return_val_if_fail (assessment != NULL, NULL);
  if (index >= assessment->available->len)
    return NULL;
  return iop_level_get_code (g_ptr_array_index (assessment->available, index));
}

bool
iop_assessment_set_assessor (iop_assessment *assessment, const char *credential,
                             const char *signed_date, iop_error **error)
{
  g_return_val_if_fail (assessment != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (signed_date != NULL && !iop_date_parse (signed_date, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the signed date is not a calendar date in YYYY-MM-DD form");
      return false;
    }
  if (credential != NULL && *credential == '\0')
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the credential must not be empty");
      return false;
    }
  g_free (assessment->credential);
  g_free (assessment->signed_date);
  assessment->credential = g_strdup (credential);
  assessment->signed_date = g_strdup (signed_date);
  return true;
}

const char *
iop_assessment_get_assessor_credential (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, NULL);
  return assessment->credential;
}

const char *
iop_assessment_get_signed_date (const iop_assessment *assessment)
{
  g_return_val_if_fail (assessment != NULL, NULL);
  return assessment->signed_date;
}

char *
iop_assessment_to_json (const iop_assessment *assessment)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  const Instrument *inst;

  g_return_val_if_fail (assessment != NULL, NULL);
  inst = assessment->inst;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, ASSESSMENT_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, ASSESSMENT_FORMAT_VERSION);
  json_builder_set_member_name (b, "instrument");
  json_builder_add_string_value (b, inst->id);
  json_builder_set_member_name (b, "age_group");
  json_builder_add_string_value (b, iop_age_group_to_string (assessment->age));
  json_builder_set_member_name (b, "co_occurring");
  json_builder_add_boolean_value (b, assessment->co_occurring);
  json_builder_set_member_name (b, "ratings");
  json_builder_begin_object (b);
  for (guint d = 0; d < inst->n_dims; d++)
    if (assessment->rated & (1u << d))
      {
        json_builder_set_member_name (b, inst->dims[d].id);
        json_builder_add_int_value (b, assessment->ratings[d]);
      }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "available_levels");
  json_builder_begin_array (b);
  for (guint i = 0; i < assessment->available->len; i++)
    json_builder_add_string_value (b, iop_level_get_code (g_ptr_array_index (assessment->available, i)));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "assessor");
  if (assessment->credential != NULL || assessment->signed_date != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "credential");
      iop_json_add_string_or_null (b, assessment->credential);
      json_builder_set_member_name (b, "signed");
      iop_json_add_string_or_null (b, assessment->signed_date);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

iop_assessment *
iop_assessment_new_from_json (iop_placer *placer, const char *json, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "instrument", "age_group",
                                         "co_occurring", "ratings", "available_levels", "assessor", NULL };
  static const char *const assessor_members[] = { "credential", "signed", NULL };
  g_autoptr(JsonNode) root = NULL;
  IopJsonReader r;
  JsonObject *obj, *ratings = NULL;
  const char *format = NULL, *instrument = NULL;
  gint64 version = 0;
  int age = 0;
  gboolean ok, failed = FALSE, co = FALSE;
  const Instrument *inst = NULL;
  iop_assessment *a = NULL;

  g_return_val_if_fail (placer != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = iop_json_parse (json, -1, error);
  if (root == NULL)
    return NULL;
  /* An assessment is patient data: messages name members, never their values. */
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "an assessment");
  ok = obj != NULL && iop_json_check_members (&r, obj, members) &&
       iop_json_get_string (&r, obj, "format", TRUE, &format);
  if (ok && strcmp (format, ASSESSMENT_FORMAT) != 0)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format", "expected \"" ASSESSMENT_FORMAT "\"");
  ok = ok && iop_json_get_int (&r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version);
  if (ok && version != ASSESSMENT_FORMAT_VERSION)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format_version",
                        "this version is not supported (this libiop reads %d)", ASSESSMENT_FORMAT_VERSION);
  ok = ok && iop_json_get_string (&r, obj, "instrument", TRUE, &instrument) &&
       iop_json_get_enum (&r, obj, "age_group", FALSE, age_names, &age) &&
       iop_json_get_bool (&r, obj, "co_occurring", FALSE, &co);
  if (ok)
    {
      inst = find_instrument (placer, instrument);
      if (inst == NULL)
        ok = iop_json_fail (&r, IOP_ERROR_NOT_FOUND, "instrument", "unknown instrument \"%s\"", instrument);
    }
  if (ok)
    {
      a = assessment_alloc (placer, inst);
      a->age = (iop_age_group) (IOP_AGE_ADULT + age);
      a->co_occurring = co;
      ratings = iop_json_get_object (&r, obj, "ratings", TRUE, &failed);
      ok = ratings != NULL;
    }
  if (ok)
    {
      JsonObjectIter iter;
      const char *dim;
      JsonNode *node;
      gsize mark = iop_json_push_member (&r, "ratings");
      json_object_iter_init (&iter, ratings);
      while (ok && json_object_iter_next (&iter, &dim, &node))
        {
          int d = find_dimension (inst, dim);
          if (d < 0)
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, dim, "%s has no such dimension", inst->id);
          else if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
            ok = iop_json_fail (&r, IOP_ERROR_PARSE, dim, "expected an integer rating");
          else if (json_node_get_int (node) < inst->dims[d].min || json_node_get_int (node) > inst->dims[d].max)
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, dim, "the rating is outside %d..%d",
                                inst->dims[d].min, inst->dims[d].max);
          else
            {
              a->ratings[d] = (int) json_node_get_int (node);
              a->rated |= 1u << d;
            }
        }
      iop_json_pop (&r, mark);
    }
  if (ok && json_object_has_member (obj, "available_levels"))
    {
      JsonArray *arr = iop_json_get_array (&r, obj, "available_levels", TRUE, &failed);
      gsize mark = iop_json_push_member (&r, "available_levels");
      ok = arr != NULL;
      for (guint i = 0; ok && i < json_array_get_length (arr); i++)
        {
          JsonNode *node = json_array_get_element (arr, i);
          gsize m2 = iop_json_push_index (&r, i);
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            ok = iop_json_fail (&r, IOP_ERROR_PARSE, NULL, "expected a level code");
          else if (!iop_assessment_add_available_level (a, json_node_get_string (node), NULL))
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, NULL, "unknown %s level",
                                iop_edition_to_string (inst->edition));
          iop_json_pop (&r, m2);
        }
      iop_json_pop (&r, mark);
    }
  if (ok)
    {
      JsonNode *node = json_object_get_member (obj, "assessor");
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          JsonObject *ao = iop_json_get_object (&r, obj, "assessor", TRUE, &failed);
          const char *credential = NULL, *date = NULL;
          gsize mark = iop_json_push_member (&r, "assessor");
          JsonNode *cn, *dn;
          ok = ao != NULL && iop_json_check_members (&r, ao, assessor_members);
          cn = ok ? json_object_get_member (ao, "credential") : NULL;
          dn = ok ? json_object_get_member (ao, "signed") : NULL;
          if (ok && cn != NULL && !JSON_NODE_HOLDS_NULL (cn))
            ok = iop_json_get_string (&r, ao, "credential", TRUE, &credential);
          if (ok && dn != NULL && !JSON_NODE_HOLDS_NULL (dn))
            {
              ok = iop_json_get_string (&r, ao, "signed", TRUE, &date);
              if (ok && !iop_date_parse (date, NULL))
                ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "signed",
                                    "not a calendar date in YYYY-MM-DD form");
            }
          if (ok)
            {
              a->credential = g_strdup (credential);
              a->signed_date = g_strdup (date);
            }
          iop_json_pop (&r, mark);
        }
    }
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_assessment_free (a);
      return NULL;
    }
  return a;
}

/* ------------------------------------------------------------------------------------------ */
/* Evaluation                                                                                  */

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

static gboolean
eval_cond (const Instrument *inst, const iop_assessment *a, int index)
{
  const Cond *c;
  int v = 0;

  if (index < 0)
    return TRUE;
  c = &g_array_index (inst->conds, Cond, index);
  switch (c->kind)
    {
    case C_RATING:
      return compare (c->op, a->ratings[c->dim], c->value);
    case C_COUNT:
      for (guint d = 0; d < inst->n_dims; d++)
        if ((c->dims & (1u << d)) && a->ratings[d] >= c->at_least)
          v++;
      return compare (c->op, v, c->value);
    case C_SUM:
      for (guint d = 0; d < inst->n_dims; d++)
        if (c->dims & (1u << d))
          v += a->ratings[d];
      return compare (c->op, v, c->value);
    case C_CO_OCCURRING:
      return (a->co_occurring != 0) == (c->flag != 0);
    case C_AGE:
      return a->age == c->age;
    case C_ALL:
      for (guint i = 0; i < c->n; i++)
        if (!eval_cond (inst, a, (int) g_array_index (inst->children, guint, c->first + i)))
          return FALSE;
      return TRUE;
    case C_ANY:
      for (guint i = 0; i < c->n; i++)
        if (eval_cond (inst, a, (int) g_array_index (inst->children, guint, c->first + i)))
          return TRUE;
      return FALSE;
    case C_NOT:
      return !eval_cond (inst, a, (int) g_array_index (inst->children, guint, c->first));
    default:
      return FALSE;
    }
}

static void
add_reason (iop_recommendation *rec, ReasonCode code, const Rule *rule, int dim, int rating,
            const iop_level *level, const iop_level *from)
{
  Reason *r;
  if (G_UNLIKELY (rec->n_reasons == rec->reasons_cap))
    {
      rec->reasons_cap = MAX (16, rec->reasons_cap * 2);
      rec->reasons = g_renew (Reason, rec->reasons, rec->reasons_cap);
    }
  r = &rec->reasons[rec->n_reasons++];
  r->code = code;
  r->rule = rule;
  r->source = NULL;
  r->dim = dim;
  r->rating = rating;
  r->level = level;
  r->from = from;
}

static void
add_alternative (iop_recommendation *rec, const iop_level *level, const char *reason)
{
  for (guint i = 0; i < rec->n_alternatives; i++)
    if (rec->alternatives[i].level == level)
      return;
  if (G_UNLIKELY (rec->n_alternatives == rec->alternatives_cap))
    {
      rec->alternatives_cap = MAX (8, rec->alternatives_cap * 2);
      rec->alternatives = g_renew (Alternative, rec->alternatives, rec->alternatives_cap);
    }
  rec->alternatives[rec->n_alternatives].level = level;
  rec->alternatives[rec->n_alternatives].reason = reason;
  rec->n_alternatives++;
}

static void
recommendation_reset (iop_recommendation *rec)
{
  rec->inst = NULL;
  rec->level = rec->withdrawal = NULL;
  rec->designation = NULL;
  rec->composite = -1;
  rec->n_binding = 0;
  rec->n_reasons = 0;
  rec->n_alternatives = 0;
  if (rec->texts->len > 0)
    g_ptr_array_set_size (rec->texts, 0);
}

/* Levels are compared by edition and code, not by pointer: the assessment may have been made
 * with another placer, whose continuum is another (equal or user) instance. */
static gboolean
is_available (const iop_assessment *a, const iop_level *level)
{
  if (a->available->len == 0)
    return TRUE;
  for (guint i = 0; i < a->available->len; i++)
    {
      const iop_level *declared = g_ptr_array_index (a->available, i);
      if (declared == level ||
          (iop_level_get_edition (declared) == iop_level_get_edition (level) &&
           strcmp (iop_level_get_code (declared), iop_level_get_code (level)) == 0))
        return TRUE;
    }
  return FALSE;
}

bool
iop_placer_place_into (const iop_placer *placer, const iop_assessment *a,
                       iop_recommendation *rec, iop_error **error)
{
  const Instrument *inst;
  int dim_rank[MAX_DIMENSIONS];
  const Rule *dim_rule[MAX_DIMENSIONS];
  int rank = -1, table_rank;
  const Rule *variant = NULL;
  const iop_level *level;

  g_return_val_if_fail (placer != NULL, false);
  g_return_val_if_fail (a != NULL, false);
  g_return_val_if_fail (rec != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);

  recommendation_reset (rec);
  inst = a->placer == placer ? a->inst : find_instrument (placer, a->inst->id);
  if (inst == NULL || inst->n_dims != a->inst->n_dims)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "this placement pack has no instrument \"%s\" with the assessment's dimensions",
                     a->inst->id);
      return false;
    }
  for (guint d = 0; d < inst->n_dims; d++)
    {
      if (!(a->rated & (1u << d)))
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                         "%s dimension %s (%s) has no rating", inst->id, inst->dims[d].id, inst->dims[d].name);
          return false;
        }
      if (inst != a->inst && strcmp (inst->dims[d].id, a->inst->dims[d].id) != 0)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                         "the assessment's dimension %u does not match this pack's %s", d + 1, inst->id);
          return false;
        }
      /* An assessment made for another pack was checked against that pack's ranges only. */
      if (inst != a->inst && !check_rating (inst, d, a->ratings[d], error))
        return false;
    }
  if (rec->placer != placer)
    {
      iop_placer_unref (rec->placer);
      rec->placer = iop_placer_ref ((iop_placer *) placer);
    }
  rec->inst = inst;

  /* 1. Each dimension's minimum (dimension tables), and the composite band. */
  for (guint d = 0; d < inst->n_dims; d++)
    {
      dim_rank[d] = -1;
      dim_rule[d] = NULL;
    }
#define FOR_RULES(kind, r) \
  for (guint k_ = 0, n_ = inst->by_kind[kind]->len; k_ < n_; k_++) \
    for (const Rule *r = &g_array_index (inst->rules, Rule, g_array_index (inst->by_kind[kind], guint, k_)); r != NULL; r = NULL)
  FOR_RULES (R_TABLE, r)
    {
      int rr = r->ranks[a->ratings[r->dim] - inst->dims[r->dim].min];
      if (rr > dim_rank[r->dim])
        {
          dim_rank[r->dim] = rr;
          dim_rule[r->dim] = r;
        }
    }
  /* 2. Qualifying dimensions: the others may not reach the rule's level. */
  FOR_RULES (R_QUALIFY, r)
    {
      for (guint d = 0; d < inst->n_dims; d++)
        if (!(r->dims & (1u << d)) && dim_rank[d] >= r->rank)
          {
            /* {level} is the level the dimension may not reach; {from} what it asked for. */
            add_reason (rec, X_QUALIFYING, r, (int) d, a->ratings[d],
                        g_ptr_array_index (inst->ladder, r->rank),
                        g_ptr_array_index (inst->ladder, dim_rank[d]));
            add_alternative (rec, g_ptr_array_index (inst->ladder, dim_rank[d]), "capped");
            dim_rank[d] = r->rank - 1;
          }
    }
  /* 3. The most intensive minimum wins: the least intensive level that addresses every dimension. */
  for (guint d = 0; d < inst->n_dims; d++)
    rank = MAX (rank, dim_rank[d]);
  if (rank >= 0)
    {
      for (guint d = 0; d < inst->n_dims; d++)
        if (dim_rank[d] == rank)
          {
            rec->binding[rec->n_binding++] = d;
            add_reason (rec, X_DIMENSION_MINIMUM, dim_rule[d], (int) d, a->ratings[d],
                        g_ptr_array_index (inst->ladder, rank), NULL);
          }
      add_reason (rec, X_LEAST_INTENSIVE, NULL, -1, 0, g_ptr_array_index (inst->ladder, rank), NULL);
      if (rank > 0)
        add_alternative (rec, g_ptr_array_index (inst->ladder, rank - 1), "insufficient");
    }
  table_rank = rank;
  if (inst->composite_rule >= 0)
    {
      const Rule *r = &g_array_index (inst->rules, Rule, inst->composite_rule);
      int composite = 0;
      for (guint d = 0; d < inst->n_dims; d++)
        composite += a->ratings[d];
      rec->composite = composite;
      for (guint b = 0; b < r->bands->len; b++)
        {
          const CompositeBand *band = &g_array_index (r->bands, CompositeBand, b);
          if (composite >= band->min && composite <= band->max)
            {
              add_reason (rec, X_COMPOSITE, r, -1, composite, g_ptr_array_index (inst->ladder, band->rank), NULL);
              rec->reasons[rec->n_reasons - 1].source = band->source;
              if (band->rank > rank)
                {
                  if (band->rank > 0)
                    add_alternative (rec, g_ptr_array_index (inst->ladder, band->rank - 1), "insufficient");
                  rank = band->rank;
                }
              break;
            }
        }
    }

  /* 4. Minimum and cap rules, in pack order; 5. the first matching override. */
  for (guint i = 0; (inst->by_kind[R_MINIMUM]->len || inst->by_kind[R_CAP]->len) && i < inst->rules->len; i++)
    {
      const Rule *r = &g_array_index (inst->rules, Rule, i);
      if ((r->kind == R_MINIMUM && r->rank > rank) || (r->kind == R_CAP && r->rank < rank))
        if (eval_cond (inst, a, r->cond))
          {
            add_alternative (rec, g_ptr_array_index (inst->ladder, rank), r->kind == R_CAP ? "capped" : "insufficient");
            add_reason (rec, r->kind == R_CAP ? X_CAP : X_MINIMUM, r, -1, 0,
                        g_ptr_array_index (inst->ladder, r->rank), g_ptr_array_index (inst->ladder, rank));
            rank = r->rank;
          }
    }
  FOR_RULES (R_OVERRIDE, r)
    {
      if (eval_cond (inst, a, r->cond))
        {
          if (r->rank != rank)
            add_alternative (rec, g_ptr_array_index (inst->ladder, rank), "overridden");
          add_reason (rec, X_OVERRIDE, r, -1, 0, g_ptr_array_index (inst->ladder, r->rank),
                      g_ptr_array_index (inst->ladder, rank));
          rank = r->rank;
          goto overridden;
        }
    }
overridden:

  /* 6. The first matching variant (for example 4th edition medically managed levels). */
  FOR_RULES (R_VARIANT, r)
    if (variant == NULL && eval_cond (inst, a, r->cond))
      variant = r;
  level = g_ptr_array_index (inst->ladder, rank);
  if (variant != NULL && variant->levels[rank] != NULL)
    {
      add_alternative (rec, level, "replaced-by-variant");
      add_reason (rec, X_VARIANT, variant, -1, 0, variant->levels[rank], level);
      level = variant->levels[rank];
    }

  /* 7. Withdrawal management. */
  FOR_RULES (R_WITHDRAWAL, r)
    {
      const iop_level *wm = r->levels[a->ratings[r->dim] - inst->dims[r->dim].min];
      if (rec->withdrawal == NULL && wm != NULL && eval_cond (inst, a, r->cond))
        {
          rec->withdrawal = wm;
          add_reason (rec, X_WITHDRAWAL, r, (int) r->dim, a->ratings[r->dim], wm, NULL);
        }
    }

  /* 8. Availability: step up to the next more intensive available level. */
  if (!is_available (a, level))
    {
      const iop_level *indicated = level, *found = NULL;
      if (inst->availability_rule >= 0)
        for (guint up = (guint) rank + 1; up < inst->ladder->len && found == NULL; up++)
          {
            const iop_level *candidate = g_ptr_array_index (inst->ladder, up);
            if (variant != NULL && variant->levels[up] != NULL)
              candidate = variant->levels[up];
            if (is_available (a, candidate))
              found = candidate;
          }
      if (found != NULL)
        {
          add_alternative (rec, indicated, "unavailable");
          add_reason (rec, X_STEPPED_UP, &g_array_index (inst->rules, Rule, inst->availability_rule),
                      -1, 0, found, indicated);
          level = found;
        }
      else
        add_reason (rec, X_NO_AVAILABLE,
                    inst->availability_rule >= 0 ? &g_array_index (inst->rules, Rule, inst->availability_rule) : NULL,
                    -1, 0, indicated, NULL);
    }
  if (rec->withdrawal != NULL && !is_available (a, rec->withdrawal))
    {
      const iop_level *wm = rec->withdrawal;
      while (wm != NULL && !is_available (a, wm))
        wm = iop_level_get_step_up (wm);
      const Rule *rule = inst->availability_rule >= 0 ? &g_array_index (inst->rules, Rule, inst->availability_rule) : NULL;
      if (wm != NULL && rule != NULL)
        {
          add_alternative (rec, rec->withdrawal, "unavailable");
          add_reason (rec, X_STEPPED_UP, rule, -1, 0, wm, rec->withdrawal);
          rec->withdrawal = wm;
        }
      else
        add_reason (rec, X_NO_AVAILABLE, rule, -1, 0, rec->withdrawal, NULL);
    }

  /* 9. The first matching designation. */
  FOR_RULES (R_DESIGNATION, r)
    if (rec->designation == NULL && eval_cond (inst, a, r->cond))
      {
        rec->designation = r->designation;
        add_reason (rec, X_DESIGNATION, r, -1, 0, level, NULL);
      }
#undef FOR_RULES
  /* Binding dimensions are those whose rating set the level; when a composite band or a minimum,
   * cap or override rule set it instead, that rule binds and no dimension does. */
  if (rank != table_rank)
    rec->n_binding = 0;
  /* An alternative is a level considered and not chosen. */
  for (guint i = 0; i < rec->n_alternatives; i++)
    if (rec->alternatives[i].level == level || rec->alternatives[i].level == rec->withdrawal)
      {
        memmove (&rec->alternatives[i], &rec->alternatives[i + 1],
                 (rec->n_alternatives - i - 1) * sizeof (Alternative));
        rec->n_alternatives--;
        i--;
      }
  rec->level = level;
  return true;
}

iop_recommendation *
iop_placer_place (const iop_placer *placer, const iop_assessment *assessment, iop_error **error)
{
  iop_recommendation *rec = iop_recommendation_new ();

  if (!iop_placer_place_into (placer, assessment, rec, error))
    {
      iop_recommendation_free (rec);
      return NULL;
    }
  return rec;
}

/* ------------------------------------------------------------------------------------------ */
/* Recommendations                                                                             */

iop_recommendation *
iop_recommendation_new (void)
{
  iop_recommendation *rec = g_new0 (iop_recommendation, 1);
  rec->composite = -1;
  rec->texts = g_ptr_array_new_with_free_func (g_free);
  return rec;
}

void
iop_recommendation_free (iop_recommendation *rec)
{
  if (rec == NULL)
    return;
  g_free (rec->reasons);
  g_free (rec->alternatives);
  g_ptr_array_unref (rec->texts);
  iop_placer_unref (rec->placer);
  g_free (rec);
}

const iop_level *
iop_recommendation_get_level (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return rec->level;
}

const iop_level *
iop_recommendation_get_withdrawal_level (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return rec->withdrawal;
}

const char *
iop_recommendation_get_designation (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return rec->designation;
}

bool
iop_recommendation_has_composite (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, false);
  return rec->composite >= 0 && rec->inst != NULL && rec->inst->composite_rule >= 0;
}

int
iop_recommendation_get_composite (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, -1);
  return iop_recommendation_has_composite (rec) ? rec->composite : -1;
}

size_t
iop_recommendation_get_n_binding_dimensions (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, 0);
  return rec->n_binding;
}

const char *
iop_recommendation_get_binding_dimension (const iop_recommendation *rec, size_t index)
{
  g_return_val_if_fail (rec != NULL, NULL);
  if (index >= rec->n_binding)
    return NULL;
  return rec->inst->dims[rec->binding[index]].id;
}

size_t
iop_recommendation_get_n_reasons (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, 0);
  return rec->n_reasons;
}

static const Reason *
reason_at (const iop_recommendation *rec, size_t index)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return index < rec->n_reasons ? &rec->reasons[index] : NULL;
}

const char *
iop_recommendation_get_reason_code (const iop_recommendation *rec, size_t index)
{
  const Reason *r = reason_at (rec, index);
  return r ? reason_codes[r->code] : NULL;
}

const char *
iop_recommendation_get_reason_rule (const iop_recommendation *rec, size_t index)
{
  const Reason *r = reason_at (rec, index);
  if (r == NULL)
    return NULL;
  return r->rule != NULL ? r->rule->id : NULL;
}

const char *
iop_recommendation_get_reason_source (const iop_recommendation *rec, size_t index)
{
  const Reason *r = reason_at (rec, index);
  if (r == NULL)
    return NULL;
  if (r->source != NULL)
    return r->source;
  if (r->rule != NULL)
    return r->rule->source;
  return r->code == X_LEAST_INTENSIVE ? rec->inst->source : NULL;
}

const char *
iop_recommendation_get_reason_dimension (const iop_recommendation *rec, size_t index)
{
  const Reason *r = reason_at (rec, index);
  return r != NULL && r->dim >= 0 ? rec->inst->dims[r->dim].id : NULL;
}

/* Expands {dimension}, {rating}, {level}, {from} and {composite} in a rule's text. */
static char *
render_reason (const iop_recommendation *rec, const Reason *r)
{
  const char *template;
  GString *out;

  if (r->code == X_LEAST_INTENSIVE)
    template = "Level {level} is the least intensive level that addresses every dimension; "
               "the highest-risk dimension sets the minimum (ratings are not averaged)";
  else if (r->code == X_NO_AVAILABLE && r->rule == NULL)
    template = "Level {level} is not available locally; this pack has no availability rule, so the "
               "indicated level is kept";
  else if (r->code == X_NO_AVAILABLE)
    template = "Level {level} is not available locally and no more intensive available level "
               "was found: the indicated level is kept";
  else
    template = r->rule->text;
  out = g_string_sized_new (strlen (template) + 64);
  for (const char *p = template; *p != '\0'; p++)
    {
      const char *end;
      if (*p != '{' || (end = strchr (p, '}')) == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (strncmp (p, "{dimension}", 11) == 0 && r->dim >= 0)
        g_string_append_printf (out, "%s (%s)", rec->inst->dims[r->dim].id, rec->inst->dims[r->dim].name);
      else if (strncmp (p, "{rating}", 8) == 0)
        g_string_append_printf (out, "%d", r->rating);
      else if (strncmp (p, "{composite}", 11) == 0)
        g_string_append_printf (out, "%d", rec->composite);
      else if (strncmp (p, "{level}", 7) == 0 && r->level != NULL)
        g_string_append (out, iop_level_get_code (r->level));
      else if (strncmp (p, "{from}", 6) == 0 && r->from != NULL)
        g_string_append (out, iop_level_get_code (r->from));
      else
        g_string_append_len (out, p, end - p + 1);
      p = end;
    }
  return g_string_free (out, FALSE);
}

const char *
iop_recommendation_get_reason_text (const iop_recommendation *rec, size_t index)
{
  const Reason *r = reason_at (rec, index);
  GPtrArray *texts;

  if (r == NULL)
    return NULL;
  /* Rendered on first use and cached until the recommendation is reused or freed. The cache is
   * not part of the observable state, hence the cast. */
  texts = ((iop_recommendation *) rec)->texts;
  if (texts->len < rec->n_reasons)
    g_ptr_array_set_size (texts, (gint) rec->n_reasons);
  if (g_ptr_array_index (texts, index) == NULL)
    g_ptr_array_index (texts, index) = render_reason (rec, r);
  return g_ptr_array_index (texts, index);
}

size_t
iop_recommendation_get_n_alternatives (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, 0);
  return rec->n_alternatives;
}

const char *
iop_recommendation_get_alternative_code (const iop_recommendation *rec, size_t index)
{
  g_return_val_if_fail (rec != NULL, NULL);
  if (index >= rec->n_alternatives)
    return NULL;
  return iop_level_get_code (rec->alternatives[index].level);
}

const char *
iop_recommendation_get_alternative_reason (const iop_recommendation *rec, size_t index)
{
  g_return_val_if_fail (rec != NULL, NULL);
  if (index >= rec->n_alternatives)
    return NULL;
  return rec->alternatives[index].reason;
}

const char *
iop_recommendation_get_pack_id (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return rec->level != NULL ? rec->placer->pack.id : NULL;
}

const char *
iop_recommendation_get_pack_version (const iop_recommendation *rec)
{
  g_return_val_if_fail (rec != NULL, NULL);
  return rec->level != NULL ? rec->placer->pack.version : NULL;
}

char *
iop_recommendation_to_json (const iop_recommendation *rec)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (rec != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "level");
  iop_json_add_string_or_null (b, rec->level ? iop_level_get_code (rec->level) : NULL);
  json_builder_set_member_name (b, "edition");
  iop_json_add_string_or_null (b, rec->level ? iop_edition_to_string (iop_level_get_edition (rec->level)) : NULL);
  json_builder_set_member_name (b, "name");
  iop_json_add_string_or_null (b, rec->level ? iop_level_get_name (rec->level) : NULL);
  json_builder_set_member_name (b, "instrument");
  iop_json_add_string_or_null (b, rec->inst ? rec->inst->id : NULL);
  json_builder_set_member_name (b, "withdrawal_management");
  iop_json_add_string_or_null (b, rec->withdrawal ? iop_level_get_code (rec->withdrawal) : NULL);
  json_builder_set_member_name (b, "designation");
  iop_json_add_string_or_null (b, rec->designation);
  json_builder_set_member_name (b, "composite");
  if (iop_recommendation_has_composite (rec))
    json_builder_add_int_value (b, rec->composite);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "binding_dimensions");
  json_builder_begin_array (b);
  for (guint i = 0; i < rec->n_binding; i++)
    json_builder_add_string_value (b, iop_recommendation_get_binding_dimension (rec, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (guint i = 0; i < rec->n_reasons; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, iop_recommendation_get_reason_code (rec, i));
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, iop_recommendation_get_reason_text (rec, i));
      json_builder_set_member_name (b, "rule");
      iop_json_add_string_or_null (b, iop_recommendation_get_reason_rule (rec, i));
      json_builder_set_member_name (b, "source");
      iop_json_add_string_or_null (b, iop_recommendation_get_reason_source (rec, i));
      json_builder_set_member_name (b, "dimension");
      iop_json_add_string_or_null (b, iop_recommendation_get_reason_dimension (rec, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "alternatives");
  json_builder_begin_array (b);
  for (guint i = 0; i < rec->n_alternatives; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, iop_recommendation_get_alternative_code (rec, i));
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, iop_recommendation_get_alternative_reason (rec, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pack");
  if (rec->level != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, rec->placer->pack.id);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, rec->placer->pack.version);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}
