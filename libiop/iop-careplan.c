/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Continuing-care templates and plans: tapered contact, activities, relapse prevention,
 * contact log and escalation.
 */
#include "iop-careplan-private.h"
#include "iop-pack-private.h"

#include <string.h>

#define TEMPLATE_FORMAT "libiop-careplan-template"
#define TEMPLATE_FORMAT_VERSION 1
#define PLAN_FORMAT "libiop-careplan"
#define PLAN_FORMAT_VERSION 1
#define DEFAULT_PACK "careplan.json"
#define MAX_TEXT 500
#define MAX_TITLE 200
#define MAX_ID 64

typedef char Date[11];
typedef enum { UNIT_DAY, UNIT_WEEK, UNIT_MONTH } Unit;
typedef enum { ESC_MISSED, ESC_FLAG, ESC_RELAPSE } EscKind;

static const char *const unit_names[] = { "day", "week", "month", NULL };
static const char *const esc_kinds[] = { "consecutive-missed", "measure-flag", "relapse-report", NULL };
static const char *const actions[] = { "outreach", "earlier-booster", "reassessment", NULL };
static const char *const item_kinds[] = { "phone-check-in", "alumni-meeting", "booster-session", "support-group",
                                          "referral", "relapse-prevention-review", "other", NULL };
static const char *const contact_names[] = { "planned", "completed", "missed", "rescheduled", "cancelled", NULL };
static const char *const severity_names[] = { "none", "info", "warning", "urgent", NULL };
static const char *const rp_sections[] = { "triggers", "coping_strategies", "people_to_call", NULL };

typedef struct {
  int from, to, every;
  Unit unit;
  const char *source;
} Phase;

typedef struct {
  const char *id, *kind, *title;
  int minutes;
  GArray *phases; /* Phase */
} Series;

typedef struct {
  const char *id, *kind, *title, *resource, *source;
  int minutes, offset;
  gboolean in_months;
} OneOff;

typedef struct {
  const char *id, *action, *source, *text, *instrument;
  EscKind kind;
  int count, window;
  GPtrArray *flags; /* const char * */
} EscRule;

struct iop_careplan_template {
  gatomicrefcount ref_count;
  IopPackHeader pack;
  int duration;
  GPtrArray *series;     /* Series * */
  GArray *items;         /* OneOff */
  GPtrArray *escalation; /* EscRule * */
  IopReadinessParams readiness;
};

typedef struct {
  Date date;
  guint32 julian;
  const char *kind; /* static */
  char *title, *resource;
  int minutes;
  iop_contact_status status;
  gboolean relapse;
  const char *source; /* owned by the template, or NULL */
  guint seq;          /* generation order, for stable sorting */
} Item;

typedef struct {
  char *id;
  iop_severity severity;
} MeasureFlag;

typedef struct {
  Date date;
  guint32 julian;
  char *instrument;
  gboolean has_total;
  int total;
  GArray *flags; /* MeasureFlag */
} Measure;

struct iop_careplan {
  iop_careplan_template *tpl;
  char *client_id, *provider;
  Date start, end, appointment;
  GArray *items;    /* Item, ordered by date */
  GArray *measures; /* Measure, in the order recorded */
  GPtrArray *rp[3]; /* char *: triggers, coping strategies, people to call */
};

typedef struct {
  const char *rule, *action, *text, *source;
  Date date;
} Escalation;

struct iop_escalations {
  iop_careplan_template *tpl; /* the rules' texts and sources live in it */
  Date as_of;
  GArray *list;               /* Escalation */
};

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static int
name_index (const char *const *names, const char *text)
{
  for (int i = 0; text != NULL && names[i] != NULL; i++)
    if (strcmp (names[i], text) == 0)
      return i;
  return -1;
}

iop_contact_status
iop_contact_status_from_string (const char *text, iop_error **error)
{
  int i = name_index (contact_names, text);
  if (i < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "expected planned, completed, missed, rescheduled or cancelled");
      return (iop_contact_status) 0;
    }
  return (iop_contact_status) (i + 1);
}

const char *
iop_contact_status_to_string (iop_contact_status status)
{
  return status >= IOP_CONTACT_PLANNED && status <= IOP_CONTACT_CANCELLED ? contact_names[status - 1] : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Templates                                                                                   */

static void
series_free (gpointer data)
{
  Series *s = data;
  g_array_unref (s->phases);
  g_free (s);
}

static void
esc_free (gpointer data)
{
  EscRule *e = data;
  if (e->flags != NULL)
    g_ptr_array_unref (e->flags);
  g_free (e);
}

iop_careplan_template *
iop_careplan_template_ref (iop_careplan_template *tpl)
{
  g_return_val_if_fail (tpl != NULL, NULL);
  g_atomic_ref_count_inc (&tpl->ref_count);
  return tpl;
}

void
iop_careplan_template_unref (iop_careplan_template *tpl)
{
  if (tpl == NULL || !g_atomic_ref_count_dec (&tpl->ref_count))
    return;
  g_ptr_array_unref (tpl->series);
  g_array_unref (tpl->items);
  g_ptr_array_unref (tpl->escalation);
  iop_pack_header_clear (&tpl->pack);
  g_free (tpl);
}

typedef struct {
  IopJsonReader r;
  iop_careplan_template *t;
  GHashTable *ids; /* every series and item id, to refuse duplicates */
} Loader;

static gboolean
read_kind (Loader *l, JsonObject *obj, const char **out)
{
  int k = 0;
  if (!iop_json_get_enum (&l->r, obj, "kind", TRUE, item_kinds, &k))
    return FALSE;
  *out = item_kinds[k];
  return TRUE;
}

static gboolean
read_id (Loader *l, JsonObject *obj, const char **out)
{
  const char *id = NULL;
  if (!iop_json_get_string (&l->r, obj, "id", TRUE, &id))
    return FALSE;
  if (*id == '\0' || strlen (id) > MAX_ID)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "must be 1 to %d bytes", MAX_ID);
  if (g_hash_table_contains (l->ids, id))
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id", "duplicate identifier \"%s\"", id);
  *out = iop_pack_intern (&l->t->pack, id);
  g_hash_table_add (l->ids, (gpointer) *out);
  return TRUE;
}

static gboolean
read_minutes (Loader *l, JsonObject *obj, int *out)
{
  gint64 m = 0;
  gboolean present = FALSE;
  if (!iop_json_get_int (&l->r, obj, "minutes", FALSE, 1, 1440, &present, &m))
    return FALSE;
  *out = present ? (int) m : 0;
  return TRUE;
}

