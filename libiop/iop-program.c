/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Program packs: treatment stages, their criteria and transitions, engagement thresholds.
 */
#include "iop-pack-private.h"
#include "iop-program-private.h"

#include <string.h>

#define PROGRAM_FORMAT "libiop-program"
#define PROGRAM_FORMAT_VERSION 1
#define DEFAULT_PACK "program.json"

struct iop_program {
  gatomicrefcount ref_count;
  IopPackHeader pack;
  GPtrArray *stages; /* IopStage * */
  int outreach_misses;
  double dropout_below;
  const char *outreach_source, *dropout_source;
};

static const char *const exit_kinds[] = { "goals-met", "stage-of-change", "min-days", NULL };

static void
stage_free (gpointer data)
{
  IopStage *s = data;
  g_ptr_array_unref (s->entry);
  g_array_unref (s->exit);
  g_ptr_array_unref (s->next);
  g_free (s);
}

iop_program *
iop_program_ref (iop_program *program)
{
  g_return_val_if_fail (program != NULL, NULL);
  g_atomic_ref_count_inc (&program->ref_count);
  return program;
}

void
iop_program_unref (iop_program *program)
{
  if (program == NULL || !g_atomic_ref_count_dec (&program->ref_count))
    return;
  g_ptr_array_unref (program->stages);
  iop_pack_header_clear (&program->pack);
  g_free (program);
}

const IopStage *
iop_program_find_stage (const iop_program *program, const char *id)
{
  if (id == NULL)
    return NULL;
  for (guint i = 0; i < program->stages->len; i++)
    {
      const IopStage *s = g_ptr_array_index (program->stages, i);
      if (s->id != NULL && strcmp (s->id, id) == 0) /* NULL while the loader reads the stage */
        return s;
    }
  return NULL;
}

typedef struct {
  IopJsonReader r;
  iop_program *p;
} Loader;

