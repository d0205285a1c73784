/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Weekly schedules and the intensity they add up to.
 */
#include "iop-schedule-private.h"

#include <string.h>

#define SCHEDULE_FORMAT "libiop-schedule"
#define SCHEDULE_FORMAT_VERSION 1
#define MINUTES_PER_DAY 1440

typedef struct {
  iop_weekday day;
  int start;        /* minutes after midnight, or -1 when untimed */
  int minutes;
  const char *kind; /* static string from session_kinds */
  char start_text[6];
} Session;

struct iop_schedule {
  GArray *sessions; /* Session, ordered by day, then start, untimed last */
};

static const char *const session_kinds[] = {
  "group-therapy", "individual-counseling", "family-therapy", "psychoeducation", "life-skills",
  "medication-management", "case-management", "peer-support", "activity-therapy", "drug-testing",
  "assessment", NULL };
static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
static const char *const day_long_names[] = { "monday", "tuesday", "wednesday", "thursday", "friday",
                                              "saturday", "sunday", NULL };

iop_weekday
iop_weekday_from_string (const char *text, iop_error **error)
{
  g_return_val_if_fail (text != NULL, 0);
  for (int i = 0; i < 7; i++)
    if (g_ascii_strcasecmp (text, day_names[i]) == 0 || g_ascii_strcasecmp (text, day_long_names[i]) == 0)
      return (iop_weekday) (i + 1);
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                 "unknown weekday \"%s\" (expected mon, tue, wed, thu, fri, sat or sun)", text);
  return 0;
}

const char *
iop_weekday_to_string (iop_weekday day)
{
  return day >= IOP_MONDAY && day <= IOP_SUNDAY ? day_names[day - 1] : "unknown";
}

static const char *
known_kind (const char *kind)
{
  for (int i = 0; session_kinds[i] != NULL; i++)
    if (strcmp (kind, session_kinds[i]) == 0)
      return session_kinds[i];
  return NULL;
}

bool
iop_session_kind_is_known (const char *kind)
{
  g_return_val_if_fail (kind != NULL, false);
  return known_kind (kind) != NULL;
}

iop_schedule *
iop_schedule_new (void)
{
  iop_schedule *s = g_new0 (iop_schedule, 1);
  s->sessions = g_array_new (FALSE, TRUE, sizeof (Session));
  return s;
}

void
iop_schedule_free (iop_schedule *schedule)
{
  if (schedule == NULL)
    return;
  g_array_unref (schedule->sessions);
  g_free (schedule);
}

iop_schedule *
iop_schedule_copy (const iop_schedule *schedule)
{
  iop_schedule *copy;
  g_return_val_if_fail (schedule != NULL, NULL);
  copy = iop_schedule_new ();
  g_array_append_vals (copy->sessions, schedule->sessions->data, schedule->sessions->len);
  return copy;
}