static gboolean
load_series (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "id", "kind", "title", "minutes", "phases", NULL };
  static const char *const phase_members[] = { "from_month", "to_month", "every", "unit", "source", NULL };
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr = iop_json_get_array (&l->r, root, "series", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "series");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *so = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a series");
      Series *s = g_new0 (Series, 1);
      JsonArray *phases = NULL;
      const char *title = NULL;

      s->phases = g_array_new (FALSE, TRUE, sizeof (Phase));
      g_ptr_array_add (l->t->series, s);
      ok = so != NULL && iop_json_check_members (&l->r, so, members) && read_id (l, so, &s->id) &&
           read_kind (l, so, &s->kind) && iop_json_get_string (&l->r, so, "title", TRUE, &title) &&
           read_minutes (l, so, &s->minutes);
      if (ok)
        {
          s->title = iop_pack_intern (&l->t->pack, title);
          phases = iop_json_get_array (&l->r, so, "phases", TRUE, &failed);
          ok = phases != NULL;
        }
      if (ok && json_array_get_length (phases) == 0)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "phases", "needs at least one phase");
      if (ok)
        {
          gsize m3 = iop_json_push_member (&l->r, "phases");
          for (guint k = 0; ok && k < json_array_get_length (phases); k++)
            {
              gsize m4 = iop_json_push_index (&l->r, k);
              JsonObject *po = iop_json_expect_object (&l->r, json_array_get_element (phases, k), "a phase");
              gint64 from = 0, to = 0, every = 0;
              int unit = 0;
              Phase p = { 0 };
              ok = po != NULL && iop_json_check_members (&l->r, po, phase_members) &&
                   iop_json_get_int (&l->r, po, "from_month", TRUE, 0, 600, NULL, &from) &&
                   iop_json_get_int (&l->r, po, "to_month", TRUE, 1, 600, NULL, &to) &&
                   iop_json_get_int (&l->r, po, "every", TRUE, 1, 365, NULL, &every) &&
                   iop_json_get_enum (&l->r, po, "unit", TRUE, unit_names, &unit) &&
                   iop_pack_read_source_ref (&l->r, &l->t->pack, po, TRUE, &p.source);
              if (ok && to <= from)
                ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "to_month", "must be after from_month");
              if (ok && to > l->t->duration)
                ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "to_month", "is past the plan's duration_months");
              if (ok && k > 0 && from < g_array_index (s->phases, Phase, k - 1).to)
                ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "from_month", "overlaps the previous phase");
              p.from = (int) from;
              p.to = (int) to;
              p.every = (int) every;
              p.unit = (Unit) unit;
              if (ok)
                g_array_append_val (s->phases, p);
              iop_json_pop (&l->r, m4);
            }
          iop_json_pop (&l->r, m3);
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_items (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "id", "kind", "title", "minutes", "resource", "offset_days",
                                         "offset_months", "source", NULL };
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr = iop_json_get_array (&l->r, root, "items", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "items");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *io = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "an item");
      OneOff o = { 0 };
      const char *title = NULL, *resource = NULL;
      gint64 days = 0, months = 0;
      gboolean has_days = FALSE, has_months = FALSE;

      ok = io != NULL && iop_json_check_members (&l->r, io, members) && read_id (l, io, &o.id) &&
           read_kind (l, io, &o.kind) && iop_json_get_string (&l->r, io, "title", TRUE, &title) &&
           read_minutes (l, io, &o.minutes) && iop_json_get_string (&l->r, io, "resource", FALSE, &resource) &&
           iop_json_get_int (&l->r, io, "offset_days", FALSE, 0, 3650, &has_days, &days) &&
           iop_json_get_int (&l->r, io, "offset_months", FALSE, 0, 600, &has_months, &months) &&
           iop_pack_read_source_ref (&l->r, &l->t->pack, io, TRUE, &o.source);
      if (ok && has_days == has_months)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "needs exactly one of offset_days and offset_months");
      if (ok && has_months && months > l->t->duration)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "offset_months", "is past the plan's duration_months");
      if (ok && (strcmp (o.kind, "referral") == 0) != (resource != NULL))
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "resource", "a referral, and only a referral, names a resource");
      if (ok)
        {
          o.title = iop_pack_intern (&l->t->pack, title);
          o.resource = iop_pack_intern (&l->t->pack, resource);
          o.in_months = has_months;
          o.offset = (int) (has_months ? months : days);
          g_array_append_val (l->t->items, o);
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
read_string_list (Loader *l, JsonObject *obj, const char *member, GPtrArray *out)
{
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr = iop_json_get_array (&l->r, obj, member, TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, member);
  if (json_array_get_length (arr) == 0)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "must not be empty");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (&l->r, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        ok = iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a string");
      else
        g_ptr_array_add (out, (gpointer) iop_pack_intern (&l->t->pack, json_node_get_string (n)));
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_escalation (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "id", "type", "count", "instrument", "flags", "window_days", "action",
                                         "source", "text", NULL };
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr = iop_json_get_array (&l->r, root, "escalation", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "escalation");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *eo = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "an escalation rule");
      EscRule *e = g_new0 (EscRule, 1);
      int kind = 0, action = 0;
      const char *text = NULL, *instrument = NULL;
      gint64 count = 0, window = 0;
      gboolean has_count = FALSE, has_window = FALSE;

      g_ptr_array_add (l->t->escalation, e);
      ok = eo != NULL && iop_json_check_members (&l->r, eo, members) && read_id (l, eo, &e->id) &&
           iop_json_get_enum (&l->r, eo, "type", TRUE, esc_kinds, &kind) &&
           iop_json_get_enum (&l->r, eo, "action", TRUE, actions, &action) &&
           iop_pack_read_source_ref (&l->r, &l->t->pack, eo, TRUE, &e->source) &&
           iop_json_get_string (&l->r, eo, "text", TRUE, &text) &&
           iop_json_get_int (&l->r, eo, "count", FALSE, 1, 100, &has_count, &count) &&
           iop_json_get_int (&l->r, eo, "window_days", FALSE, 1, 3650, &has_window, &window) &&
           iop_json_get_string (&l->r, eo, "instrument", FALSE, &instrument);
      e->kind = (EscKind) kind;
      if (ok && (e->kind == ESC_MISSED) != has_count)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "count", "a consecutive-missed rule, and only it, has a count");
      if (ok && (e->kind != ESC_MISSED) != has_window)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "window_days",
                            "measure-flag and relapse-report rules, and only they, have a window");
      if (ok && (e->kind == ESC_FLAG) != (instrument != NULL))
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "instrument", "a measure-flag rule, and only it, names an instrument");
      if (ok && (e->kind == ESC_FLAG) != json_object_has_member (eo, "flags"))
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "flags", "a measure-flag rule, and only it, lists flags");
      if (ok && e->kind == ESC_FLAG)
        {
          e->flags = g_ptr_array_new ();
          ok = read_string_list (l, eo, "flags", e->flags);
        }
      if (ok)
        {
          e->action = actions[action];
          e->text = iop_pack_intern (&l->t->pack, text);
          e->instrument = iop_pack_intern (&l->t->pack, instrument);
          e->count = (int) count;
          e->window = (int) window;
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_readiness (Loader *l, JsonObject *root)
{
  static const char *const members[] = { "stages_of_change", "first_appointment_within_days", "recent_measure_days",
                                         "source", "appointment_source", NULL };
  gboolean failed = FALSE, ok;
  JsonObject *ro = iop_json_get_object (&l->r, root, "readiness", TRUE, &failed);
  g_autoptr(GPtrArray) stages = g_ptr_array_new ();
  gint64 appt = 0, recent = 0;
  const char *appt_source = NULL;
  gsize mark;

  if (ro == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "readiness");
  ok = iop_json_check_members (&l->r, ro, members) && read_string_list (l, ro, "stages_of_change", stages) &&
       iop_json_get_int (&l->r, ro, "first_appointment_within_days", TRUE, 0, 365, NULL, &appt) &&
       iop_json_get_int (&l->r, ro, "recent_measure_days", TRUE, 1, 3650, NULL, &recent) &&
       iop_pack_read_source_ref (&l->r, &l->t->pack, ro, TRUE, &l->t->readiness.source) &&
       iop_json_get_string (&l->r, ro, "appointment_source", TRUE, &appt_source);
  if (ok && g_hash_table_lookup (l->t->pack.sources, appt_source) == NULL)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "appointment_source", "unknown source \"%s\"", appt_source);
  for (guint i = 0; ok && i < stages->len; i++)
    {
      iop_stage_of_change soc = iop_stage_of_change_from_string (g_ptr_array_index (stages, i), NULL);
      if (soc == IOP_STAGE_OF_CHANGE_UNKNOWN)
        {
          gsize m2 = iop_json_push_member (&l->r, "stages_of_change");
          iop_json_push_index (&l->r, i);
          ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL,
                              "expected precontemplation, contemplation, preparation, action, maintenance or relapse");
          iop_json_pop (&l->r, m2);
        }
      else
        l->t->readiness.stages_of_change_mask |= 1u << soc;
    }
  if (ok)
    {
      l->t->readiness.first_appointment_within_days = (int) appt;
      l->t->readiness.recent_measure_days = (int) recent;
      l->t->readiness.appointment_source = iop_pack_intern (&l->t->pack, appt_source);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static iop_careplan_template *
template_load (const char *json, gssize length, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "id", "version", "title", "sources",
                                         "duration_months", "series", "items", "escalation", "readiness", NULL };
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  Loader l = { 0 };
  JsonObject *obj;
  gint64 duration = 0;
  gboolean ok;

  if (root == NULL)
    return NULL;
  iop_json_reader_init (&l.r, error, TRUE);
  l.t = g_new0 (iop_careplan_template, 1);
  g_atomic_ref_count_init (&l.t->ref_count);
  iop_pack_header_init (&l.t->pack);
  l.t->series = g_ptr_array_new_with_free_func (series_free);
  l.t->items = g_array_new (FALSE, TRUE, sizeof (OneOff));
  l.t->escalation = g_ptr_array_new_with_free_func (esc_free);
  l.ids = g_hash_table_new (g_str_hash, g_str_equal);
  obj = iop_json_expect_object (&l.r, root, "a care-plan template");
  ok = obj != NULL && iop_json_check_members (&l.r, obj, members) &&
       iop_pack_read_header (&l.r, obj, TEMPLATE_FORMAT, TEMPLATE_FORMAT_VERSION, &l.t->pack) &&
       iop_json_get_int (&l.r, obj, "duration_months", TRUE, 1, 600, NULL, &duration);
  l.t->duration = (int) duration;
  ok = ok && load_series (&l, obj) && load_items (&l, obj) && load_escalation (&l, obj) && load_readiness (&l, obj);
  g_hash_table_unref (l.ids);
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_careplan_template_unref (l.t);
      return NULL;
    }
  return l.t;
}

