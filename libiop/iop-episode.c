/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * The episode of care: client, diagnoses, level and stage histories, goals, schedule, attendance.
 */
#include "iop-compliance-private.h"
#include "iop-program-private.h"
#include "iop-schedule-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPISODE_FORMAT "libiop-episode"
#define EPISODE_FORMAT_VERSION 1
#define MAX_ID 64
#define MAX_REASON 500
#define MAX_DESCRIPTION 1000
#define MAX_PAYER 128
#define MAX_RULE_SETS 256

typedef char Date[11]; /* "YYYY-MM-DD", or "" when absent */

typedef struct {
  Date date;
  const iop_level *level; /* owned by the episode's continuum */
  char *reason;
} LevelEntry;

typedef struct {
  Date date;
  iop_stage_of_change stage;
} SocEntry;

typedef struct {
  Date date;
  const char *stage; /* owned by the program */
  char *reason;
} StageEntry;

typedef struct {
  char *id, *description;
  const char *stage;  /* owned by the program */
  const char *status; /* static */
  Date target;
} Goal;

typedef struct {
  Date date;
  guint32 julian;
  int start; /* minutes after midnight, -1 when untimed */
  char start_text[6];
  int minutes;
  const char *kind; /* static */
  iop_attendance_status status;
} Attendance;

struct iop_episode {
  iop_continuum *continuum;
  iop_program *program;
  char *client_id, *payer, *rule_sets;
  Date birth, admission, medicare, taper;
  iop_age_group age;
  GPtrArray *diagnoses; /* char * */
  GArray *levels;       /* LevelEntry */
  GArray *socs;         /* SocEntry */
  GArray *stages;       /* StageEntry */
  GPtrArray *goals;     /* Goal * */
  iop_schedule *schedule;
  GArray *attendance;   /* Attendance, ordered by date then start (untimed last) */
};

typedef struct {
  char week[9];
  int planned, attended_minutes;
  int counts[4]; /* by iop_attendance_status */
} Week;

typedef struct {
  const char *flag;
  Date date;
} Flag;

struct iop_attendance_summary {
  Date as_of;
  GArray *weeks; /* Week */
  GArray *flags; /* Flag */
  double rate, sessions_per_week;
  int attended, missed, current_misses, outreach_misses;
  double dropout_below;
};

static const char *const soc_names[] = { "unknown", "precontemplation", "contemplation", "preparation", "action",
                                         "maintenance", "relapse", NULL };
static const char *const attendance_names[] = { "attended", "missed", "excused", NULL };
static const char *const goal_statuses[] = { "proposed", "active", "achieved", "not-achieved", "waived",
                                             "cancelled", NULL };

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                               */

iop_stage_of_change
iop_stage_of_change_from_string (const char *text, iop_error **error)
{
  for (int i = 1; text != NULL && soc_names[i] != NULL; i++)
    if (strcmp (text, soc_names[i]) == 0)
      return (iop_stage_of_change) i;
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                 "expected precontemplation, contemplation, preparation, action, maintenance or relapse");
  return IOP_STAGE_OF_CHANGE_UNKNOWN;
}

const char *
iop_stage_of_change_to_string (iop_stage_of_change stage)
{
  return stage >= IOP_STAGE_OF_CHANGE_PRECONTEMPLATION && stage <= IOP_STAGE_OF_CHANGE_RELAPSE ? soc_names[stage]
                                                                                                : soc_names[0];
}

iop_attendance_status
iop_attendance_status_from_string (const char *text, iop_error **error)
{
  for (int i = 0; text != NULL && attendance_names[i] != NULL; i++)
    if (strcmp (text, attendance_names[i]) == 0)
      return (iop_attendance_status) (i + 1);
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "expected attended, missed or excused");
  return (iop_attendance_status) 0;
}

const char *
iop_attendance_status_to_string (iop_attendance_status status)
{
  return status >= IOP_ATTENDANCE_ATTENDED && status <= IOP_ATTENDANCE_EXCUSED ? attendance_names[status - 1] : NULL;
}

bool
iop_icd10cm_is_valid (const char *code)
{
  size_t n;

  if (code == NULL)
    return false;
  n = strlen (code);
  if (n < 3 || n == 4 || n > 8)
    return false;
  if (!g_ascii_isupper (code[0]) || !g_ascii_isdigit (code[1]) ||
      !(g_ascii_isdigit (code[2]) || g_ascii_isupper (code[2])))
    return false;
  if (n == 3)
    return true;
  if (code[3] != '.')
    return false;
  for (size_t i = 4; i < n; i++)
    if (!g_ascii_isdigit (code[i]) && !g_ascii_isupper (code[i]))
      return false;
  return true;
}

iop_diagnosis_class
iop_icd10cm_classify (const char *code, iop_error **error)
{
  if (!iop_icd10cm_is_valid (code))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "not an ICD-10-CM code (a letter, two characters, optionally a dot and 1 to 4 more)");
      return IOP_DIAGNOSIS_OTHER;
    }
  /* Chapter 5 of ICD-10-CM starts at F01: there is no category F00. */
  if (code[0] != 'F' || !g_ascii_isdigit (code[2]) || (code[1] == '0' && code[2] == '0'))
    return IOP_DIAGNOSIS_OTHER;
  return code[1] == '1' ? IOP_DIAGNOSIS_SUBSTANCE : IOP_DIAGNOSIS_MENTAL_HEALTH;
}

static gboolean
check_identifier (const char *id, const char *what, iop_error **error)
{
  size_t n = id != NULL ? strlen (id) : 0;
  gboolean ok = n >= 1 && n <= MAX_ID;
  for (size_t i = 0; ok && i < n; i++)
    ok = g_ascii_isgraph (id[i]);
  if (!ok)
    iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                   "the %s must be 1 to %d printable ASCII characters without spaces", what, MAX_ID);
  return ok;
}

static void
set_date (Date d, const char *value)
{
  g_strlcpy (d, value != NULL ? value : "", sizeof (Date));
}

static const char *
date_or_null (const Date d)
{
  return d[0] != '\0' ? d : NULL;
}

static void
level_entry_clear (gpointer data)
{
  g_free (((LevelEntry *) data)->reason);
}

static void
stage_entry_clear (gpointer data)
{
  g_free (((StageEntry *) data)->reason);
}

static void
goal_free (gpointer data)
{
  Goal *g = data;
  g_free (g->id);
  g_free (g->description);
  g_free (g);
}

static iop_episode *
episode_alloc (iop_continuum *continuum, iop_program *program)
{
  iop_episode *e = g_new0 (iop_episode, 1);
  e->continuum = continuum != NULL ? iop_continuum_ref (continuum) : iop_continuum_new_default ();
  e->program = program != NULL ? iop_program_ref (program) : iop_program_new_default ();
  e->age = IOP_AGE_ADULT;
  e->diagnoses = g_ptr_array_new_with_free_func (g_free);
  e->levels = g_array_new (FALSE, TRUE, sizeof (LevelEntry));
  g_array_set_clear_func (e->levels, level_entry_clear);
  e->socs = g_array_new (FALSE, TRUE, sizeof (SocEntry));
  e->stages = g_array_new (FALSE, TRUE, sizeof (StageEntry));
  g_array_set_clear_func (e->stages, stage_entry_clear);
  e->goals = g_ptr_array_new_with_free_func (goal_free);
  e->schedule = iop_schedule_new ();
  e->attendance = g_array_new (FALSE, TRUE, sizeof (Attendance));
  return e;
}

void
iop_episode_free (iop_episode *episode)
{
  if (episode == NULL)
    return;
  g_free (episode->client_id);
  g_free (episode->payer);
  g_free (episode->rule_sets);
  g_ptr_array_unref (episode->diagnoses);
  g_array_unref (episode->levels);
  g_array_unref (episode->socs);
  g_array_unref (episode->stages);
  g_ptr_array_unref (episode->goals);
  iop_schedule_free (episode->schedule);
  g_array_unref (episode->attendance);
  iop_program_unref (episode->program);
  iop_continuum_unref (episode->continuum);
  g_free (episode);
}