/* Parses "HH:MM" (24-hour) into minutes after midnight, or -1. */
int
iop_schedule_parse_time (const char *text)
{
  int h, m;
  if (strlen (text) != 5 || text[2] != ':' || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return -1;
  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  return h < 24 && m < 60 ? h * 60 + m : -1;
}

const char *
iop_schedule_known_kind (const char *kind)
{
  return known_kind (kind);
}

static int
minutes_on (const iop_schedule *s, iop_weekday day)
{
  int total = 0;
  for (guint i = 0; i < s->sessions->len; i++)
    if (g_array_index (s->sessions, Session, i).day == day)
      total += g_array_index (s->sessions, Session, i).minutes;
  return total;
}

/* Validates and inserts a session. Messages name the session's place (day, time) only: a
 * schedule is not patient data, but the same rule keeps messages uniform. */
static gboolean
add_session (iop_schedule *s, iop_weekday day, const char *start, int minutes, const char *kind,
             iop_error **error)
{
  Session session = { 0 };
  guint pos;

  if (day < IOP_MONDAY || day > IOP_SUNDAY)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the weekday must be 1 (Monday) to 7 (Sunday)");
      return FALSE;
    }
  if (minutes < 1 || minutes > MINUTES_PER_DAY)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "a session on %s must last 1 to %d minutes", day_names[day - 1], MINUTES_PER_DAY);
      return FALSE;
    }
  session.kind = known_kind (kind);
  if (session.kind == NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "unknown session kind \"%s\" (see iop_session_kind_is_known)", kind);
      return FALSE;
    }
  session.day = day;
  session.minutes = minutes;
  session.start = -1;
  if (start != NULL)
    {
      session.start = iop_schedule_parse_time (start);
      if (session.start < 0)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                         "a session start must be a local time HH:MM from 00:00 to 23:59, without a time zone");
          return FALSE;
        }
      if (session.start + minutes > MINUTES_PER_DAY)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                         "the %s session at %s crosses midnight (split it into two days)",
                         day_names[day - 1], start);
          return FALSE;
        }
      g_strlcpy (session.start_text, start, sizeof session.start_text);
      for (guint i = 0; i < s->sessions->len; i++)
        {
          const Session *other = &g_array_index (s->sessions, Session, i);
          if (other->day == day && other->start >= 0 && session.start < other->start + other->minutes &&
              other->start < session.start + minutes)
            {
              iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                             "the %s session at %s overlaps the one at %s", day_names[day - 1], start,
                             other->start_text);
              return FALSE;
            }
        }
    }
  if (minutes_on (s, day) + minutes > MINUTES_PER_DAY)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the sessions on %s would exceed 24 hours", day_names[day - 1]);
      return FALSE;
    }
  /* Keep the order stable: by day, then start time, untimed sessions last within a day. */
  for (pos = 0; pos < s->sessions->len; pos++)
    {
      const Session *other = &g_array_index (s->sessions, Session, pos);
      int a = session.start < 0 ? MINUTES_PER_DAY : session.start;
      int b = other->start < 0 ? MINUTES_PER_DAY : other->start;
      if (other->day > day || (other->day == day && b > a))
        break;
    }
  g_array_insert_val (s->sessions, pos, session);
  return TRUE;
}