/* The loader in the shape iop_pack_load_file() and iop_pack_load_builtin() take. */
static gpointer
template_load_cb (gpointer unused, const char *text, gssize length, iop_error **error)
{
  (void) unused;
  return template_load (text, length, error);
}

iop_careplan_template *
iop_careplan_template_new_from_json (const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return template_load (json, -1, error);
}

iop_careplan_template *
iop_careplan_template_new_from_file (const char *path, iop_error **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return iop_pack_load_file (path, "care-plan template", template_load_cb, NULL, error);
}

iop_careplan_template *
iop_careplan_template_new_default (void)
{
  return iop_pack_load_builtin (DEFAULT_PACK, "care-plan template", template_load_cb);
}

char *
iop_careplan_template_default_pack_json (void)
{
  return iop_pack_default_text (DEFAULT_PACK, NULL);
}

const char *
iop_careplan_template_get_id (const iop_careplan_template *tpl)
{
  g_return_val_if_fail (tpl != NULL, NULL);
  return tpl->pack.id;
}

int
iop_careplan_template_get_duration_months (const iop_careplan_template *tpl)
{
  g_return_val_if_fail (tpl != NULL, 0);
  return tpl->duration;
}

const IopReadinessParams *
iop_careplan_template_get_readiness (const iop_careplan_template *tpl)
{
  return &tpl->readiness;
}

/* ------------------------------------------------------------------------------------------ */
/* Plans                                                                                       */

static void
item_clear (gpointer data)
{
  Item *i = data;
  g_free (i->title);
  g_free (i->resource);
}

static void
measure_flag_clear (gpointer data)
{
  g_free (((MeasureFlag *) data)->id);
}

static void
measure_clear (gpointer data)
{
  Measure *m = data;
  g_free (m->instrument);
  g_array_unref (m->flags);
}

static iop_careplan *
plan_alloc (iop_careplan_template *tpl)
{
  iop_careplan *p = g_new0 (iop_careplan, 1);
  p->tpl = tpl != NULL ? iop_careplan_template_ref (tpl) : iop_careplan_template_new_default ();
  p->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (p->items, item_clear);
  p->measures = g_array_new (FALSE, TRUE, sizeof (Measure));
  g_array_set_clear_func (p->measures, measure_clear);
  for (int i = 0; i < 3; i++)
    p->rp[i] = g_ptr_array_new_with_free_func (g_free);
  return p;
}

