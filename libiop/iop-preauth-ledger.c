/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * The authorization ledger: approved units and periods, units used, status history, reminders
 * and the CMS-0057-F public metrics.
 */
#include "iop-preauth-private.h"

#include <string.h>

#define LEDGER_FORMAT "libiop-auth-ledger"
#define LEDGER_FORMAT_VERSION 1

static const char *const statuses[] = { "submitted", "pended", "approved", "denied", "modified", "appealed",
                                        "expired", NULL };
enum { ST_SUBMITTED, ST_PENDED, ST_APPROVED, ST_DENIED, ST_MODIFIED, ST_APPEALED, ST_EXPIRED };

typedef struct {
  guint32 date;
  int units;
} Use;

typedef struct {
  int status;
  const char *at;  /* as given (in @strings) */
  gint64 instant;  /* Unix seconds */
  gboolean expedited;
} Status;

typedef struct {
  const char *id, *payer, *service;
  int units;
  guint32 start, end;
  GArray *usage;   /* Use */
  GArray *history; /* Status */
} Auth;

struct iop_preauth_ledger {
  GStringChunk *strings;
  GPtrArray *auths; /* Auth * */
};

static void
auth_free (gpointer data)
{
  Auth *a = data;
  g_array_unref (a->usage);
  g_array_unref (a->history);
  g_free (a);
}

iop_preauth_ledger *
iop_preauth_ledger_new (void)
{
  iop_preauth_ledger *l = g_new0 (iop_preauth_ledger, 1);
  l->strings = g_string_chunk_new (256);
  l->auths = g_ptr_array_new_with_free_func (auth_free);
  return l;
}

void
iop_preauth_ledger_free (iop_preauth_ledger *ledger)
{
  if (ledger == NULL)
    return;
  g_ptr_array_unref (ledger->auths);
  g_string_chunk_free (ledger->strings);
  g_free (ledger);
}

static Auth *
find (const iop_preauth_ledger *ledger, const char *id)
{
  for (guint i = 0; i < ledger->auths->len; i++)
    if (strcmp (((Auth *) g_ptr_array_index (ledger->auths, i))->id, id) == 0)
      return g_ptr_array_index (ledger->auths, i);
  return NULL;
}

static Auth *
find_or_fail (const iop_preauth_ledger *ledger, const char *id, iop_error **error)
{
  Auth *a = find (ledger, id);
  if (a == NULL)
    iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "unknown authorization");
  return a;
}

static Auth *
auth_new (iop_preauth_ledger *ledger, const char *id, const char *payer, const char *service, int units,
          guint32 start, guint32 end)
{
  Auth *a = g_new0 (Auth, 1);
  a->id = g_string_chunk_insert_const (ledger->strings, id);
  a->payer = g_string_chunk_insert_const (ledger->strings, payer);
  a->service = g_string_chunk_insert_const (ledger->strings, service);
  a->units = units;
  a->start = start;
  a->end = end;
  a->usage = g_array_new (FALSE, FALSE, sizeof (Use));
  a->history = g_array_new (FALSE, FALSE, sizeof (Status));
  g_ptr_array_add (ledger->auths, a);
  return a;
}

bool
iop_preauth_ledger_add_authorization (iop_preauth_ledger *ledger, const char *id, const char *payer,
                                      const char *service, int units, const char *start, const char *end,
                                      iop_error **error)
{
  guint32 s = 0, e = 0;

  g_return_val_if_fail (ledger != NULL, false);
  g_return_val_if_fail (id != NULL && payer != NULL && service != NULL, false);
  g_return_val_if_fail (start != NULL && end != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (*id == '\0' || *payer == '\0' || *service == '\0')
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the id, payer and service must not be empty");
      return false;
    }
  if (find (ledger, id) != NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "an authorization with this id is already in the ledger");
      return false;
    }
  if (units < 1)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the approved units must be at least 1");
      return false;
    }
  if (!iop_date_parse (start, &s) || !iop_date_parse (end, &e))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the period dates are not calendar dates in YYYY-MM-DD form");
      return false;
    }
  if (e < s)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the period ends before it starts");
      return false;
    }
  auth_new (ledger, id, payer, service, units, s, e);
  return true;
}