static gboolean
load_strings (Loader *l, JsonObject *obj, const char *member, GPtrArray *out)
{
  gboolean failed = FALSE;
  JsonArray *arr = iop_json_get_array (&l->r, obj, member, TRUE, &failed);
  gboolean ok = arr != NULL;
  gsize mark;

  if (!ok)
    return FALSE;
  mark = iop_json_push_member (&l->r, member);
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (&l->r, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        ok = iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a string");
      else if (*json_node_get_string (n) == '\0')
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must not be empty");
      else
        g_ptr_array_add (out, (gpointer) iop_pack_intern (&l->p->pack, json_node_get_string (n)));
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_exit (Loader *l, JsonObject *obj, IopStage *stage)
{
  static const char *const members[] = { "id", "type", "text", "stages", "days", NULL };
  gboolean failed = FALSE;
  JsonArray *arr = iop_json_get_array (&l->r, obj, "exit_criteria", TRUE, &failed);
  gboolean ok = arr != NULL;
  gsize mark;

  if (!ok)
    return FALSE;
  mark = iop_json_push_member (&l->r, "exit_criteria");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *co = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "an exit criterion");
      IopExitCriterion c = { 0 };
      int kind = 0;
      const char *id = NULL, *text = NULL;
      gboolean has_stages = co != NULL && json_object_has_member (co, "stages");
      gboolean has_days = co != NULL && json_object_has_member (co, "days");

      ok = co != NULL && iop_json_check_members (&l->r, co, members) &&
           iop_json_get_string (&l->r, co, "id", TRUE, &id) &&
           iop_json_get_enum (&l->r, co, "type", TRUE, exit_kinds, &kind) &&
           iop_json_get_string (&l->r, co, "text", TRUE, &text);
      if (ok && *id == '\0')
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "must not be empty");
      for (guint k = 0; ok && k < stage->exit->len; k++)
        if (strcmp (g_array_index (stage->exit, IopExitCriterion, k).id, id) == 0)
          ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate exit criterion \"%s\"", id);
      c.kind = (IopExitKind) kind;
      if (ok && c.kind != IOP_EXIT_STAGE_OF_CHANGE && has_stages)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "stages", "only a stage-of-change criterion has stages");
      if (ok && c.kind != IOP_EXIT_MIN_DAYS && has_days)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "days", "only a min-days criterion has days");
      if (ok && c.kind == IOP_EXIT_STAGE_OF_CHANGE)
        {
          g_autoptr(GPtrArray) names = g_ptr_array_new ();
          ok = load_strings (l, co, "stages", names);
          if (ok && names->len == 0)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "stages", "must not be empty");
          for (guint k = 0; ok && k < names->len; k++)
            {
              iop_stage_of_change soc = iop_stage_of_change_from_string (g_ptr_array_index (names, k), NULL);
              if (soc == 0)
                {
                  gsize m3 = iop_json_push_member (&l->r, "stages");
                  iop_json_push_index (&l->r, k);
                  ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                                      "expected precontemplation, contemplation, preparation, action, maintenance or relapse");
                  iop_json_pop (&l->r, m3);
                }
              else
                c.stage_of_change_mask |= 1u << soc;
            }
        }
      if (ok && c.kind == IOP_EXIT_MIN_DAYS)
        {
          gint64 days = 0;
          ok = iop_json_get_int (&l->r, co, "days", TRUE, 1, 3650, NULL, &days);
          c.days = (int) days;
        }
      if (ok)
        {
          c.id = iop_pack_intern (&l->p->pack, id);
          c.text = iop_pack_intern (&l->p->pack, text);
          g_array_append_val (stage->exit, c);
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_stages (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "id", "name", "source", "entry_criteria", "exit_criteria", "next", NULL };
  gboolean failed = FALSE;
  JsonArray *arr = iop_json_get_array (&l->r, root, "stages", TRUE, &failed);
  gboolean ok = arr != NULL;
  gsize mark;

  if (!ok)
    return FALSE;
  mark = iop_json_push_member (&l->r, "stages");
  if (json_array_get_length (arr) == 0)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "needs at least one stage");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *so = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a stage");
      const char *id = NULL, *name = NULL;
      IopStage *stage = g_new0 (IopStage, 1);

      stage->entry = g_ptr_array_new ();
      stage->exit = g_array_new (FALSE, TRUE, sizeof (IopExitCriterion));
      stage->next = g_ptr_array_new ();
      g_ptr_array_add (l->p->stages, stage);
      ok = so != NULL && iop_json_check_members (&l->r, so, members) &&
           iop_json_get_string (&l->r, so, "id", TRUE, &id) &&
           iop_json_get_string (&l->r, so, "name", TRUE, &name) &&
           iop_pack_read_source_ref (&l->r, &l->p->pack, so, TRUE, &stage->source);
      if (ok && (*id == '\0' || strchr (id, ',') != NULL))
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "must be non-empty and without commas");
      if (ok && iop_program_find_stage (l->p, id) != NULL)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate stage \"%s\"", id);
      if (ok)
        {
          stage->id = iop_pack_intern (&l->p->pack, id);
          stage->name = iop_pack_intern (&l->p->pack, name);
        }
      ok = ok && load_strings (l, so, "entry_criteria", stage->entry) && load_exit (l, so, stage) &&
           load_strings (l, so, "next", stage->next);
      iop_json_pop (&l->r, m2);
    }
  /* Every "next" names a stage of the pack, once, and not the stage itself. */
  for (guint i = 0; ok && i < l->p->stages->len; i++)
    {
      const IopStage *s = g_ptr_array_index (l->p->stages, i);
      for (guint k = 0; ok && k < s->next->len; k++)
        {
          const char *to = g_ptr_array_index (s->next, k);
          gsize m2 = iop_json_push_index (&l->r, i);
          gsize m3 = iop_json_push_member (&l->r, "next");
          iop_json_push_index (&l->r, k);
          if (iop_program_find_stage (l->p, to) == NULL)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "unknown stage \"%s\"", to);
          else if (strcmp (to, s->id) == 0)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "a stage cannot move to itself");
          for (guint j = 0; ok && j < k; j++)
            if (strcmp (g_ptr_array_index (s->next, j), to) == 0)
              ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "stage \"%s\" is listed twice", to);
          iop_json_pop (&l->r, m3);
          iop_json_pop (&l->r, m2);
        }
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_engagement (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "consecutive_misses", "dropout_risk_below", "outreach_source",
                                         "dropout_source", NULL };
  gboolean failed = FALSE;
  JsonObject *eo = iop_json_get_object (&l->r, root, "engagement", TRUE, &failed);
  gint64 misses = 0;
  double below = 0;
  gboolean ok;
  gsize mark;

  if (eo == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "engagement");
  ok = iop_json_check_members (&l->r, eo, members) &&
       iop_json_get_int (&l->r, eo, "consecutive_misses", TRUE, 1, 100, NULL, &misses) &&
       iop_json_get_number (&l->r, eo, "dropout_risk_below", TRUE, FALSE, NULL, &below);
  if (ok && (below < 0 || below > 1))
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "dropout_risk_below", "must be a fraction from 0 to 1");
  if (ok)
    {
      const char *saved = NULL;
      /* iop_pack_read_source_ref reads "source"; these members carry other names. */
      const char *names[] = { "outreach_source", "dropout_source" };
      const char **outs[] = { &l->p->outreach_source, &l->p->dropout_source };
      for (int k = 0; ok && k < 2; k++)
        {
          ok = iop_json_get_string (&l->r, eo, names[k], TRUE, &saved);
          if (ok && g_hash_table_lookup (l->p->pack.sources, saved) == NULL)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, names[k], "unknown source \"%s\"", saved);
          if (ok)
            *outs[k] = iop_pack_intern (&l->p->pack, saved);
        }
    }
  l->p->outreach_misses = (int) misses;
  l->p->dropout_below = below;
  iop_json_pop (&l->r, mark);
  return ok;
}