void
iop_careplan_free (iop_careplan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->client_id);
  g_free (plan->provider);
  g_array_unref (plan->items);
  g_array_unref (plan->measures);
  for (int i = 0; i < 3; i++)
    g_ptr_array_unref (plan->rp[i]);
  iop_careplan_template_unref (plan->tpl);
  g_free (plan);
}

const iop_careplan_template *
iop_careplan_get_template (const iop_careplan *plan)
{
  return plan->tpl;
}

iop_careplan_template *
iop_careplan_ref_template (const iop_careplan *plan)
{
  return iop_careplan_template_ref (plan->tpl);
}

static gint
item_cmp (gconstpointer a, gconstpointer b)
{
  const Item *x = a, *y = b;
  if (x->julian != y->julian)
    return x->julian < y->julian ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

static void
push_item (iop_careplan *p, guint32 julian, const char *kind, const char *title, const char *resource, int minutes,
           const char *source, guint seq)
{
  Item it = { { 0 }, julian, kind, g_strdup (title), g_strdup (resource), minutes, IOP_CONTACT_PLANNED, FALSE, source, seq };
  iop_date_format (julian, it.date);
  g_array_append_val (p->items, it);
}

iop_careplan *
iop_careplan_new (iop_careplan_template *tpl, const iop_episode *episode, const char *start_date, iop_error **error)
{
  iop_careplan *p;
  guint32 start = 0;
  guint seq = 0;

  g_return_val_if_fail (episode != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!iop_check_date_arg (start_date, "start date", &start, error))
    return NULL;
  if (start < iop_date_julian (iop_episode_get_admission_date (episode)))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the start date is before the episode's admission");
      return NULL;
    }
  p = plan_alloc (tpl);
  p->client_id = g_strdup (iop_episode_get_client_id (episode));
  iop_date_format (start, p->start);
  iop_date_format (iop_date_add_months (start, p->tpl->duration), p->end);
  for (guint s = 0; s < p->tpl->series->len; s++)
    {
      const Series *series = g_ptr_array_index (p->tpl->series, s);
      for (guint k = 0; k < series->phases->len; k++)
        {
          const Phase *ph = &g_array_index (series->phases, Phase, k);
          guint32 phase_start = iop_date_add_months (start, ph->from), phase_end = iop_date_add_months (start, ph->to);
          if (ph->unit == UNIT_MONTH)
            {
              for (int m = ph->from + ph->every; m <= ph->to; m += ph->every)
                push_item (p, iop_date_add_months (start, m), series->kind, series->title, NULL, series->minutes, ph->source,
                           seq++);
            }
          else
            {
              guint32 step = (guint32) ph->every * (ph->unit == UNIT_WEEK ? 7 : 1);
              for (guint32 d = phase_start + step; d <= phase_end; d += step)
                push_item (p, d, series->kind, series->title, NULL, series->minutes, ph->source, seq++);
            }
        }
    }
  for (guint i = 0; i < p->tpl->items->len; i++)
    {
      const OneOff *o = &g_array_index (p->tpl->items, OneOff, i);
      guint32 d = o->in_months ? iop_date_add_months (start, o->offset) : start + (guint32) o->offset;
      push_item (p, d, o->kind, o->title, o->resource, o->minutes, o->source, seq++);
    }
  g_array_sort (p->items, item_cmp);
  return p;
}

const char *
iop_careplan_get_client_id (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->client_id;
}

const char *
iop_careplan_get_start_date (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->start;
}

const char *
iop_careplan_get_end_date (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->end;
}

bool
iop_careplan_set_receiving_provider (iop_careplan *plan, const char *provider, iop_error **error)
{
  g_return_val_if_fail (plan != NULL, false);
  if (provider != NULL && !iop_check_text_arg (provider, "receiving provider", MAX_TITLE, error))
    return false;
  g_free (plan->provider);
  plan->provider = g_strdup (provider);
  return true;
}

const char *
iop_careplan_get_receiving_provider (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->provider;
}

bool
iop_careplan_set_first_appointment (iop_careplan *plan, const char *date, iop_error **error)
{
  guint32 j = 0;
  g_return_val_if_fail (plan != NULL, false);
  if (date == NULL)
    {
      plan->appointment[0] = '\0';
      return true;
    }
  if (!iop_check_date_arg (date, "appointment date", &j, error))
    return false;
  if (j < iop_date_julian (plan->start))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the appointment is before the plan's start");
      return false;
    }
  g_strlcpy (plan->appointment, date, sizeof (Date));
  return true;
}

const char *
iop_careplan_get_first_appointment (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->appointment[0] != '\0' ? plan->appointment : NULL;
}

size_t
iop_careplan_get_n_items (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->items->len;
}

static const Item *
item_at (const iop_careplan *p, size_t index)
{
  return index < p->items->len ? &g_array_index (p->items, Item, index) : NULL;
}

const char *
iop_careplan_get_item_date (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return item_at (plan, index) ? item_at (plan, index)->date : NULL;
}

const char *
iop_careplan_get_item_kind (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return item_at (plan, index) ? item_at (plan, index)->kind : NULL;
}

const char *
iop_careplan_get_item_title (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return item_at (plan, index) ? item_at (plan, index)->title : NULL;
}

const char *
iop_careplan_get_item_resource (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return item_at (plan, index) ? item_at (plan, index)->resource : NULL;
}

int
iop_careplan_get_item_minutes (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, 0);
  return item_at (plan, index) ? item_at (plan, index)->minutes : 0;
}

iop_contact_status
iop_careplan_get_item_status (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, 0);
  return item_at (plan, index) ? item_at (plan, index)->status : (iop_contact_status) 0;
}

bool
iop_careplan_get_item_relapse (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, false);
  return item_at (plan, index) ? item_at (plan, index)->relapse : false;
}

const char *
iop_careplan_get_item_source (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return item_at (plan, index) ? item_at (plan, index)->source : NULL;
}

/* Inserts @it after every item on or before its date; returns its index. */
static guint
insert_item (iop_careplan *p, Item *it)
{
  guint pos = 0;
  while (pos < p->items->len && g_array_index (p->items, Item, pos).julian <= it->julian)
    pos++;
  g_array_insert_val (p->items, pos, *it);
  return pos;
}