bool
iop_preauth_ledger_record_use (iop_preauth_ledger *ledger, const char *id, const char *date, int units,
                               iop_error **error)
{
  Use use = { 0, units };
  Auth *a;

  g_return_val_if_fail (ledger != NULL, false);
  g_return_val_if_fail (id != NULL && date != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if ((a = find_or_fail (ledger, id, error)) == NULL)
    return false;
  if (units < 1 || !iop_date_parse (date, &use.date))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     units < 1 ? "the units must be at least 1" : "the date is not a calendar date in YYYY-MM-DD form");
      return false;
    }
  g_array_append_val (a->usage, use);
  return true;
}

int
iop_preauth_ledger_record_attendance (iop_preauth_ledger *ledger, const char *id, const iop_episode *episode,
                                      const char *as_of, iop_error **error)
{
  guint32 last = G_MAXUINT32;
  int added = 0;
  Auth *a;

  g_return_val_if_fail (ledger != NULL, -1);
  g_return_val_if_fail (id != NULL && episode != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);
  if ((a = find_or_fail (ledger, id, error)) == NULL)
    return -1;
  if (as_of != NULL && !iop_date_parse (as_of, &last))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is not a calendar date in YYYY-MM-DD form");
      return -1;
    }
  for (size_t i = 0; i < iop_episode_get_n_attendance (episode); i++)
    {
      guint32 day = 0;
      gboolean recorded = FALSE;
      if (iop_episode_get_attendance_status (episode, i) != IOP_ATTENDANCE_ATTENDED ||
          !iop_date_parse (iop_episode_get_attendance_date (episode, i), &day) || day < a->start || day > a->end ||
          day > last)
        continue;
      for (guint k = 0; !recorded && k < a->usage->len; k++)
        recorded = g_array_index (a->usage, Use, k).date == day;
      if (!recorded)
        {
          Use use = { day, 1 };
          g_array_append_val (a->usage, use);
          added++;
        }
    }
  return added;
}

bool
iop_preauth_ledger_add_status (iop_preauth_ledger *ledger, const char *id, const char *status, const char *at,
                               bool expedited, iop_error **error)
{
  Status st = { -1, NULL, 0, expedited };
  int offset = 0;
  Auth *a;

  g_return_val_if_fail (ledger != NULL, false);
  g_return_val_if_fail (id != NULL && status != NULL && at != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if ((a = find_or_fail (ledger, id, error)) == NULL)
    return false;
  for (int i = 0; statuses[i] != NULL; i++)
    if (strcmp (statuses[i], status) == 0)
      st.status = i;
  if (st.status < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "unknown status \"%s\" (submitted, pended, approved, denied, modified, appealed, expired)", status);
      return false;
    }
  if (!pa_parse_instant (at, &st.instant, &offset))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the instant is not an RFC 3339 instant with an offset");
      return false;
    }
  st.at = g_string_chunk_insert_const (ledger->strings, at);
  g_array_append_val (a->history, st);
  return true;
}

static int
remaining (const Auth *a)
{
  int used = 0;
  for (guint i = 0; i < a->usage->len; i++)
    used += g_array_index (a->usage, Use, i).units;
  return a->units - used;
}

int
iop_preauth_ledger_get_remaining_units (const iop_preauth_ledger *ledger, const char *id, iop_error **error)
{
  const Auth *a;

  g_return_val_if_fail (ledger != NULL, 0);
  g_return_val_if_fail (id != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);
  a = find_or_fail (ledger, id, error);
  return a != NULL ? remaining (a) : 0;
}