static iop_program *
program_load (const char *json, gssize length, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "id", "version", "title", "sources",
                                         "stages", "engagement", NULL };
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  Loader l = { 0 };
  JsonObject *obj;
  gboolean ok;

  if (root == NULL)
    return NULL;
  iop_json_reader_init (&l.r, error, TRUE);
  l.p = g_new0 (iop_program, 1);
  g_atomic_ref_count_init (&l.p->ref_count);
  iop_pack_header_init (&l.p->pack);
  l.p->stages = g_ptr_array_new_with_free_func (stage_free);
  obj = iop_json_expect_object (&l.r, root, "a program pack");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, PROGRAM_FORMAT, PROGRAM_FORMAT_VERSION, &l.p->pack) &&
       load_stages (&l, obj) && load_engagement (&l, obj);
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_program_unref (l.p);
      return NULL;
    }
  return l.p;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
program_load_cb (gpointer unused, const char *text, gssize length, iop_error **error)
{
  (void) unused;
  return program_load (text, length, error);
}

iop_program *
iop_program_new_from_json (const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return program_load (json, -1, error);
}

iop_program *
iop_program_new_from_file (const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "program pack", program_load_cb, NULL, error);
}

iop_program *
iop_program_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "program pack", program_load_cb);
}

char *
iop_program_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

const char *
iop_program_get_id (const iop_program *program)
{
  g_return_val_if_fail (program != NULL, NULL);
  return program->pack.id;
}

size_t
iop_program_get_n_stages (const iop_program *program)
{
  g_return_val_if_fail (program != NULL, 0);
  return program->stages->len;
}

const char *
iop_program_get_stage_id (const iop_program *program, size_t index)
{
  g_return_val_if_fail (program != NULL, NULL);
  return index < program->stages->len ? ((const IopStage *) g_ptr_array_index (program->stages, index))->id : NULL;
}

bool
iop_program_has_stage (const iop_program *program, const char *stage)
{
  g_return_val_if_fail (program != NULL, false);
  return iop_program_find_stage (program, stage) != NULL;
}

const char *
iop_program_get_stage_name (const iop_program *program, const char *stage)
{
  const IopStage *s;
  g_return_val_if_fail (program != NULL, NULL);
  s = iop_program_find_stage (program, stage);
  return s != NULL ? s->name : NULL;
}

size_t
iop_program_get_n_entry_criteria (const iop_program *program, const char *stage)
{
  const IopStage *s;
  g_return_val_if_fail (program != NULL, 0);
  s = iop_program_find_stage (program, stage);
  return s != NULL ? s->entry->len : 0;
}

const char *
iop_program_get_entry_criterion (const iop_program *program, const char *stage, size_t index)
{
  const IopStage *s;
  g_return_val_if_fail (program != NULL, NULL);
  s = iop_program_find_stage (program, stage);
  return s != NULL && index < s->entry->len ? g_ptr_array_index (s->entry, index) : NULL;
}

size_t
iop_program_get_n_exit_criteria (const iop_program *program, const char *stage)
{
  const IopStage *s;
  g_return_val_if_fail (program != NULL, 0);
  s = iop_program_find_stage (program, stage);
  return s != NULL ? s->exit->len : 0;
}

static const IopExitCriterion *
exit_at (const iop_program *program, const char *stage, size_t index)
{
  const IopStage *s = iop_program_find_stage (program, stage);
  return s != NULL && index < s->exit->len ? &g_array_index (s->exit, IopExitCriterion, index) : NULL;
}

const char *
iop_program_get_exit_criterion_id (const iop_program *program, const char *stage, size_t index)
{
  const IopExitCriterion *c;
  g_return_val_if_fail (program != NULL, NULL);
  c = exit_at (program, stage, index);
  return c != NULL ? c->id : NULL;
}

const char *
iop_program_get_exit_criterion_text (const iop_program *program, const char *stage, size_t index)
{
  const IopExitCriterion *c;
  g_return_val_if_fail (program != NULL, NULL);
  c = exit_at (program, stage, index);
  return c != NULL ? c->text : NULL;
}

bool
iop_program_allows_transition (const iop_program *program, const char *from, const char *to)
{
  const IopStage *s;
  g_return_val_if_fail (program != NULL, false);
  s = iop_program_find_stage (program, from);
  if (s == NULL || to == NULL)
    return false;
  for (guint i = 0; i < s->next->len; i++)
    if (strcmp (g_ptr_array_index (s->next, i), to) == 0)
      return true;
  return false;
}

int
iop_program_get_outreach_misses (const iop_program *program)
{
  g_return_val_if_fail (program != NULL, 0);
  return program->outreach_misses;
}

double
iop_program_get_dropout_threshold (const iop_program *program)
{
  g_return_val_if_fail (program != NULL, 0);
  return program->dropout_below;
}

const char *
iop_program_get_outreach_source (const iop_program *program)
{
  return program->outreach_source;
}

const char *
iop_program_get_dropout_source (const iop_program *program)
{
  return program->dropout_source;
}