static gboolean
check_item_date (const iop_careplan *p, const char *date, guint32 *julian, iop_error **error)
{
  if (!iop_check_date_arg (date, "item date", julian, error))
    return FALSE;
  if (*julian < iop_date_julian (p->start))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is before the plan's start");
      return FALSE;
    }
  return TRUE;
}

int
iop_careplan_add_item (iop_careplan *plan, const char *date, const char *kind, const char *title, int minutes,
                       iop_error **error)
{
  Item it;
  memset (&it, 0, sizeof it);
  int k;

  g_return_val_if_fail (plan != NULL, -1);
  if (!check_item_date (plan, date, &it.julian, error))
    return -1;
  k = name_index (item_kinds, kind);
  if (k < 0 || strcmp (item_kinds[k], "referral") == 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the kind must be phone-check-in, alumni-meeting, booster-session, support-group, "
                     "relapse-prevention-review or other");
      return -1;
    }
  if (!iop_check_text_arg (title, "title", MAX_TITLE, error))
    return -1;
  if (minutes < 0 || minutes > 1440)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "minutes must be 0 to 1440");
      return -1;
    }
  g_strlcpy (it.date, date, sizeof (Date));
  it.kind = item_kinds[k];
  it.title = g_strdup (title);
  it.minutes = minutes;
  it.status = IOP_CONTACT_PLANNED;
  return (int) insert_item (plan, &it);
}

int
iop_careplan_record_contact (iop_careplan *plan, size_t index, iop_contact_status status, const char *new_date,
                             bool relapse_reported, iop_error **error)
{
  Item *it;

  g_return_val_if_fail (plan != NULL, -1);
  if (index >= plan->items->len)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "the plan has no item %zu", index);
      return -1;
    }
  it = &g_array_index (plan->items, Item, index);
  if (status <= IOP_CONTACT_PLANNED || status > IOP_CONTACT_CANCELLED)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the status must be completed, missed, rescheduled or cancelled");
      return -1;
    }
  if (it->status == IOP_CONTACT_RESCHEDULED)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the item was rescheduled; record its new copy");
      return -1;
    }
  if ((status == IOP_CONTACT_RESCHEDULED) != (new_date != NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "a new date is given with, and only with, rescheduled");
      return -1;
    }
  if (status == IOP_CONTACT_RESCHEDULED)
    {
      Item copy = *it;
      if (!check_item_date (plan, new_date, &copy.julian, error))
        return -1;
      g_strlcpy (copy.date, new_date, sizeof (Date));
      copy.title = g_strdup (it->title);
      copy.resource = g_strdup (it->resource);
      copy.status = IOP_CONTACT_PLANNED;
      copy.relapse = FALSE;
      it->status = IOP_CONTACT_RESCHEDULED;
      it->relapse = relapse_reported;
      return (int) insert_item (plan, &copy);
    }
  it->status = status;
  it->relapse = relapse_reported;
  return (int) index;
}

bool
iop_careplan_record_measure (iop_careplan *plan, const char *date, const iop_score *score, iop_error **error)
{
  Measure m;
  memset (&m, 0, sizeof m);

  g_return_val_if_fail (plan != NULL, false);
  g_return_val_if_fail (score != NULL, false);
  if (!iop_check_date_arg (date, "measure date", &m.julian, error))
    return false;
  g_strlcpy (m.date, date, sizeof (Date));
  m.instrument = g_strdup (iop_instrument_get_id (iop_score_get_instrument (score)));
  m.has_total = iop_score_has_total (score);
  m.total = m.has_total ? iop_score_get_total (score) : 0;
  m.flags = g_array_new (FALSE, TRUE, sizeof (MeasureFlag));
  g_array_set_clear_func (m.flags, measure_flag_clear);
  for (size_t i = 0; i < iop_score_get_n_flags (score); i++)
    {
      MeasureFlag f = { g_strdup (iop_score_get_flag_id (score, i)), iop_score_get_flag_severity (score, i) };
      g_array_append_val (m.flags, f);
    }
  g_array_append_val (plan->measures, m);
  return true;
}

size_t
iop_careplan_get_n_measures (const iop_careplan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->measures->len;
}

static const Measure *
measure_at (const iop_careplan *p, size_t index)
{
  return index < p->measures->len ? &g_array_index (p->measures, Measure, index) : NULL;
}

const char *
iop_careplan_get_measure_instrument (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return measure_at (plan, index) ? measure_at (plan, index)->instrument : NULL;
}

const char *
iop_careplan_get_measure_date (const iop_careplan *plan, size_t index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return measure_at (plan, index) ? measure_at (plan, index)->date : NULL;
}

static gboolean
measure_has_flag (const Measure *m, const char *flag_id)
{
  for (guint i = 0; flag_id != NULL && i < m->flags->len; i++)
    if (strcmp (g_array_index (m->flags, MeasureFlag, i).id, flag_id) == 0)
      return TRUE;
  return FALSE;
}

bool
iop_careplan_measure_has_flag (const iop_careplan *plan, size_t index, const char *flag_id)
{
  g_return_val_if_fail (plan != NULL, false);
  return measure_at (plan, index) != NULL && measure_has_flag (measure_at (plan, index), flag_id);
}

iop_severity
iop_careplan_get_measure_severity (const iop_careplan *plan, size_t index)
{
  const Measure *m = measure_at (plan, index);
  iop_severity max = IOP_SEVERITY_NONE;
  for (guint i = 0; m != NULL && i < m->flags->len; i++)
    if (g_array_index (m->flags, MeasureFlag, i).severity > max)
      max = g_array_index (m->flags, MeasureFlag, i).severity;
  return max;
}

bool
iop_careplan_add_relapse_prevention (iop_careplan *plan, const char *section, const char *text, iop_error **error)
{
  int s;
  g_return_val_if_fail (plan != NULL, false);
  s = name_index (rp_sections, section);
  if (s < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the section must be triggers, coping_strategies or people_to_call");
      return false;
    }
  if (!iop_check_text_arg (text, "entry", MAX_TEXT, error))
    return false;
  g_ptr_array_add (plan->rp[s], g_strdup (text));
  return true;
}

size_t
iop_careplan_get_n_relapse_prevention (const iop_careplan *plan, const char *section)
{
  int s;
  g_return_val_if_fail (plan != NULL, 0);
  s = name_index (rp_sections, section);
  return s >= 0 ? plan->rp[s]->len : 0;
}