char *
iop_preauth_ledger_get_reminders_json (const iop_preauth_ledger *ledger, const char *as_of, int lead_days,
                                       iop_error **error)
{
  guint32 today = 0;
  GString *out;
  gboolean first = TRUE;

  g_return_val_if_fail (ledger != NULL, NULL);
  g_return_val_if_fail (as_of != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!iop_date_parse (as_of, &today))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is not a calendar date in YYYY-MM-DD form");
      return NULL;
    }
  if (lead_days < 0 || lead_days > 365)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the lead time must be within 0..365 days");
      return NULL;
    }
  out = g_string_new ("[");
  for (guint i = 0; i < ledger->auths->len; i++)
    {
      const Auth *a = g_ptr_array_index (ledger->auths, i);
      const char *kinds[2];
      guint32 dates[2];
      int n = 0, left = remaining (a);
      if (today > a->end)
        {
          kinds[n] = "expired";
          dates[n++] = a->end;
        }
      else if (a->end - today <= (guint32) lead_days)
        {
          /* Re-authorization reminder: the period ends within the lead time. */
          kinds[n] = "expiring";
          dates[n++] = a->end;
        }
      if (left <= 0 && today <= a->end)
        {
          kinds[n] = "exhausted";
          dates[n++] = today;
        }
      for (int k = 0; k < n; k++)
        {
          g_string_append (out, first ? "{\"authorization\":" : ",{\"authorization\":");
          first = FALSE;
          pa_write_string (out, a->id);
          g_string_append (out, ",\"kind\":");
          pa_write_string (out, kinds[k]);
          g_string_append (out, ",\"date\":");
          pa_write_date (out, dates[k]);
          g_string_append_printf (out, ",\"remaining_units\":%d}", left);
        }
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static void
write_ratio (GString *out, const char *name, double num, double den)
{
  g_string_append_printf (out, ",\"%s\":", name);
  if (den > 0)
    pa_write_amount (out, num * 100.0 / den);
  else
    g_string_append (out, "null");
}

char *
iop_preauth_ledger_get_metrics_json (const iop_preauth_ledger *ledger)
{
  int decided = 0, approved = 0, denied = 0, after_appeal = 0, n_time[2] = { 0, 0 };
  double hours[2] = { 0, 0 };
  GString *out;

  g_return_val_if_fail (ledger != NULL, NULL);
  for (guint i = 0; i < ledger->auths->len; i++)
    {
      const Auth *a = g_ptr_array_index (ledger->auths, i);
      const Status *submitted = NULL, *first = NULL;
      gboolean was_denied = FALSE, appealed = FALSE, approved_later = FALSE;
      for (guint k = 0; k < a->history->len; k++)
        {
          const Status *s = &g_array_index (a->history, Status, k);
          if (s->status == ST_SUBMITTED && submitted == NULL)
            submitted = s;
          else if (first == NULL && (s->status == ST_APPROVED || s->status == ST_DENIED || s->status == ST_MODIFIED))
            first = s;
          if (s->status == ST_DENIED)
            was_denied = TRUE;
          else if (s->status == ST_APPEALED && was_denied)
            appealed = TRUE;
          else if ((s->status == ST_APPROVED || s->status == ST_MODIFIED) && appealed)
            approved_later = TRUE;
        }
      if (first == NULL)
        continue;
      decided++;
      if (first->status == ST_DENIED)
        denied++;
      else
        approved++;
      after_appeal += approved_later;
      if (submitted != NULL && first->instant >= submitted->instant)
        {
          int u = submitted->expedited ? 1 : 0;
          hours[u] += (double) (first->instant - submitted->instant) / 3600.0;
          n_time[u]++;
        }
    }
  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"decided\":%d,\"approved\":%d,\"denied\":%d,\"approved_after_appeal\":%d",
                          decided, approved, denied, after_appeal);
  write_ratio (out, "percent_approved", approved, decided);
  write_ratio (out, "percent_denied", denied, decided);
  write_ratio (out, "percent_approved_after_appeal", after_appeal, denied);
  g_string_append (out, ",\"average_decision_hours_standard\":");
  if (n_time[0] > 0)
    pa_write_amount (out, hours[0] / n_time[0]);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"average_decision_hours_expedited\":");
  if (n_time[1] > 0)
    pa_write_amount (out, hours[1] / n_time[1]);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