static const iop_level *
find_level (const iop_episode *e, iop_edition edition, const char *code, iop_error **error)
{
  const iop_level *level = NULL;
  if (edition == IOP_EDITION_ANY || iop_edition_to_string (edition) == NULL ||
      strcmp (iop_edition_to_string (edition), "unknown") == 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the edition must be ASAM 3, ASAM 4 or LOCUS");
      return NULL;
    }
  if (code != NULL)
    level = iop_continuum_lookup_level (e->continuum, edition, code);
  if (level == NULL)
    iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "the continuum has no such %s level (see iop levels)",
                   iop_edition_to_string (edition));
  return level;
}

static void
push_stage (iop_episode *e, const char *date, const char *stage, const char *reason)
{
  StageEntry s = { { 0 }, stage, g_strdup (reason) };
  set_date (s.date, date);
  g_array_append_val (e->stages, s);
}

static void
push_level (iop_episode *e, const char *date, const iop_level *level, const char *reason)
{
  LevelEntry l = { { 0 }, level, g_strdup (reason) };
  set_date (l.date, date);
  g_array_append_val (e->levels, l);
}

iop_episode *
iop_episode_new (iop_continuum *continuum, iop_program *program, const char *client_id, iop_edition edition,
                 const char *level_code, const char *admission_date, iop_error **error)
{
  iop_episode *e;
  const iop_level *level;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_identifier (client_id, "client identifier", error) ||
      !iop_check_date_arg (admission_date, "admission date", NULL, error))
    return NULL;
  e = episode_alloc (continuum, program);
  level = find_level (e, edition, level_code, error);
  if (level == NULL)
    {
      iop_episode_free (e);
      return NULL;
    }
  e->client_id = g_strdup (client_id);
  set_date (e->admission, admission_date);
  push_level (e, admission_date, level, "admission");
  push_stage (e, admission_date, iop_program_get_stage_id (e->program, 0), "admission");
  return e;
}

/* ------------------------------------------------------------------------------------------ */
/* Client, diagnoses, payer                                                                    */

const char *
iop_episode_get_client_id (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return episode->client_id;
}

bool
iop_episode_set_birth_date (iop_episode *episode, const char *birth_date, iop_error **error)
{
  guint32 j = 0;
  g_return_val_if_fail (episode != NULL, false);
  if (birth_date == NULL)
    {
      episode->birth[0] = '\0';
      return true;
    }
  if (!iop_check_date_arg (birth_date, "birth date", &j, error))
    return false;
  if (j > iop_date_julian (episode->admission))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the birth date must not be after the admission");
      return false;
    }
  set_date (episode->birth, birth_date);
  return true;
}

const char *
iop_episode_get_birth_date (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return date_or_null (episode->birth);
}

bool
iop_episode_set_age_group (iop_episode *episode, iop_age_group age, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  if (age != IOP_AGE_ADULT && age != IOP_AGE_ADOLESCENT)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the age group must be adult or adolescent");
      return false;
    }
  episode->age = age;
  return true;
}

iop_age_group
iop_episode_get_age_group (const iop_episode *episode, const char *date, iop_error **error)
{
  int y, m, d, by, bm, bd, years;

  g_return_val_if_fail (episode != NULL, 0);
  if (date == NULL)
    date = episode->admission;
  if (!iop_check_date_arg (date, "date", NULL, error))
    return 0;
  if (episode->birth[0] == '\0')
    return episode->age;
  if (sscanf (date, "%d-%d-%d", &y, &m, &d) != 3 || sscanf (episode->birth, "%d-%d-%d", &by, &bm, &bd) != 3)
    return episode->age;
  years = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
  return years < 18 ? IOP_AGE_ADOLESCENT : IOP_AGE_ADULT;
}

const char *
iop_episode_get_admission_date (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return episode->admission;
}

bool
iop_episode_set_payer (iop_episode *episode, const char *payer, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  if (payer != NULL && !iop_check_text_arg (payer, "payer reference", MAX_PAYER, error))
    return false;
  g_free (episode->payer);
  episode->payer = g_strdup (payer);
  return true;
}

const char *
iop_episode_get_payer (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return episode->payer;
}

static int
find_diagnosis (const iop_episode *e, const char *code)
{
  for (guint i = 0; i < e->diagnoses->len; i++)
    if (strcmp (g_ptr_array_index (e->diagnoses, i), code) == 0)
      return (int) i;
  return -1;
}

bool
iop_episode_add_diagnosis (iop_episode *episode, const char *code, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  if (iop_icd10cm_classify (code, error) == IOP_DIAGNOSIS_OTHER && !iop_icd10cm_is_valid (code))
    return false;
  if (find_diagnosis (episode, code) >= 0)
    {
      iop_set_error (error, IOP_ERROR_EXISTS, NULL, "the diagnosis is already recorded");
      return false;
    }
  g_ptr_array_add (episode->diagnoses, g_strdup (code));
  return true;
}

size_t
iop_episode_get_n_diagnoses (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, 0);
  return episode->diagnoses->len;
}

const char *
iop_episode_get_diagnosis (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return index < episode->diagnoses->len ? g_ptr_array_index (episode->diagnoses, index) : NULL;
}

static gboolean
has_class (const iop_episode *e, iop_diagnosis_class cls)
{
  for (guint i = 0; i < e->diagnoses->len; i++)
    if (iop_icd10cm_classify (g_ptr_array_index (e->diagnoses, i), NULL) == cls)
      return TRUE;
  return FALSE;
}

bool
iop_episode_has_substance_diagnosis (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, false);
  return has_class (episode, IOP_DIAGNOSIS_SUBSTANCE);
}

bool
iop_episode_is_co_occurring (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, false);
  return has_class (episode, IOP_DIAGNOSIS_SUBSTANCE) && has_class (episode, IOP_DIAGNOSIS_MENTAL_HEALTH);
}

/* ------------------------------------------------------------------------------------------ */
/* Level history                                                                               */

static const LevelEntry *
level_at (const iop_episode *e, size_t index)
{
  return index < e->levels->len ? &g_array_index (e->levels, LevelEntry, index) : NULL;
}

const iop_level *
iop_episode_get_level (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return level_at (episode, episode->levels->len - 1)->level;
}

bool
iop_episode_change_level (iop_episode *episode, iop_edition edition, const char *level_code, const char *date,
                          const char *reason, iop_error **error)
{
  const iop_level *level;
  guint32 j = 0;

  g_return_val_if_fail (episode != NULL, false);
  level = find_level (episode, edition, level_code, error);
  if (level == NULL || !iop_check_date_arg (date, "date", &j, error) || !iop_check_text_arg (reason, "reason", MAX_REASON, error))
    return false;
  if (j < iop_date_julian (level_at (episode, episode->levels->len - 1)->date))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is before the last level change");
      return false;
    }
  if (level == iop_episode_get_level (episode))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the episode is already at this level");
      return false;
    }
  push_level (episode, date, level, reason);
  return true;
}

size_t
iop_episode_get_n_level_changes (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, 0);
  return episode->levels->len;
}

const iop_level *
iop_episode_get_level_change_level (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return level_at (episode, index) ? level_at (episode, index)->level : NULL;
}

const char *
iop_episode_get_level_change_date (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return level_at (episode, index) ? level_at (episode, index)->date : NULL;
}