const char *
iop_careplan_get_relapse_prevention (const iop_careplan *plan, const char *section, size_t index)
{
  int s;
  g_return_val_if_fail (plan != NULL, NULL);
  s = name_index (rp_sections, section);
  return s >= 0 && index < plan->rp[s]->len ? g_ptr_array_index (plan->rp[s], index) : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Plan JSON                                                                                   */

char *
iop_careplan_to_json (const iop_careplan *plan)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (plan != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, PLAN_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, PLAN_FORMAT_VERSION);
  json_builder_set_member_name (b, "template");
  json_builder_add_string_value (b, plan->tpl->pack.id);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, plan->client_id);
  json_builder_set_member_name (b, "start_date");
  json_builder_add_string_value (b, plan->start);
  json_builder_set_member_name (b, "end_date");
  json_builder_add_string_value (b, plan->end);
  json_builder_set_member_name (b, "receiving_provider");
  iop_json_add_string_or_null (b, plan->provider);
  json_builder_set_member_name (b, "first_appointment");
  iop_json_add_string_or_null (b, iop_careplan_get_first_appointment (plan));
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->items->len; i++)
    {
      const Item *it = &g_array_index (plan->items, Item, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, it->date);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, it->kind);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, it->title);
      json_builder_set_member_name (b, "resource");
      iop_json_add_string_or_null (b, it->resource);
      json_builder_set_member_name (b, "minutes");
      if (it->minutes > 0)
        json_builder_add_int_value (b, it->minutes);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, iop_contact_status_to_string (it->status));
      json_builder_set_member_name (b, "relapse");
      json_builder_add_boolean_value (b, it->relapse);
      json_builder_set_member_name (b, "source");
      iop_json_add_string_or_null (b, it->source);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "relapse_prevention");
  json_builder_begin_object (b);
  for (int s = 0; s < 3; s++)
    {
      json_builder_set_member_name (b, rp_sections[s]);
      json_builder_begin_array (b);
      for (guint i = 0; i < plan->rp[s]->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (plan->rp[s], i));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "measures");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->measures->len; i++)
    {
      const Measure *m = &g_array_index (plan->measures, Measure, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, m->date);
      json_builder_set_member_name (b, "instrument");
      json_builder_add_string_value (b, m->instrument);
      json_builder_set_member_name (b, "total");
      if (m->has_total)
        json_builder_add_int_value (b, m->total);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "flags");
      json_builder_begin_array (b);
      for (guint k = 0; k < m->flags->len; k++)
        {
          const MeasureFlag *f = &g_array_index (m->flags, MeasureFlag, k);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, f->id);
          json_builder_set_member_name (b, "severity");
          json_builder_add_string_value (b, severity_names[f->severity]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

static gboolean
get_nullable_string (IopJsonReader *r, JsonObject *obj, const char *member, const char **out)
{
  JsonNode *n = json_object_get_member (obj, member);
  *out = NULL;
  if (n == NULL)
    return iop_json_fail (r, IOP_ERROR_PARSE, member, "is missing");
  if (JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  return iop_json_get_string (r, obj, member, TRUE, out);
}

static gboolean
read_plan_item (IopJsonReader *r, JsonObject *io, iop_careplan *p)
{
  static const char *const members[] = { "date", "kind", "title", "resource", "minutes", "status", "relapse",
                                         "source", NULL };
  const char *date = NULL, *title = NULL, *resource = NULL, *source = NULL;
  int kind = 0, status = 0;
  gint64 minutes = 0;
  gboolean present = FALSE, relapse = FALSE;
  JsonNode *mn;
  Item it;
  memset (&it, 0, sizeof it);
  iop_error *inner = NULL;

  if (!iop_json_check_members (r, io, members) || !iop_json_get_string (r, io, "date", TRUE, &date) ||
      !iop_json_get_enum (r, io, "kind", TRUE, item_kinds, &kind) ||
      !iop_json_get_string (r, io, "title", TRUE, &title) || !get_nullable_string (r, io, "resource", &resource) ||
      !iop_json_get_enum (r, io, "status", TRUE, contact_names, &status) ||
      !iop_json_get_bool (r, io, "relapse", TRUE, &relapse) || !get_nullable_string (r, io, "source", &source))
    return FALSE;
  mn = json_object_get_member (io, "minutes");
  if (mn == NULL)
    return iop_json_fail (r, IOP_ERROR_PARSE, "minutes", "is missing");
  if (!JSON_NODE_HOLDS_NULL (mn) && !iop_json_get_int (r, io, "minutes", TRUE, 1, 1440, &present, &minutes))
    return FALSE;
  if (!check_item_date (p, date, &it.julian, &inner))
    return iop_json_fail_from (r, "date", FALSE, &inner);
  if (!iop_check_text_arg (title, "title", MAX_TITLE, &inner))
    return iop_json_fail_from (r, "title", FALSE, &inner);
  if ((strcmp (item_kinds[kind], "referral") == 0) != (resource != NULL))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "resource", "a referral, and only a referral, names a resource");
  if (resource != NULL && !iop_check_text_arg (resource, "resource", MAX_ID, &inner))
    return iop_json_fail_from (r, "resource", FALSE, &inner);
  if (source != NULL)
    {
      gpointer key = NULL;
      if (!g_hash_table_lookup_extended (p->tpl->pack.sources, source, &key, NULL))
        return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "source", "not a source of the plan's template");
      it.source = key;
    }
  if (p->items->len > 0 && it.julian < g_array_index (p->items, Item, p->items->len - 1).julian)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "items must be in date order");
  g_strlcpy (it.date, date, sizeof (Date));
  it.kind = item_kinds[kind];
  it.title = g_strdup (title);
  it.resource = g_strdup (resource);
  it.minutes = (int) minutes;
  it.status = (iop_contact_status) (status + 1);
  it.relapse = relapse;
  g_array_append_val (p->items, it);
  return TRUE;
}