iop_preauth_ledger_to_json (const iop_preauth_ledger *ledger)
{
  GString *out;

  g_return_val_if_fail (ledger != NULL, NULL);
  out = g_string_new ("{\"format\":\"" LEDGER_FORMAT "\",\"format_version\":1,\"authorizations\":[");
  for (guint i = 0; i < ledger->auths->len; i++)
    {
      const Auth *a = g_ptr_array_index (ledger->auths, i);
      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      pa_write_string (out, a->id);
      g_string_append (out, ",\"payer\":");
      pa_write_string (out, a->payer);
      g_string_append (out, ",\"service\":");
      pa_write_string (out, a->service);
      g_string_append_printf (out, ",\"units\":%d,\"start\":", a->units);
      pa_write_date (out, a->start);
      g_string_append (out, ",\"end\":");
      pa_write_date (out, a->end);
      g_string_append (out, ",\"usage\":[");
      for (guint k = 0; k < a->usage->len; k++)
        {
          const Use *u = &g_array_index (a->usage, Use, k);
          g_string_append (out, k > 0 ? ",{\"date\":" : "{\"date\":");
          pa_write_date (out, u->date);
          g_string_append_printf (out, ",\"units\":%d}", u->units);
        }
      g_string_append (out, "],\"history\":[");
      for (guint k = 0; k < a->history->len; k++)
        {
          const Status *s = &g_array_index (a->history, Status, k);
          g_string_append (out, k > 0 ? ",{\"status\":" : "{\"status\":");
          pa_write_string (out, statuses[s->status]);
          g_string_append (out, ",\"at\":");
          pa_write_string (out, s->at);
          g_string_append (out, s->expedited ? ",\"expedited\":true}" : ",\"expedited\":false}");
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

iop_preauth_ledger *
iop_preauth_ledger_new_from_json (const char *json, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "authorizations", NULL };
  static const char *const auth_members[] = { "id", "payer", "service", "units", "start", "end", "usage", "history", NULL };
  static const char *const use_members[] = { "date", "units", NULL };
  static const char *const status_members[] = { "status", "at", "expedited", NULL };
  g_autoptr(JsonNode) root = NULL;
  iop_preauth_ledger *ledger;
  IopJsonReader r;
  JsonObject *obj;
  JsonArray *auths = NULL;
  const char *format = NULL;
  gint64 version = 0;
  gboolean ok, failed = FALSE;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  root = iop_json_parse (json, -1, error);
  if (root == NULL)
    return NULL;
  ledger = iop_preauth_ledger_new ();
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "an authorization ledger");
  ok = obj != NULL && iop_json_check_members (&r, obj, members) && iop_json_get_string (&r, obj, "format", TRUE, &format);
  if (ok && strcmp (format, LEDGER_FORMAT) != 0)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format", "expected \"" LEDGER_FORMAT "\"");
  ok = ok && iop_json_get_int (&r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version);
  if (ok && version != LEDGER_FORMAT_VERSION)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format_version", "this version is not supported (this libiop reads %d)",
                        LEDGER_FORMAT_VERSION);
  if (ok)
    ok = (auths = iop_json_get_array (&r, obj, "authorizations", TRUE, &failed)) != NULL;
  if (ok)
    {
      gsize mark = iop_json_push_member (&r, "authorizations");
      for (guint i = 0; ok && i < json_array_get_length (auths); i++)
        {
          gsize m2 = iop_json_push_index (&r, i);
          JsonObject *ao = iop_json_expect_object (&r, json_array_get_element (auths, i), "an authorization");
          const char *id = NULL, *payer = NULL, *service = NULL, *start = NULL, *end = NULL;
          gint64 units = 0;
          guint32 s = 0, e = 0;
          JsonArray *usage = NULL, *history = NULL;
          Auth *a;
          ok = ao != NULL && iop_json_check_members (&r, ao, auth_members) && iop_json_get_string (&r, ao, "id", TRUE, &id) &&
               iop_json_get_string (&r, ao, "payer", TRUE, &payer) && iop_json_get_string (&r, ao, "service", TRUE, &service) &&
               iop_json_get_int (&r, ao, "units", TRUE, 1, 1000000, NULL, &units) &&
               iop_json_get_string (&r, ao, "start", TRUE, &start) && iop_json_get_string (&r, ao, "end", TRUE, &end);
          if (ok && !iop_date_parse (start, &s))
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "start", "not a calendar date in YYYY-MM-DD form");
          if (ok && !iop_date_parse (end, &e))
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "end", "not a calendar date in YYYY-MM-DD form");
          if (ok && e < s)
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "end", "must not be before start");
          if (ok && find (ledger, id) != NULL)
            ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "id", "duplicate authorization id");
          if (ok)
            ok = (usage = iop_json_get_array (&r, ao, "usage", TRUE, &failed)) != NULL &&
                 (history = iop_json_get_array (&r, ao, "history", TRUE, &failed)) != NULL;
          if (!ok)
            break;
          a = auth_new (ledger, id, payer, service, (int) units, s, e);
          gsize m3 = iop_json_push_member (&r, "usage");
          for (guint k = 0; ok && k < json_array_get_length (usage); k++)
            {
              gsize m4 = iop_json_push_index (&r, k);
              JsonObject *uo = iop_json_expect_object (&r, json_array_get_element (usage, k), "a usage entry");
              const char *date = NULL;
              gint64 n = 0;
              Use use = { 0, 0 };
              ok = uo != NULL && iop_json_check_members (&r, uo, use_members) &&
                   iop_json_get_string (&r, uo, "date", TRUE, &date) && iop_json_get_int (&r, uo, "units", TRUE, 1, 100000, NULL, &n);
              if (ok && !iop_date_parse (date, &use.date))
                ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "date", "not a calendar date in YYYY-MM-DD form");
              use.units = (int) n;
              if (ok)
                g_array_append_val (a->usage, use);
              iop_json_pop (&r, m4);
            }
          iop_json_pop (&r, m3);
          m3 = iop_json_push_member (&r, "history");
          for (guint k = 0; ok && k < json_array_get_length (history); k++)
            {
              gsize m4 = iop_json_push_index (&r, k);
              JsonObject *so = iop_json_expect_object (&r, json_array_get_element (history, k), "a status entry");
              const char *at = NULL;
              gboolean expedited = FALSE;
              Status st = { 0, NULL, 0, FALSE };
              int offset = 0;
              ok = so != NULL && iop_json_check_members (&r, so, status_members) &&
                   iop_json_get_enum (&r, so, "status", TRUE, statuses, &st.status) &&
                   iop_json_get_string (&r, so, "at", TRUE, &at) && iop_json_get_bool (&r, so, "expedited", TRUE, &expedited);
              if (ok && !pa_parse_instant (at, &st.instant, &offset))
                ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "at", "not an RFC 3339 instant with an offset");
              if (ok)
                {
                  st.at = g_string_chunk_insert_const (ledger->strings, at);
                  st.expedited = expedited;
                  g_array_append_val (a->history, st);
                }
              iop_json_pop (&r, m4);
            }
          iop_json_pop (&r, m3);
          iop_json_pop (&r, m2);
        }
      iop_json_pop (&r, mark);
    }
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_preauth_ledger_free (ledger);
      return NULL;
    }
  return ledger;
}