const char *
iop_episode_get_level_change_reason (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return level_at (episode, index) ? level_at (episode, index)->reason : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Stage of change                                                                             */

bool
iop_episode_set_stage_of_change (iop_episode *episode, iop_stage_of_change stage, const char *date, iop_error **error)
{
  SocEntry s = { { 0 }, stage };
  guint32 j = 0;

  g_return_val_if_fail (episode != NULL, false);
  if (stage < IOP_STAGE_OF_CHANGE_PRECONTEMPLATION || stage > IOP_STAGE_OF_CHANGE_RELAPSE)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "not a stage of change");
      return false;
    }
  if (!iop_check_date_arg (date, "date", &j, error))
    return false;
  if (j < iop_date_julian (episode->admission) ||
      (episode->socs->len > 0 &&
       j < iop_date_julian (g_array_index (episode->socs, SocEntry, episode->socs->len - 1).date)))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the date is before the admission or the last stage-of-change assessment");
      return false;
    }
  set_date (s.date, date);
  g_array_append_val (episode->socs, s);
  return true;
}

iop_stage_of_change
iop_episode_get_stage_of_change (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, IOP_STAGE_OF_CHANGE_UNKNOWN);
  return episode->socs->len > 0 ? g_array_index (episode->socs, SocEntry, episode->socs->len - 1).stage
                                : IOP_STAGE_OF_CHANGE_UNKNOWN;
}

size_t
iop_episode_get_n_stage_of_change_entries (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, 0);
  return episode->socs->len;
}

iop_stage_of_change
iop_episode_get_stage_of_change_entry (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, IOP_STAGE_OF_CHANGE_UNKNOWN);
  return index < episode->socs->len ? g_array_index (episode->socs, SocEntry, index).stage
                                    : IOP_STAGE_OF_CHANGE_UNKNOWN;
}

const char *
iop_episode_get_stage_of_change_date (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return index < episode->socs->len ? g_array_index (episode->socs, SocEntry, index).date : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Treatment stages and goals                                                                  */

static const StageEntry *
stage_at (const iop_episode *e, size_t index)
{
  return index < e->stages->len ? &g_array_index (e->stages, StageEntry, index) : NULL;
}

const char *
iop_episode_get_stage (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return stage_at (episode, episode->stages->len - 1)->stage;
}

static Goal *
find_goal (const iop_episode *e, const char *id)
{
  for (guint i = 0; id != NULL && i < e->goals->len; i++)
    {
      Goal *g = g_ptr_array_index (e->goals, i);
      if (strcmp (g->id, id) == 0)
        return g;
    }
  return NULL;
}

static gboolean
goals_met (const iop_episode *e, const char *stage)
{
  gboolean any_done = FALSE;
  for (guint i = 0; i < e->goals->len; i++)
    {
      const Goal *g = g_ptr_array_index (e->goals, i);
      if (strcmp (g->stage, stage) != 0)
        continue;
      if (strcmp (g->status, "achieved") == 0 || strcmp (g->status, "waived") == 0)
        any_done = TRUE;
      else if (strcmp (g->status, "cancelled") != 0)
        return FALSE;
    }
  return any_done;
}

/* The stage of change last assessed on or before @on (an assessment dated later did not exist yet). */
static iop_stage_of_change
stage_of_change_on (const iop_episode *e, guint32 on)
{
  iop_stage_of_change soc = IOP_STAGE_OF_CHANGE_UNKNOWN;
  for (guint i = 0; i < e->socs->len; i++)
    {
      const SocEntry *s = &g_array_index (e->socs, SocEntry, i);
      if (iop_date_julian (s->date) > on)
        break;
      soc = s->stage;
    }
  return soc;
}

/* Every unmet exit criterion of the current stage, by identifier, comma-separated; NULL when all hold. */
static char *
unmet_exit_criteria (const iop_episode *e, guint32 on)
{
  const StageEntry *current = stage_at (e, e->stages->len - 1);
  const IopStage *stage = iop_program_find_stage (e->program, current->stage);
  GString *unmet = NULL;

  for (guint i = 0; stage != NULL && i < stage->exit->len; i++)
    {
      const IopExitCriterion *c = &g_array_index (stage->exit, IopExitCriterion, i);
      gboolean holds = FALSE;
      switch (c->kind)
        {
        case IOP_EXIT_GOALS_MET:
          holds = goals_met (e, stage->id);
          break;
        case IOP_EXIT_STAGE_OF_CHANGE:
          holds = (c->stage_of_change_mask & (1u << stage_of_change_on (e, on))) != 0;
          break;
        case IOP_EXIT_MIN_DAYS:
          holds = on >= iop_date_julian (current->date) + (guint32) c->days;
          break;
        default:
          break;
        }
      if (!holds)
        {
          if (unmet == NULL)
            unmet = g_string_new (NULL);
          else
            g_string_append (unmet, ", ");
          g_string_append (unmet, c->id);
        }
    }
  return unmet != NULL ? g_string_free (unmet, FALSE) : NULL;
}

bool
iop_episode_can_leave_stage (const iop_episode *episode, const char *date, iop_error **error)
{
  g_autofree char *unmet = NULL;
  guint32 j = 0;

  g_return_val_if_fail (episode != NULL, false);
  if (!iop_check_date_arg (date, "date", &j, error))
    return false;
  unmet = unmet_exit_criteria (episode, j);
  if (unmet != NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the exit criteria of stage \"%s\" do not hold: %s",
                     iop_episode_get_stage (episode), unmet);
      return false;
    }
  return true;
}

bool
iop_episode_change_stage (iop_episode *episode, const char *stage, const char *date, const char *reason,
                          iop_error **error)
{
  const IopStage *to;
  const char *from;
  guint32 j = 0;

  g_return_val_if_fail (episode != NULL, false);
  to = iop_program_find_stage (episode->program, stage);
  if (to == NULL)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "the program has no such stage");
      return false;
    }
  if (!iop_check_date_arg (date, "date", &j, error) || !iop_check_text_arg (reason, "reason", MAX_REASON, error))
    return false;
  from = iop_episode_get_stage (episode);
  if (j < iop_date_julian (stage_at (episode, episode->stages->len - 1)->date))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is before the last stage change");
      return false;
    }
  if (!iop_program_allows_transition (episode->program, from, to->id))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "the program does not allow moving from stage \"%s\" to \"%s\"", from, to->id);
      return false;
    }
  if (!iop_episode_can_leave_stage (episode, date, error))
    return false;
  push_stage (episode, date, to->id, reason);
  return true;
}

size_t
iop_episode_get_n_stage_changes (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, 0);
  return episode->stages->len;
}

const char *
iop_episode_get_stage_change_stage (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return stage_at (episode, index) ? stage_at (episode, index)->stage : NULL;
}

const char *
iop_episode_get_stage_change_date (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return stage_at (episode, index) ? stage_at (episode, index)->date : NULL;
}

const char *
iop_episode_get_stage_change_reason (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return stage_at (episode, index) ? stage_at (episode, index)->reason : NULL;
}

static const char *
goal_status (const char *status)
{
  for (int i = 0; status != NULL && goal_statuses[i] != NULL; i++)
    if (strcmp (status, goal_statuses[i]) == 0)
      return goal_statuses[i];
  return NULL;
}

static gboolean
add_goal (iop_episode *e, const char *id, const char *stage, const char *description, const char *target,
          const char *status, iop_error **error)
{
  const IopStage *s;
  Goal *g;

  if (!check_identifier (id, "goal identifier", error))
    return FALSE;
  if (find_goal (e, id) != NULL)
    {
      iop_set_error (error, IOP_ERROR_EXISTS, NULL, "a goal with this identifier exists");
      return FALSE;
    }
  s = iop_program_find_stage (e->program, stage);
  if (s == NULL)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "the program has no such stage");
      return FALSE;
    }
  if (!iop_check_text_arg (description, "goal description", MAX_DESCRIPTION, error) ||
      (target != NULL && !iop_check_date_arg (target, "target date", NULL, error)))
    return FALSE;
  g = g_new0 (Goal, 1);
  g->id = g_strdup (id);
  g->stage = s->id;
  g->description = g_strdup (description);
  g->status = status;
  set_date (g->target, target);
  g_ptr_array_add (e->goals, g);
  return TRUE;
}