static gboolean
read_measure (IopJsonReader *r, JsonObject *mo, iop_careplan *p)
{
  static const char *const members[] = { "date", "instrument", "total", "flags", NULL };
  static const char *const flag_members[] = { "id", "severity", NULL };
  const char *date = NULL, *instrument = NULL;
  gint64 total = 0;
  gboolean failed = FALSE, ok = TRUE;
  JsonNode *tn;
  JsonArray *flags;
  Measure m;
  memset (&m, 0, sizeof m);
  gsize mark;

  if (!iop_json_check_members (r, mo, members) || !iop_json_get_string (r, mo, "date", TRUE, &date) ||
      !iop_json_get_string (r, mo, "instrument", TRUE, &instrument))
    return FALSE;
  if (!iop_date_parse (date, &m.julian))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "not a calendar date in YYYY-MM-DD form");
  if (*instrument == '\0' || strlen (instrument) > MAX_ID)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "instrument", "must be 1 to %d bytes", MAX_ID);
  tn = json_object_get_member (mo, "total");
  if (tn == NULL)
    return iop_json_fail (r, IOP_ERROR_PARSE, "total", "is missing");
  if (!JSON_NODE_HOLDS_NULL (tn) && !iop_json_get_int (r, mo, "total", TRUE, G_MININT32, G_MAXINT32, NULL, &total))
    return FALSE;
  flags = iop_json_get_array (r, mo, "flags", TRUE, &failed);
  if (flags == NULL)
    return FALSE;
  g_strlcpy (m.date, date, sizeof (Date));
  m.instrument = g_strdup (instrument);
  m.has_total = !JSON_NODE_HOLDS_NULL (tn);
  m.total = (int) total;
  m.flags = g_array_new (FALSE, TRUE, sizeof (MeasureFlag));
  g_array_set_clear_func (m.flags, measure_flag_clear);
  g_array_append_val (p->measures, m); /* owned by the plan from here on */
  mark = iop_json_push_member (r, "flags");
  for (guint i = 0; ok && i < json_array_get_length (flags); i++)
    {
      gsize m2 = iop_json_push_index (r, i);
      JsonObject *fo = iop_json_expect_object (r, json_array_get_element (flags, i), "a flag");
      const char *id = NULL;
      int severity = 0;
      ok = fo != NULL && iop_json_check_members (r, fo, flag_members) && iop_json_get_string (r, fo, "id", TRUE, &id) &&
           iop_json_get_enum (r, fo, "severity", TRUE, severity_names, &severity);
      if (ok && (*id == '\0' || strlen (id) > MAX_ID))
        ok = iop_json_fail (r, IOP_ERROR_INVALID_DATA, "id", "must be 1 to %d bytes", MAX_ID);
      if (ok)
        {
          MeasureFlag f = { g_strdup (id), (iop_severity) severity };
          g_array_append_val (g_array_index (p->measures, Measure, p->measures->len - 1).flags, f);
        }
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return ok;
}

typedef gboolean (*PlanItemReader) (IopJsonReader *r, JsonObject *item, iop_careplan *p);

static gboolean
read_array (IopJsonReader *r, JsonObject *obj, const char *member, const char *what, iop_careplan *p,
            PlanItemReader reader)
{
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr = iop_json_get_array (r, obj, member, TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (r, member);
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (r, i);
      JsonObject *o = iop_json_expect_object (r, json_array_get_element (arr, i), what);
      ok = o != NULL && reader (r, o, p);
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return ok;
}

static gboolean
read_relapse_prevention (IopJsonReader *r, JsonObject *obj, iop_careplan *p)
{
  gboolean failed = FALSE, ok;
  JsonObject *ro = iop_json_get_object (r, obj, "relapse_prevention", TRUE, &failed);
  gsize mark;

  if (ro == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "relapse_prevention");
  ok = iop_json_check_members (r, ro, rp_sections);
  for (int s = 0; ok && s < 3; s++)
    {
      JsonArray *arr = iop_json_get_array (r, ro, rp_sections[s], TRUE, &failed);
      gsize m2;
      if (arr == NULL)
        {
          ok = FALSE;
          break;
        }
      m2 = iop_json_push_member (r, rp_sections[s]);
      for (guint i = 0; ok && i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          gsize m3 = iop_json_push_index (r, i);
          iop_error *inner = NULL;
          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
            ok = iop_json_fail (r, IOP_ERROR_PARSE, NULL, "expected a string");
          else
            ok = iop_json_fail_from (r, NULL, iop_careplan_add_relapse_prevention (p, rp_sections[s], json_node_get_string (n), &inner),
                       &inner);
          iop_json_pop (r, m3);
        }
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return ok;
}

static gboolean
read_plan (IopJsonReader *r, JsonObject *obj, iop_careplan *p)
{
  static const char *const members[] = { "format", "format_version", "template", "client", "start_date", "end_date",
                                         "receiving_provider", "first_appointment", "items", "relapse_prevention",
                                         "measures", NULL };
  const char *format = NULL, *tpl = NULL, *client = NULL, *start = NULL, *end = NULL, *provider = NULL,
             *appointment = NULL;
  gint64 version = 0;
  guint32 sj = 0, ej = 0;
  iop_error *inner = NULL;
  size_t n;

  if (!iop_json_check_members (r, obj, members) || !iop_json_get_string (r, obj, "format", TRUE, &format))
    return FALSE;
  if (strcmp (format, PLAN_FORMAT) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format", "expected \"" PLAN_FORMAT "\"");
  if (!iop_json_get_int (r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version))
    return FALSE;
  if (version != PLAN_FORMAT_VERSION)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format_version",
                          "this version is not supported (this libiop reads %d)", PLAN_FORMAT_VERSION);
  if (!iop_json_get_string (r, obj, "template", TRUE, &tpl))
    return FALSE;
  if (strcmp (tpl, p->tpl->pack.id) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "template", "the plan was made from another template than \"%s\"",
                          p->tpl->pack.id);
  if (!iop_json_get_string (r, obj, "client", TRUE, &client) || !iop_json_get_string (r, obj, "start_date", TRUE, &start) ||
      !iop_json_get_string (r, obj, "end_date", TRUE, &end) ||
      !get_nullable_string (r, obj, "receiving_provider", &provider) ||
      !get_nullable_string (r, obj, "first_appointment", &appointment))
    return FALSE;
  n = strlen (client);
  if (n == 0 || n > MAX_ID)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "client", "must be 1 to %d bytes", MAX_ID);
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isgraph (client[i]))
      return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "client", "must be printable ASCII without spaces");
  if (!iop_date_parse (start, &sj))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "start_date", "not a calendar date in YYYY-MM-DD form");
  if (!iop_date_parse (end, &ej) || ej < sj)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "end_date", "not a calendar date on or after the start date");
  p->client_id = g_strdup (client);
  g_strlcpy (p->start, start, sizeof (Date));
  g_strlcpy (p->end, end, sizeof (Date));
  if (!iop_json_fail_from (r, "receiving_provider", iop_careplan_set_receiving_provider (p, provider, &inner), &inner) ||
      !iop_json_fail_from (r, "first_appointment", iop_careplan_set_first_appointment (p, appointment, &inner), &inner))
    return FALSE;
  return read_array (r, obj, "items", "an item", p, read_plan_item) && read_relapse_prevention (r, obj, p) &&
         read_array (r, obj, "measures", "a measure", p, read_measure);
}