bool
iop_schedule_add_session (iop_schedule *schedule, iop_weekday day, const char *start, int minutes,
                          const char *kind, iop_error **error)
{
  g_return_val_if_fail (schedule != NULL, false);
  g_return_val_if_fail (kind != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  return add_session (schedule, day, start, minutes, kind, error);
}

size_t
iop_schedule_get_n_sessions (const iop_schedule *schedule)
{
  g_return_val_if_fail (schedule != NULL, 0);
  return schedule->sessions->len;
}

static const Session *
session_at (const iop_schedule *schedule, size_t index)
{
  g_return_val_if_fail (schedule != NULL, NULL);
  return index < schedule->sessions->len ? &g_array_index (schedule->sessions, Session, index) : NULL;
}

iop_weekday
iop_schedule_get_session_day (const iop_schedule *schedule, size_t index)
{
  const Session *s = session_at (schedule, index);
  return s ? s->day : 0;
}

const char *
iop_schedule_get_session_start (const iop_schedule *schedule, size_t index)
{
  const Session *s = session_at (schedule, index);
  return s != NULL && s->start >= 0 ? s->start_text : NULL;
}

int
iop_schedule_get_session_minutes (const iop_schedule *schedule, size_t index)
{
  const Session *s = session_at (schedule, index);
  return s ? s->minutes : 0;
}

const char *
iop_schedule_get_session_kind (const iop_schedule *schedule, size_t index)
{
  const Session *s = session_at (schedule, index);
  return s ? s->kind : NULL;
}

int
iop_schedule_get_minutes_per_week (const iop_schedule *schedule)
{
  int total = 0;
  g_return_val_if_fail (schedule != NULL, 0);
  for (guint i = 0; i < schedule->sessions->len; i++)
    total += g_array_index (schedule->sessions, Session, i).minutes;
  return total;
}

double
iop_schedule_get_hours_per_week (const iop_schedule *schedule)
{
  return iop_schedule_get_minutes_per_week (schedule) / 60.0;
}

int
iop_schedule_get_minutes_on (const iop_schedule *schedule, iop_weekday day)
{
  g_return_val_if_fail (schedule != NULL, 0);
  return minutes_on (schedule, day);
}

int
iop_schedule_get_days_per_week (const iop_schedule *schedule)
{
  int days = 0;
  g_return_val_if_fail (schedule != NULL, 0);
  for (int d = IOP_MONDAY; d <= IOP_SUNDAY; d++)
    days += minutes_on (schedule, (iop_weekday) d) > 0;
  return days;
}

int
iop_schedule_get_min_minutes_per_service_day (const iop_schedule *schedule)
{
  int min = 0;
  g_return_val_if_fail (schedule != NULL, 0);
  for (int d = IOP_MONDAY; d <= IOP_SUNDAY; d++)
    {
      int m = minutes_on (schedule, (iop_weekday) d);
      if (m > 0 && (min == 0 || m < min))
        min = m;
    }
  return min;
}

void
iop_schedule_build_sessions (JsonBuilder *b, const iop_schedule *schedule)
{
  json_builder_set_member_name (b, "sessions");
  json_builder_begin_array (b);
  for (guint i = 0; i < schedule->sessions->len; i++)
    {
      const Session *s = &g_array_index (schedule->sessions, Session, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "day");
      json_builder_add_string_value (b, day_names[s->day - 1]);
      json_builder_set_member_name (b, "start");
      iop_json_add_string_or_null (b, s->start >= 0 ? s->start_text : NULL);
      json_builder_set_member_name (b, "minutes");
      json_builder_add_int_value (b, s->minutes);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, s->kind);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

char *
iop_schedule_to_json (const iop_schedule *schedule)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (schedule != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, SCHEDULE_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, SCHEDULE_FORMAT_VERSION);
  iop_schedule_build_sessions (b, schedule);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

gboolean
iop_schedule_read_sessions (IopJsonReader *r, JsonObject *obj, iop_schedule *s)
{
  static const char *const session_members[] = { "day", "start", "minutes", "kind", NULL };
  JsonArray *arr;
  gboolean ok, failed = FALSE;
  gsize mark;

  arr = iop_json_get_array (r, obj, "sessions", TRUE, &failed);
  if (arr == NULL)
    return FALSE;
  ok = TRUE;
  mark = iop_json_push_member (r, "sessions");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (r, i);
      JsonObject *so = iop_json_expect_object (r, json_array_get_element (arr, i), "a session");
      const char *day = NULL, *start = NULL, *kind = NULL;
      gint64 minutes = 0;
      JsonNode *start_node;
      iop_error *inner = NULL;
      iop_weekday wd;

      ok = so != NULL && iop_json_check_members (r, so, session_members) &&
           iop_json_get_string (r, so, "day", TRUE, &day) &&
           iop_json_get_int (r, so, "minutes", TRUE, G_MININT32, G_MAXINT32, NULL, &minutes) &&
           iop_json_get_string (r, so, "kind", TRUE, &kind);
      if (ok)
        {
          start_node = json_object_get_member (so, "start");
          if (start_node != NULL && !JSON_NODE_HOLDS_NULL (start_node) &&
              !iop_json_get_string (r, so, "start", TRUE, &start))
            ok = FALSE;
        }
      if (ok)
        {
          wd = iop_weekday_from_string (day, NULL);
          if (wd == 0)
            ok = iop_json_fail (r, IOP_ERROR_INVALID_DATA, "day", "expected mon, tue, wed, thu, fri, sat or sun");
          else if (!add_session (s, wd, start, (int) CLAMP (minutes, -1, MINUTES_PER_DAY + 1), kind, &inner))
            {
              ok = iop_json_fail (r, IOP_ERROR_INVALID_DATA, NULL, "%s", iop_error_get_message (inner));
              iop_error_free (inner);
            }
        }
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return ok;
}

iop_schedule *
iop_schedule_new_from_json (const char *json, iop_error **error)
{
  static const char *const members[] = { "format", "format_version", "sessions", NULL };
  g_autoptr(JsonNode) root = NULL;
  IopJsonReader r;
  JsonObject *obj;
  const char *format = NULL;
  gint64 version = 0;
  gboolean ok;
  iop_schedule *s;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  s = iop_schedule_new ();
  root = iop_json_parse (json, -1, error);
  if (root == NULL)
    {
      iop_schedule_free (s);
      return NULL;
    }
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "a schedule");
  ok = obj != NULL && iop_json_check_members (&r, obj, members) &&
       iop_json_get_string (&r, obj, "format", TRUE, &format);
  if (ok && strcmp (format, SCHEDULE_FORMAT) != 0)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format", "expected \"" SCHEDULE_FORMAT "\"");
  ok = ok && iop_json_get_int (&r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version);
  if (ok && version != SCHEDULE_FORMAT_VERSION)
    ok = iop_json_fail (&r, IOP_ERROR_INVALID_DATA, "format_version",
                        "this version is not supported (this libiop reads %d)", SCHEDULE_FORMAT_VERSION);
  ok = ok && iop_schedule_read_sessions (&r, obj, s);
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_schedule_free (s);
      return NULL;
    }
  return s;
}