bool
iop_episode_add_goal (iop_episode *episode, const char *id, const char *stage, const char *description,
                      const char *target_date, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  return add_goal (episode, id, stage, description, target_date, "active", error);
}

bool
iop_episode_set_goal_status (iop_episode *episode, const char *id, const char *status, iop_error **error)
{
  Goal *g;
  const char *s;

  g_return_val_if_fail (episode != NULL, false);
  g = find_goal (episode, id);
  if (g == NULL)
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "no goal has this identifier");
      return false;
    }
  s = goal_status (status);
  if (s == NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "expected proposed, active, achieved, not-achieved, waived or cancelled");
      return false;
    }
  g->status = s;
  return true;
}

size_t
iop_episode_get_n_goals (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, 0);
  return episode->goals->len;
}

static const Goal *
goal_at (const iop_episode *e, size_t index)
{
  return index < e->goals->len ? g_ptr_array_index (e->goals, index) : NULL;
}

const char *
iop_episode_get_goal_id (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return goal_at (episode, index) ? goal_at (episode, index)->id : NULL;
}

const char *
iop_episode_get_goal_stage (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return goal_at (episode, index) ? goal_at (episode, index)->stage : NULL;
}

const char *
iop_episode_get_goal_description (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return goal_at (episode, index) ? goal_at (episode, index)->description : NULL;
}

const char *
iop_episode_get_goal_target_date (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return goal_at (episode, index) ? date_or_null (goal_at (episode, index)->target) : NULL;
}

const char *
iop_episode_get_goal_status (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return goal_at (episode, index) ? goal_at (episode, index)->status : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Schedule, attendance, Medicare, options                                                     */

const iop_schedule *
iop_episode_get_schedule (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return episode->schedule;
}

void
iop_episode_set_schedule (iop_episode *episode, const iop_schedule *schedule)
{
  g_return_if_fail (episode != NULL);
  g_return_if_fail (schedule != NULL);
  if (schedule == episode->schedule)
    return;
  iop_schedule_free (episode->schedule);
  episode->schedule = iop_schedule_copy (schedule);
}

static int
attendance_cmp (const Attendance *a, guint32 julian, int start)
{
  int sa = a->start < 0 ? 24 * 60 : a->start, sb = start < 0 ? 24 * 60 : start;
  if (a->julian != julian)
    return a->julian < julian ? -1 : 1;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

bool
iop_episode_add_attendance (iop_episode *episode, const char *date, const char *start, int minutes,
                            const char *kind, iop_attendance_status status, iop_error **error)
{
  Attendance a = { { 0 }, 0, -1, { 0 }, minutes, NULL, status };
  guint pos;

  g_return_val_if_fail (episode != NULL, false);
  if (!iop_check_date_arg (date, "session date", &a.julian, error))
    return false;
  if (a.julian < iop_date_julian (episode->admission))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the session date is before the admission");
      return false;
    }
  if (minutes < 1 || minutes > 24 * 60)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "a session must last 1 to 1440 minutes");
      return false;
    }
  a.kind = kind != NULL ? iop_schedule_known_kind (kind) : NULL;
  if (a.kind == NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "unknown session kind (see iop_session_kind_is_known)");
      return false;
    }
  if (iop_attendance_status_to_string (status) == NULL)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the status must be attended, missed or excused");
      return false;
    }
  if (start != NULL)
    {
      a.start = iop_schedule_parse_time (start);
      if (a.start < 0)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                         "a session start must be a local time HH:MM from 00:00 to 23:59, without a time zone");
          return false;
        }
      if (a.start + minutes > 24 * 60)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the session crosses midnight");
          return false;
        }
      g_strlcpy (a.start_text, start, sizeof a.start_text);
    }
  for (guint i = 0; i < episode->attendance->len; i++)
    {
      const Attendance *o = &g_array_index (episode->attendance, Attendance, i);
      if (o->julian != a.julian)
        continue;
      if (o->start == a.start && a.start >= 0)
        {
          iop_set_error (error, IOP_ERROR_EXISTS, NULL, "a session at this date and start is already recorded");
          return false;
        }
      if (o->start >= 0 && a.start >= 0 && a.start < o->start + o->minutes && o->start < a.start + minutes)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the session overlaps another on the same date");
          return false;
        }
    }
  set_date (a.date, date);
  for (pos = 0; pos < episode->attendance->len; pos++)
    if (attendance_cmp (&g_array_index (episode->attendance, Attendance, pos), a.julian, a.start) > 0)
      break;
  g_array_insert_val (episode->attendance, pos, a);
  return true;
}

size_t
iop_episode_get_n_attendance (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, 0);
  return episode->attendance->len;
}

static const Attendance *
attendance_at (const iop_episode *e, size_t index)
{
  return index < e->attendance->len ? &g_array_index (e->attendance, Attendance, index) : NULL;
}

const char *
iop_episode_get_attendance_date (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return attendance_at (episode, index) ? attendance_at (episode, index)->date : NULL;
}

const char *
iop_episode_get_attendance_start (const iop_episode *episode, size_t index)
{
  const Attendance *a;
  g_return_val_if_fail (episode != NULL, NULL);
  a = attendance_at (episode, index);
  return a != NULL && a->start >= 0 ? a->start_text : NULL;
}

int
iop_episode_get_attendance_minutes (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, 0);
  return attendance_at (episode, index) ? attendance_at (episode, index)->minutes : 0;
}

const char *
iop_episode_get_attendance_kind (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return attendance_at (episode, index) ? attendance_at (episode, index)->kind : NULL;
}

iop_attendance_status
iop_episode_get_attendance_status (const iop_episode *episode, size_t index)
{
  g_return_val_if_fail (episode != NULL, 0);
  return attendance_at (episode, index) ? attendance_at (episode, index)->status : (iop_attendance_status) 0;
}

static gboolean
set_optional_date (iop_episode *e, Date d, const char *value, const char *what, iop_error **error)
{
  guint32 j = 0;
  if (value == NULL)
    {
      d[0] = '\0';
      return TRUE;
    }
  if (!iop_check_date_arg (value, what, &j, error))
    return FALSE;
  if (j < iop_date_julian (e->admission))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the %s is before the admission", what);
      return FALSE;
    }
  set_date (d, value);
  return TRUE;
}

bool
iop_episode_set_medicare_certified (iop_episode *episode, const char *date, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  return set_optional_date (episode, episode->medicare, date, "certification date", error);
}

const char *
iop_episode_get_medicare_certified (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return date_or_null (episode->medicare);
}

bool
iop_episode_set_taper_start (iop_episode *episode, const char *date, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  return set_optional_date (episode, episode->taper, date, "taper start", error);
}

const char *
iop_episode_get_taper_start (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return date_or_null (episode->taper);
}

bool
iop_episode_set_rule_sets (iop_episode *episode, const char *rule_sets, iop_error **error)
{
  g_return_val_if_fail (episode != NULL, false);
  if (rule_sets != NULL && !iop_check_text_arg (rule_sets, "rule-set selection", MAX_RULE_SETS, error))
    return false;
  g_free (episode->rule_sets);
  episode->rule_sets = g_strdup (rule_sets);
  return true;
}

const char *
iop_episode_get_rule_sets (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return episode->rule_sets;
}