static iop_careplan *
plan_load (iop_careplan_template *tpl, const char *json, gssize length, iop_error **error)
{
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  IopJsonReader r;
  JsonObject *obj;
  iop_careplan *p;
  gboolean ok;

  if (root == NULL)
    return NULL;
  p = plan_alloc (tpl);
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "a care plan");
  ok = obj != NULL && read_plan (&r, obj, p);
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_careplan_free (p);
      return NULL;
    }
  return p;
}

iop_careplan *
iop_careplan_new_from_json (iop_careplan_template *tpl, const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return plan_load (tpl, json, -1, error);
}

iop_careplan *
iop_careplan_new_from_file (iop_careplan_template *tpl, const char *path, iop_error **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  contents = iop_read_file (path, "care plan", &length, error);
  if (contents == NULL)
    return NULL;
  return plan_load (tpl, contents, (gssize) length, error);
}

iop_careplan *
iop_careplan_copy (const iop_careplan *plan)
{
  g_autofree char *text = NULL;
  iop_error *error = NULL;
  iop_careplan *copy;

  g_return_val_if_fail (plan != NULL, NULL);
  text = iop_careplan_to_json (plan);
  copy = plan_load (plan->tpl, text, -1, &error);
  if (copy == NULL)
    g_error ("libiop: a care plan did not read back its own JSON: %s", iop_error_get_message (error));
  return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* Escalation                                                                                  */

static gboolean
is_contact (const Item *it)
{
  return strcmp (it->kind, "referral") != 0 && strcmp (it->kind, "relapse-prevention-review") != 0 &&
         strcmp (it->kind, "other") != 0;
}

static void
add_escalation (iop_escalations *e, const EscRule *rule, guint32 date)
{
  Escalation x = { rule->id, rule->action, rule->text, rule->source, { 0 } };
  iop_date_format (date, x.date);
  g_array_append_val (e->list, x);
}

iop_escalations *
iop_careplan_escalate (const iop_careplan *plan, const char *as_of, iop_error **error)
{
  iop_escalations *e;
  guint32 on = 0;

  g_return_val_if_fail (plan != NULL, NULL);
  if (!iop_check_date_arg (as_of, "date", &on, error))
    return NULL;
  e = g_new0 (iop_escalations, 1);
  e->tpl = iop_careplan_template_ref (plan->tpl);
  g_strlcpy (e->as_of, as_of, sizeof (Date));
  e->list = g_array_new (FALSE, TRUE, sizeof (Escalation));
  for (guint r = 0; r < plan->tpl->escalation->len; r++)
    {
      const EscRule *rule = g_ptr_array_index (plan->tpl->escalation, r);
      guint32 latest = 0, window_start = on >= (guint32) rule->window ? on - (guint32) rule->window + 1 : 0;
      gboolean fired = FALSE;

      if (rule->kind == ESC_MISSED)
        {
          int run = 0, last_run = 0;
          guint32 last_miss = 0;
          for (guint i = 0; i < plan->items->len; i++)
            {
              const Item *it = &g_array_index (plan->items, Item, i);
              if (it->julian > on || !is_contact (it))
                continue;
              if (it->status == IOP_CONTACT_COMPLETED)
                run = 0;
              else if (it->status == IOP_CONTACT_MISSED)
                {
                  run++;
                  last_miss = it->julian;
                }
              last_run = run;
            }
          fired = last_run >= rule->count;
          latest = last_miss;
        }
      else if (rule->kind == ESC_FLAG)
        {
          for (guint i = 0; i < plan->measures->len; i++)
            {
              const Measure *m = &g_array_index (plan->measures, Measure, i);
              if (m->julian > on || m->julian < window_start || strcmp (m->instrument, rule->instrument) != 0)
                continue;
              for (guint k = 0; k < rule->flags->len; k++)
                if (measure_has_flag (m, g_ptr_array_index (rule->flags, k)))
                  {
                    fired = TRUE;
                    latest = MAX (latest, m->julian);
                  }
            }
        }
      else
        {
          for (guint i = 0; i < plan->items->len; i++)
            {
              const Item *it = &g_array_index (plan->items, Item, i);
              if (it->relapse && it->julian <= on && it->julian >= window_start)
                {
                  fired = TRUE;
                  latest = MAX (latest, it->julian);
                }
            }
        }
      if (fired)
        add_escalation (e, rule, latest);
    }
  return e;
}

void
iop_escalations_free (iop_escalations *escalations)
{
  if (escalations == NULL)
    return;
  g_array_unref (escalations->list);
  iop_careplan_template_unref (escalations->tpl);
  g_free (escalations);
}

size_t
iop_escalations_get_n (const iop_escalations *escalations)
{
  g_return_val_if_fail (escalations != NULL, 0);
  return escalations->list->len;
}

static const Escalation *
esc_at (const iop_escalations *e, size_t index)
{
  return index < e->list->len ? &g_array_index (e->list, Escalation, index) : NULL;
}

const char *
iop_escalations_get_rule (const iop_escalations *escalations, size_t index)
{
  g_return_val_if_fail (escalations != NULL, NULL);
  return esc_at (escalations, index) ? esc_at (escalations, index)->rule : NULL;
}

const char *
iop_escalations_get_action (const iop_escalations *escalations, size_t index)
{
  g_return_val_if_fail (escalations != NULL, NULL);
  return esc_at (escalations, index) ? esc_at (escalations, index)->action : NULL;
}

const char *
iop_escalations_get_date (const iop_escalations *escalations, size_t index)
{
  g_return_val_if_fail (escalations != NULL, NULL);
  return esc_at (escalations, index) ? esc_at (escalations, index)->date : NULL;
}

const char *
iop_escalations_get_text (const iop_escalations *escalations, size_t index)
{
  g_return_val_if_fail (escalations != NULL, NULL);
  return esc_at (escalations, index) ? esc_at (escalations, index)->text : NULL;
}

const char *
iop_escalations_get_source (const iop_escalations *escalations, size_t index)
{
  g_return_val_if_fail (escalations != NULL, NULL);
  return esc_at (escalations, index) ? esc_at (escalations, index)->source : NULL;
}

char *
iop_escalations_to_json (const iop_escalations *escalations)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (escalations != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "as_of");
  json_builder_add_string_value (b, escalations->as_of);
  json_builder_set_member_name (b, "escalations");
  json_builder_begin_array (b);
  for (guint i = 0; i < escalations->list->len; i++)
    {
      const Escalation *x = &g_array_index (escalations->list, Escalation, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, x->rule);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, x->action);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, x->date);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, x->text);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, x->source);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}