char *
iop_episode_get_recertification_due (const iop_episode *episode, const iop_compliance_rules *rules,
                                     iop_error **error)
{
  iop_compliance_rules *owned = NULL;
  char *due;

  g_return_val_if_fail (episode != NULL, NULL);
  if (episode->medicare[0] == '\0')
    {
      iop_set_error (error, IOP_ERROR_NOT_FOUND, NULL, "the episode has no Medicare certification date");
      return NULL;
    }
  if (rules == NULL)
    rules = owned = iop_compliance_rules_new_default ();
  due = iop_compliance_rules_get_recertification_due (rules, episode->medicare, error);
  iop_compliance_rules_unref (owned);
  return due;
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

static void
add_date_or_null (JsonBuilder *b, const char *member, const Date d)
{
  json_builder_set_member_name (b, member);
  iop_json_add_string_or_null (b, date_or_null (d));
}

char *
iop_episode_to_json (const iop_episode *episode)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  const iop_episode *e = episode;

  g_return_val_if_fail (episode != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, EPISODE_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, EPISODE_FORMAT_VERSION);
  json_builder_set_member_name (b, "program");
  json_builder_add_string_value (b, iop_program_get_id (e->program));
  json_builder_set_member_name (b, "client");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, e->client_id);
  add_date_or_null (b, "birth_date", e->birth);
  json_builder_set_member_name (b, "age_group");
  json_builder_add_string_value (b, iop_age_group_to_string (e->age));
  json_builder_end_object (b);
  add_date_or_null (b, "admission_date", e->admission);
  json_builder_set_member_name (b, "payer");
  iop_json_add_string_or_null (b, e->payer);
  json_builder_set_member_name (b, "diagnoses");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->diagnoses->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (e->diagnoses, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "level_history");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->levels->len; i++)
    {
      const LevelEntry *l = &g_array_index (e->levels, LevelEntry, i);
      json_builder_begin_object (b);
      add_date_or_null (b, "date", l->date);
      json_builder_set_member_name (b, "edition");
      json_builder_add_string_value (b, iop_edition_to_string (iop_level_get_edition (l->level)));
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, iop_level_get_code (l->level));
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, l->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "stage_of_change_history");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->socs->len; i++)
    {
      const SocEntry *s = &g_array_index (e->socs, SocEntry, i);
      json_builder_begin_object (b);
      add_date_or_null (b, "date", s->date);
      json_builder_set_member_name (b, "stage");
      json_builder_add_string_value (b, iop_stage_of_change_to_string (s->stage));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "stage_history");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->stages->len; i++)
    {
      const StageEntry *s = &g_array_index (e->stages, StageEntry, i);
      json_builder_begin_object (b);
      add_date_or_null (b, "date", s->date);
      json_builder_set_member_name (b, "stage");
      json_builder_add_string_value (b, s->stage);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, s->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "goals");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->goals->len; i++)
    {
      const Goal *g = g_ptr_array_index (e->goals, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, g->id);
      json_builder_set_member_name (b, "stage");
      json_builder_add_string_value (b, g->stage);
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, g->description);
      add_date_or_null (b, "target_date", g->target);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, g->status);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "schedule");
  json_builder_begin_object (b);
  iop_schedule_build_sessions (b, e->schedule);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "attendance");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->attendance->len; i++)
    {
      const Attendance *a = &g_array_index (e->attendance, Attendance, i);
      json_builder_begin_object (b);
      add_date_or_null (b, "date", a->date);
      json_builder_set_member_name (b, "start");
      iop_json_add_string_or_null (b, a->start >= 0 ? a->start_text : NULL);
      json_builder_set_member_name (b, "minutes");
      json_builder_add_int_value (b, a->minutes);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, a->kind);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, iop_attendance_status_to_string (a->status));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_date_or_null (b, "medicare_certified", e->medicare);
  add_date_or_null (b, "taper_start", e->taper);
  json_builder_set_member_name (b, "rule_sets");
  iop_json_add_string_or_null (b, e->rule_sets);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* Reading: a member that is absent or null; else a string (required or not). */
static gboolean
get_optional_string (IopJsonReader *r, JsonObject *obj, const char *member, const char **out)
{
  JsonNode *n = json_object_get_member (obj, member);
  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  return iop_json_get_string (r, obj, member, TRUE, out);
}

typedef gboolean (*ItemReader) (IopJsonReader *r, JsonObject *item, iop_episode *e, guint index);

static gboolean
read_items (IopJsonReader *r, JsonObject *obj, const char *member, const char *what, iop_episode *e,
            ItemReader read_item)
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
      JsonObject *item = iop_json_expect_object (r, json_array_get_element (arr, i), what);
      ok = item != NULL && read_item (r, item, e, i);
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return ok;
}

static gboolean
read_level_entry (IopJsonReader *r, JsonObject *item, iop_episode *e, guint index)
{
  static const char *const members[] = { "date", "edition", "code", "reason", NULL };
  const char *date = NULL, *edition = NULL, *code = NULL, *reason = NULL;
  iop_error *inner = NULL;
  iop_edition ed;
  const iop_level *level;
  guint32 j = 0;

  if (!iop_json_check_members (r, item, members) || !iop_json_get_string (r, item, "date", TRUE, &date) ||
      !iop_json_get_string (r, item, "edition", TRUE, &edition) ||
      !iop_json_get_string (r, item, "code", TRUE, &code) || !iop_json_get_string (r, item, "reason", TRUE, &reason))
    return FALSE;
  if (!iop_date_parse (date, &j))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "not a calendar date in YYYY-MM-DD form");
  if (index == 0 && strcmp (date, e->admission) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "the first entry must be dated the admission date");
  if (index > 0 && j < iop_date_julian (g_array_index (e->levels, LevelEntry, index - 1).date))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "entries must be in date order");
  ed = iop_edition_from_string (edition, NULL);
  if (ed == IOP_EDITION_ANY || ed == 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "edition", "expected asam3, asam4 or locus");
  level = find_level (e, ed, code, &inner);
  if (level == NULL)
    return iop_json_fail_from (r, "code", FALSE, &inner);
  if (!iop_check_text_arg (reason, "reason", MAX_REASON, &inner))
    return iop_json_fail_from (r, "reason", FALSE, &inner);
  push_level (e, date, level, reason);
  return TRUE;
}

static gboolean
read_soc_entry (IopJsonReader *r, JsonObject *item, iop_episode *e, guint index)
{
  static const char *const members[] = { "date", "stage", NULL };
  const char *date = NULL, *stage = NULL;
  iop_stage_of_change soc;
  iop_error *inner = NULL;

  (void) index;
  if (!iop_json_check_members (r, item, members) || !iop_json_get_string (r, item, "date", TRUE, &date) ||
      !iop_json_get_string (r, item, "stage", TRUE, &stage))
    return FALSE;
  soc = iop_stage_of_change_from_string (stage, NULL);
  if (soc == IOP_STAGE_OF_CHANGE_UNKNOWN)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "stage",
                          "expected precontemplation, contemplation, preparation, action, maintenance or relapse");
  return iop_json_fail_from (r, "date", iop_episode_set_stage_of_change (e, soc, date, &inner), &inner);
}

static gboolean
read_stage_entry (IopJsonReader *r, JsonObject *item, iop_episode *e, guint index)
{
  static const char *const members[] = { "date", "stage", "reason", NULL };
  const char *date = NULL, *stage = NULL, *reason = NULL;
  const IopStage *s;
  iop_error *inner = NULL;
  guint32 j = 0;

  if (!iop_json_check_members (r, item, members) || !iop_json_get_string (r, item, "date", TRUE, &date) ||
      !iop_json_get_string (r, item, "stage", TRUE, &stage) ||
      !iop_json_get_string (r, item, "reason", TRUE, &reason))
    return FALSE;
  if (!iop_date_parse (date, &j))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "not a calendar date in YYYY-MM-DD form");
  if (index == 0 && strcmp (date, e->admission) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "the first entry must be dated the admission date");
  if (index > 0 && j < iop_date_julian (g_array_index (e->stages, StageEntry, index - 1).date))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "date", "entries must be in date order");
  s = iop_program_find_stage (e->program, stage);
  if (s == NULL)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "stage", "the program has no such stage");
  if (!iop_check_text_arg (reason, "reason", MAX_REASON, &inner))
    return iop_json_fail_from (r, "reason", FALSE, &inner);
  /* The history is a record: transitions the program allows today are not re-checked. */
  push_stage (e, date, s->id, reason);
  return TRUE;
}

static gboolean
read_goal (IopJsonReader *r, JsonObject *item, iop_episode *e, guint index)
{
  static const char *const members[] = { "id", "stage", "description", "target_date", "status", NULL };
  const char *id = NULL, *stage = NULL, *description = NULL, *target = NULL, *status = NULL, *st;
  iop_error *inner = NULL;

  (void) index;
  if (!iop_json_check_members (r, item, members) || !iop_json_get_string (r, item, "id", TRUE, &id) ||
      !iop_json_get_string (r, item, "stage", TRUE, &stage) ||
      !iop_json_get_string (r, item, "description", TRUE, &description) ||
      !get_optional_string (r, item, "target_date", &target) ||
      !iop_json_get_string (r, item, "status", TRUE, &status))
    return FALSE;
  st = goal_status (status);
  if (st == NULL)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "status",
                          "expected proposed, active, achieved, not-achieved, waived or cancelled");
  if (!add_goal (e, id, stage, description, target, st, &inner))
    {
      const char *member = iop_error_get_code (inner) == IOP_ERROR_EXISTS ? "id"
                           : iop_error_get_code (inner) == IOP_ERROR_NOT_FOUND ? "stage"
                           : target != NULL && !iop_date_parse (target, NULL) ? "target_date"
                           : check_identifier (id, "goal identifier", NULL) ? "description" : "id";
      return iop_json_fail_from (r, member, FALSE, &inner);
    }
  return TRUE;
}

static gboolean
read_attendance (IopJsonReader *r, JsonObject *item, iop_episode *e, guint index)
{
  static const char *const members[] = { "date", "start", "minutes", "kind", "status", NULL };
  const char *date = NULL, *start = NULL, *kind = NULL, *status = NULL;
  gint64 minutes = 0;
  iop_attendance_status st;
  iop_error *inner = NULL;

  (void) index;
  if (!iop_json_check_members (r, item, members) || !iop_json_get_string (r, item, "date", TRUE, &date) ||
      !get_optional_string (r, item, "start", &start) ||
      !iop_json_get_int (r, item, "minutes", TRUE, G_MININT32, G_MAXINT32, NULL, &minutes) ||
      !iop_json_get_string (r, item, "kind", TRUE, &kind) || !iop_json_get_string (r, item, "status", TRUE, &status))
    return FALSE;
  st = iop_attendance_status_from_string (status, NULL);
  if (st == 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "status", "expected attended, missed or excused");
  return iop_json_fail_from (r, NULL, iop_episode_add_attendance (e, date, start, (int) CLAMP (minutes, -1, 24 * 60 + 1), kind, st,
                                                     &inner), &inner);
}

static gboolean
read_client (IopJsonReader *r, JsonObject *obj, iop_episode *e)
{
  static const char *const members[] = { "id", "birth_date", "age_group", NULL };
  gboolean failed = FALSE, ok;
  JsonObject *co = iop_json_get_object (r, obj, "client", TRUE, &failed);
  const char *id = NULL, *birth = NULL, *age = NULL;
  iop_error *inner = NULL;
  iop_age_group ag;
  gsize mark;

  if (co == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "client");
  ok = iop_json_check_members (r, co, members) && iop_json_get_string (r, co, "id", TRUE, &id) &&
       get_optional_string (r, co, "birth_date", &birth) && iop_json_get_string (r, co, "age_group", TRUE, &age);
  if (ok && !check_identifier (id, "client identifier", &inner))
    ok = iop_json_fail_from (r, "id", FALSE, &inner);
  if (ok)
    e->client_id = g_strdup (id);
  if (ok)
    {
      ag = iop_age_group_from_string (age, NULL);
      if (ag == 0)
        ok = iop_json_fail (r, IOP_ERROR_INVALID_DATA, "age_group", "expected adult or adolescent");
      else
        e->age = ag;
    }
  if (ok && birth != NULL)
    ok = iop_json_fail_from (r, "birth_date", iop_episode_set_birth_date (e, birth, &inner), &inner);
  iop_json_pop (r, mark);
  return ok;
}

static gboolean
read_diagnoses (IopJsonReader *r, JsonObject *obj, iop_episode *e)
{
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr = iop_json_get_array (r, obj, "diagnoses", TRUE, &failed);
  gsize mark;

  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "diagnoses");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (r, i);
      iop_error *inner = NULL;
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        ok = iop_json_fail (r, IOP_ERROR_PARSE, NULL, "expected an ICD-10-CM code as a string");
      else
        ok = iop_json_fail_from (r, NULL, iop_episode_add_diagnosis (e, json_node_get_string (n), &inner), &inner);
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return ok;
}

static gboolean
read_episode (IopJsonReader *r, JsonObject *obj, iop_episode *e)
{
  static const char *const members[] = { "format", "format_version", "program", "client", "admission_date",
                                         "payer", "diagnoses", "level_history", "stage_of_change_history",
                                         "stage_history", "goals", "schedule", "attendance",
                                         "medicare_certified", "taper_start", "rule_sets", NULL };
  static const char *const schedule_members[] = { "sessions", NULL };
  const char *format = NULL, *program = NULL, *admission = NULL, *payer = NULL, *medicare = NULL, *taper = NULL,
             *rule_sets = NULL;
  gint64 version = 0;
  gboolean failed = FALSE;
  JsonObject *so;
  iop_error *inner = NULL;
  gsize mark;

  if (!iop_json_check_members (r, obj, members) || !iop_json_get_string (r, obj, "format", TRUE, &format))
    return FALSE;
  if (strcmp (format, EPISODE_FORMAT) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format", "expected \"" EPISODE_FORMAT "\"");
  if (!iop_json_get_int (r, obj, "format_version", TRUE, 1, G_MAXINT32, NULL, &version))
    return FALSE;
  if (version != EPISODE_FORMAT_VERSION)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format_version",
                          "this version is not supported (this libiop reads %d)", EPISODE_FORMAT_VERSION);
  if (!iop_json_get_string (r, obj, "program", TRUE, &program))
    return FALSE;
  if (strcmp (program, iop_program_get_id (e->program)) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "program",
                          "the episode was written for another program pack than \"%s\"", iop_program_get_id (e->program));
  if (!iop_json_get_string (r, obj, "admission_date", TRUE, &admission))
    return FALSE;
  if (!iop_date_parse (admission, NULL))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "admission_date", "not a calendar date in YYYY-MM-DD form");
  set_date (e->admission, admission);
  if (!read_client (r, obj, e) || !get_optional_string (r, obj, "payer", &payer))
    return FALSE;
  if (payer != NULL && !iop_check_text_arg (payer, "payer reference", MAX_PAYER, &inner))
    return iop_json_fail_from (r, "payer", FALSE, &inner);
  e->payer = g_strdup (payer);
  if (!read_diagnoses (r, obj, e) ||
      !read_items (r, obj, "level_history", "a level history entry", e, read_level_entry) ||
      !read_items (r, obj, "stage_of_change_history", "a stage-of-change entry", e, read_soc_entry) ||
      !read_items (r, obj, "stage_history", "a stage history entry", e, read_stage_entry) ||
      !read_items (r, obj, "goals", "a goal", e, read_goal))
    return FALSE;
  if (e->levels->len == 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "level_history", "needs the admission entry");
  if (e->stages->len == 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "stage_history", "needs the admission entry");
  so = iop_json_get_object (r, obj, "schedule", TRUE, &failed);
  if (so == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "schedule");
  if (!iop_json_check_members (r, so, schedule_members) || !iop_schedule_read_sessions (r, so, e->schedule))
    return FALSE;
  iop_json_pop (r, mark);
  if (!read_items (r, obj, "attendance", "an attendance entry", e, read_attendance) ||
      !get_optional_string (r, obj, "medicare_certified", &medicare) ||
      !iop_json_fail_from (r, "medicare_certified", iop_episode_set_medicare_certified (e, medicare, &inner), &inner) ||
      !get_optional_string (r, obj, "taper_start", &taper) ||
      !iop_json_fail_from (r, "taper_start", iop_episode_set_taper_start (e, taper, &inner), &inner) ||
      !get_optional_string (r, obj, "rule_sets", &rule_sets))
    return FALSE;
  if (rule_sets != NULL && !iop_check_text_arg (rule_sets, "rule-set selection", MAX_RULE_SETS, &inner))
    return iop_json_fail_from (r, "rule_sets", FALSE, &inner);
  e->rule_sets = g_strdup (rule_sets);
  return TRUE;
}

static iop_episode *
episode_load (iop_continuum *continuum, iop_program *program, const char *json, gssize length, iop_error **error)
{
  g_autoptr(JsonNode) root = iop_json_parse (json, length, error);
  IopJsonReader r;
  JsonObject *obj;
  iop_episode *e;
  gboolean ok;

  if (root == NULL)
    return NULL;
  e = episode_alloc (continuum, program);
  iop_json_reader_init (&r, error, FALSE);
  obj = iop_json_expect_object (&r, root, "an episode");
  ok = obj != NULL && read_episode (&r, obj, e);
  iop_json_reader_clear (&r);
  if (!ok)
    {
      iop_episode_free (e);
      return NULL;
    }
  return e;
}

iop_episode *
iop_episode_new_from_json (iop_continuum *continuum, iop_program *program, const char *json, iop_error **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return episode_load (continuum, program, json, -1, error);
}

iop_episode *
iop_episode_new_from_file (iop_continuum *continuum, iop_program *program, const char *path, iop_error **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  contents = iop_read_file (path, "episode", &length, error);
  if (contents == NULL)
    return NULL;
  return episode_load (continuum, program, contents, (gssize) length, error);
}

iop_episode *
iop_episode_copy (const iop_episode *episode)
{
  g_autofree char *text = NULL;
  iop_error *error = NULL;
  iop_episode *copy;

  g_return_val_if_fail (episode != NULL, NULL);
  text = iop_episode_to_json (episode);
  copy = episode_load (episode->continuum, episode->program, text, -1, &error);
  if (copy == NULL)
    g_error ("libiop: an episode did not read back its own JSON: %s", iop_error_get_message (error));
  return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* Attendance summary and the check                                                            */

/* The Julian day of the Monday of @julian's ISO week, and the week's label. */
static guint32
iso_week (guint32 julian, char label[9])
{
  GDate d;
  guint32 monday;
  g_date_clear (&d, 1);
  g_date_set_julian (&d, julian);
  monday = julian - (g_date_get_weekday (&d) - G_DATE_MONDAY);
  if (label != NULL)
    {
      GDate thursday;
      g_date_clear (&thursday, 1);
      g_date_set_julian (&thursday, monday + 3); /* the ISO year is the year of the week's Thursday */
      g_snprintf (label, 9, "%04u-W%02u", (guint) g_date_get_year (&thursday),
                  g_date_get_iso8601_week_of_year (&d));
    }
  return monday;
}

iop_attendance_summary *
iop_episode_summarize_attendance (const iop_episode *episode, const char *as_of, iop_error **error)
{
  iop_attendance_summary *s;
  guint32 admission, end = 0, first_monday;
  int run = 0;

  g_return_val_if_fail (episode != NULL, NULL);
  admission = iop_date_julian (episode->admission);
  if (as_of != NULL)
    {
      if (!iop_check_date_arg (as_of, "date", &end, error))
        return NULL;
      if (end < admission)
        {
          iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is before the admission");
          return NULL;
        }
    }
  else
    end = episode->attendance->len > 0
              ? g_array_index (episode->attendance, Attendance, episode->attendance->len - 1).julian
              : admission;
  s = g_new0 (iop_attendance_summary, 1);
  iop_date_format (end, s->as_of);
  s->weeks = g_array_new (FALSE, TRUE, sizeof (Week));
  s->flags = g_array_new (FALSE, TRUE, sizeof (Flag));
  s->outreach_misses = iop_program_get_outreach_misses (episode->program);
  s->dropout_below = iop_program_get_dropout_threshold (episode->program);
  first_monday = iso_week (admission, NULL);
  for (guint32 monday = first_monday; monday <= end; monday += 7)
    {
      Week w = { { 0 }, 0, 0, { 0 } };
      iso_week (monday, w.week);
      g_array_append_val (s->weeks, w);
    }
  for (guint32 day = admission; day <= end; day++)
    {
      GDate d;
      Week *w = &g_array_index (s->weeks, Week, (iso_week (day, NULL) - first_monday) / 7);
      g_date_clear (&d, 1);
      g_date_set_julian (&d, day);
      w->planned += iop_schedule_get_minutes_on (episode->schedule, (iop_weekday) g_date_get_weekday (&d));
    }
  for (guint i = 0; i < episode->attendance->len; i++)
    {
      const Attendance *a = &g_array_index (episode->attendance, Attendance, i);
      Week *w;
      if (a->julian > end)
        break;
      w = &g_array_index (s->weeks, Week, (iso_week (a->julian, NULL) - first_monday) / 7);
      w->counts[a->status]++;
      if (a->status == IOP_ATTENDANCE_ATTENDED)
        {
          w->attended_minutes += a->minutes;
          s->attended++;
          run = 0;
        }
      else if (a->status == IOP_ATTENDANCE_MISSED)
        {
          s->missed++;
          if (++run == s->outreach_misses)
            {
              Flag f = { "outreach", { 0 } };
              set_date (f.date, a->date);
              g_array_append_val (s->flags, f);
            }
        }
    }
  s->current_misses = run;
  s->rate = s->attended + s->missed > 0 ? (double) s->attended / (s->attended + s->missed) : 1.0;
  s->sessions_per_week = (double) s->attended / s->weeks->len;
  if (s->attended + s->missed > 0 && s->rate < s->dropout_below)
    {
      Flag f = { "dropout-risk", { 0 } };
      set_date (f.date, s->as_of);
      g_array_append_val (s->flags, f);
    }
  return s;
}

void
iop_attendance_summary_free (iop_attendance_summary *summary)
{
  if (summary == NULL)
    return;
  g_array_unref (summary->weeks);
  g_array_unref (summary->flags);
  g_free (summary);
}

size_t
iop_attendance_summary_get_n_weeks (const iop_attendance_summary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->weeks->len;
}

static const Week *
week_at (const iop_attendance_summary *s, size_t index)
{
  return index < s->weeks->len ? &g_array_index (s->weeks, Week, index) : NULL;
}

const char *
iop_attendance_summary_get_week (const iop_attendance_summary *summary, size_t index)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return week_at (summary, index) ? week_at (summary, index)->week : NULL;
}

double
iop_attendance_summary_get_planned_hours (const iop_attendance_summary *summary, size_t index)
{
  g_return_val_if_fail (summary != NULL, 0);
  return week_at (summary, index) ? week_at (summary, index)->planned / 60.0 : 0;
}

double
iop_attendance_summary_get_attended_hours (const iop_attendance_summary *summary, size_t index)
{
  g_return_val_if_fail (summary != NULL, 0);
  return week_at (summary, index) ? week_at (summary, index)->attended_minutes / 60.0 : 0;
}

int
iop_attendance_summary_get_sessions (const iop_attendance_summary *summary, size_t index,
                                     iop_attendance_status status)
{
  g_return_val_if_fail (summary != NULL, 0);
  if (week_at (summary, index) == NULL || iop_attendance_status_to_string (status) == NULL)
    return 0;
  return week_at (summary, index)->counts[status];
}

double
iop_attendance_summary_get_rate (const iop_attendance_summary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->rate;
}

double
iop_attendance_summary_get_sessions_per_week (const iop_attendance_summary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->sessions_per_week;
}

int
iop_attendance_summary_get_current_misses (const iop_attendance_summary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->current_misses;
}

size_t
iop_attendance_summary_get_n_flags (const iop_attendance_summary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->flags->len;
}

const char *
iop_attendance_summary_get_flag (const iop_attendance_summary *summary, size_t index)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return index < summary->flags->len ? g_array_index (summary->flags, Flag, index).flag : NULL;
}

const char *
iop_attendance_summary_get_flag_date (const iop_attendance_summary *summary, size_t index)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return index < summary->flags->len ? g_array_index (summary->flags, Flag, index).date : NULL;
}

static double
round2 (double v)
{
  return round (v * 100) / 100;
}

static char *
flag_text (const iop_attendance_summary *s, const Flag *f)
{
  if (strcmp (f->flag, "outreach") == 0)
    return g_strdup_printf ("%d consecutive missed sessions: reach out to the client", s->outreach_misses);
  return g_strdup_printf ("attendance rate %.0f%% is below %.0f%%: dropout risk", s->rate * 100,
                          s->dropout_below * 100);
}

char *
iop_attendance_summary_to_json (const iop_attendance_summary *summary)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (summary != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "as_of");
  json_builder_add_string_value (b, summary->as_of);
  json_builder_set_member_name (b, "rate");
  iop_json_add_number (b, round2 (summary->rate));
  json_builder_set_member_name (b, "sessions_per_week");
  iop_json_add_number (b, round2 (summary->sessions_per_week));
  json_builder_set_member_name (b, "current_misses");
  json_builder_add_int_value (b, summary->current_misses);
  json_builder_set_member_name (b, "weeks");
  json_builder_begin_array (b);
  for (guint i = 0; i < summary->weeks->len; i++)
    {
      const Week *w = &g_array_index (summary->weeks, Week, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "week");
      json_builder_add_string_value (b, w->week);
      json_builder_set_member_name (b, "planned_hours");
      iop_json_add_number (b, round2 (w->planned / 60.0));
      json_builder_set_member_name (b, "attended_hours");
      iop_json_add_number (b, round2 (w->attended_minutes / 60.0));
      for (int st = IOP_ATTENDANCE_ATTENDED; st <= IOP_ATTENDANCE_EXCUSED; st++)
        {
          json_builder_set_member_name (b, attendance_names[st - 1]);
          json_builder_add_int_value (b, w->counts[st]);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  for (guint i = 0; i < summary->flags->len; i++)
    {
      const Flag *f = &g_array_index (summary->flags, Flag, i);
      g_autofree char *text = flag_text (summary, f);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "flag");
      json_builder_add_string_value (b, f->flag);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, f->date);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* The rule sets to check: the episode's selection, or the pack's defaults plus "medicare" for a
 * Medicare-certified episode. */
static char *
select_rule_sets (const iop_episode *e, const iop_compliance_rules *rules)
{
  GString *csv;
  gboolean has_medicare = FALSE;

  if (e->rule_sets != NULL)
    return g_strdup (e->rule_sets);
  csv = g_string_new (NULL);
  for (size_t i = 0; i < iop_compliance_rules_get_n_rule_sets (rules); i++)
    {
      const char *id = iop_compliance_rules_get_rule_set_id (rules, i);
      gboolean want = iop_compliance_rules_rule_set_is_default (rules, i) ||
                      (e->medicare[0] != '\0' && strcmp (id, "medicare") == 0);
      if (!want)
        continue;
      has_medicare |= strcmp (id, "medicare") == 0;
      if (csv->len > 0)
        g_string_append_c (csv, ',');
      g_string_append (csv, id);
    }
  (void) has_medicare;
  return g_string_free (csv, FALSE);
}

iop_compliance_report *
iop_episode_check (const iop_episode *episode, const iop_compliance_rules *rules, const char *as_of,
                   iop_error **error)
{
  iop_compliance_rules *owned = NULL;
  iop_compliance_report *report = NULL;
  iop_attendance_summary *summary = NULL;
  g_autofree char *sets = NULL;
  guint32 on = 0;
  int weeks_below = 0;
  iop_age_group age;

  g_return_val_if_fail (episode != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!iop_check_date_arg (as_of, "date", &on, error))
    return NULL;
  if (on < iop_date_julian (episode->admission))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date is before the admission");
      return NULL;
    }
  if (rules == NULL)
    rules = owned = iop_compliance_rules_new_default ();
  age = iop_episode_get_age_group (episode, as_of, NULL);
  if (episode->taper[0] != '\0' && on >= iop_date_julian (episode->taper))
    weeks_below = (int) ((on - iop_date_julian (episode->taper)) / 7) + 1;
  sets = select_rule_sets (episode, rules);
  report = iop_compliance_rules_check_schedule (rules, iop_episode_get_level (episode), age, episode->schedule,
                                                weeks_below, sets[0] != '\0' ? sets : NULL, error);
  if (report == NULL)
    goto out;
  summary = iop_episode_summarize_attendance (episode, as_of, NULL);
  if (summary->attended + summary->missed > 0)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      /* Not printf's %g: the text must not follow the locale's decimal separator. */
      g_autofree char *required =
        g_strconcat (">= ", g_ascii_formatd (number, sizeof number, "%g", summary->dropout_below), NULL);
      g_autofree char *text = g_strdup_printf ("Attendance rate of %d attended and %d missed sessions",
                                               summary->attended, summary->missed);
      iop_compliance_report_append (report, "attendance-rate", "engagement",
                                    iop_program_get_dropout_source (episode->program),
                                    summary->rate >= summary->dropout_below,
                                    summary->rate >= summary->dropout_below ? "pass" : "fail", summary->rate,
                                    required, text, NULL);
    }
  if (summary->attended + summary->missed > 0)
    {
      gboolean ok = summary->current_misses < summary->outreach_misses;
      g_autofree char *required = g_strdup_printf ("< %d consecutive misses", summary->outreach_misses);
      iop_compliance_report_append (report, "consecutive-misses", "engagement",
                                    iop_program_get_outreach_source (episode->program), ok, ok ? "pass" : "fail",
                                    summary->current_misses, required,
                                    ok ? "No run of missed sessions that calls for outreach"
                                       : "Consecutive missed sessions: reach out to the client",
                                    NULL);
    }
  if (episode->medicare[0] != '\0')
    {
      g_autofree char *due = iop_compliance_rules_get_recertification_due (rules, episode->medicare, NULL);
      guint32 due_j = iop_date_julian (due);
      double days_left = (double) due_j - (double) on;
      g_autofree char *required = g_strdup_printf ("recertified by %s", due);
      iop_compliance_report_append (report, "medicare-recertification", "medicare",
                                    iop_compliance_rules_get_medicare_source (rules), on <= due_j,
                                    on <= due_j ? "pass" : "fail", days_left, required,
                                    on <= due_j ? "Medicare IOP recertification is not yet due"
                                                : "Medicare IOP recertification is overdue",
                                    due);
    }
out:
  iop_attendance_summary_free (summary);
  iop_compliance_rules_unref (owned);
  return report;
}

iop_program *
iop_episode_get_program (const iop_episode *episode)
{
  g_return_val_if_fail (episode != NULL, NULL);
  return episode->program;
}
