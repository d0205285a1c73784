/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * What leaves the program with a continuing-care plan: the transition-readiness checklist, the
 * FHIR R4 export and the transition package. Both exports pass the 42 CFR Part 2 consent gate
 * before they build anything.
 */
#include "iop-careplan-private.h"
#include "iop-fhir-private.h"
#include "iop-json-private.h"

#include <string.h>

#define PACKAGE_FORMAT "libiop-transition-package"
#define PACKAGE_FORMAT_VERSION 1
#define CLIENT_SYSTEM "urn:libiop:client"
#define ICD10CM_SYSTEM "http://hl7.org/fhir/sid/icd-10-cm"
#define CAREPLAN_CATEGORY_SYSTEM "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
#define GOAL_ACHIEVEMENT_SYSTEM "http://terminology.hl7.org/CodeSystem/goal-achievement"
#define CONDITION_CLINICAL_SYSTEM "http://terminology.hl7.org/CodeSystem/condition-clinical"
#define ITEM_KIND_SYSTEM IOP_FHIR_LIBIOP_SYSTEM_BASE "careplan-item-kind"

/* The data classes the transition package carries (and so the transfer the readiness check asks about). */
static const char *const package_classes[] = { "sud-treatment", "diagnoses", "care-plan", "attendance",
                                               "outcome-measures", NULL };

typedef struct {
  const char *id, *source;
  gboolean passed;
  char *text;
} ReadyItem;

struct iop_readiness {
  iop_careplan_template *tpl; /* the items' sources live in it */
  char as_of[11];
  GArray *items;              /* ReadyItem */
};

static void
ready_item_clear (gpointer data)
{
  g_free (((ReadyItem *) data)->text);
}

static gboolean
same_client (const iop_careplan *plan, const iop_episode *episode, iop_error **error)
{
  if (strcmp (iop_careplan_get_client_id (plan), iop_episode_get_client_id (episode)) != 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the plan and the episode are of different clients");
      return FALSE;
    }
  return TRUE;
}

/* Whether @consent, when there is one, is the plan's client's: a consent of another patient
 * permits nothing here. */
static gboolean
consent_is_clients (const iop_consent *consent, const iop_careplan *plan)
{
  return consent == NULL || g_strcmp0 (iop_consent_get_patient_id (consent), iop_careplan_get_client_id (plan)) == 0;
}

static void
add_ready (iop_readiness *r, const char *id, const char *source, gboolean passed, char *text)
{
  ReadyItem it = { id, source, passed, text };
  g_array_append_val (r->items, it);
}

/* Whether the goals of @stage are met: none open, at least one achieved or waived. */
static gboolean
stage_goals_met (const iop_episode *episode, const char *stage)
{
  gboolean any_done = FALSE;
  for (size_t i = 0; i < iop_episode_get_n_goals (episode); i++)
    {
      const char *status = iop_episode_get_goal_status (episode, i);
      if (strcmp (iop_episode_get_goal_stage (episode, i), stage) != 0)
        continue;
      if (strcmp (status, "achieved") == 0 || strcmp (status, "waived") == 0)
        any_done = TRUE;
      else if (strcmp (status, "cancelled") != 0)
        return FALSE;
    }
  return any_done;
}

static gboolean
is_final_stage (const iop_program *program, const char *stage)
{
  for (size_t i = 0; i < iop_program_get_n_stages (program); i++)
    if (iop_program_allows_transition (program, stage, iop_program_get_stage_id (program, i)))
      return FALSE;
  return TRUE;
}

iop_readiness *
iop_careplan_check_readiness (const iop_careplan *plan, const iop_episode *episode, const iop_consent *consent,
                              const char *as_of, iop_error **error)
{
  const IopReadinessParams *params;
  iop_readiness *r;
  guint32 on = 0, start, appointment;
  const char *stage, *provider;
  iop_stage_of_change soc;
  size_t recent = 0, urgent = 0;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (episode != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (as_of == NULL || !iop_date_parse (as_of, &on))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date must be a calendar date YYYY-MM-DD");
      return NULL;
    }
  if (!same_client (plan, episode, error))
    return NULL;
  params = iop_careplan_template_get_readiness (iop_careplan_get_template (plan));
  r = g_new0 (iop_readiness, 1);
  r->tpl = iop_careplan_ref_template (plan);
  g_strlcpy (r->as_of, as_of, sizeof r->as_of);
  r->items = g_array_new (FALSE, TRUE, sizeof (ReadyItem));
  g_array_set_clear_func (r->items, ready_item_clear);

  stage = iop_episode_get_stage (episode);
  if (!is_final_stage (iop_episode_get_program (episode), stage))
    add_ready (r, "final-stage-goals", params->source, FALSE,
               g_strdup_printf ("the episode is in stage \"%s\", not in a final stage of its program", stage));
  else if (!stage_goals_met (episode, stage))
    add_ready (r, "final-stage-goals", params->source, FALSE,
               g_strdup_printf ("the goals of stage \"%s\" are not all achieved, waived or cancelled", stage));
  else
    add_ready (r, "final-stage-goals", params->source, TRUE,
               g_strdup_printf ("the goals of the final stage \"%s\" are met", stage));

  soc = iop_episode_get_stage_of_change (episode);
  add_ready (r, "stage-of-change", params->source, (params->stages_of_change_mask & (1u << soc)) != 0,
             g_strdup_printf ("the last assessed stage of change is %s", iop_stage_of_change_to_string (soc)));

  for (size_t i = 0; i < iop_careplan_get_n_measures (plan); i++)
    {
      guint32 d = iop_date_julian (iop_careplan_get_measure_date (plan, i));
      if (d > on || d + (guint32) params->recent_measure_days <= on)
        continue;
      recent++;
      if (iop_careplan_get_measure_severity (plan, i) >= IOP_SEVERITY_URGENT)
        urgent++;
    }
  if (recent == 0)
    add_ready (r, "recent-measures", params->source, FALSE,
               g_strdup_printf ("no outcome measure recorded in the last %d days", params->recent_measure_days));
  else
    add_ready (r, "recent-measures", params->source, urgent == 0,
               urgent == 0 ? g_strdup_printf ("%zu recent measure(s) without an urgent safety flag", recent)
                           : g_strdup_printf ("%zu of %zu recent measure(s) raised an urgent safety flag", urgent, recent));

  provider = iop_careplan_get_receiving_provider (plan);
  add_ready (r, "receiving-provider", params->source, provider != NULL,
             g_strdup (provider != NULL ? "a receiving provider is named" : "no receiving provider is named"));

  start = iop_date_julian (iop_careplan_get_start_date (plan));
  appointment = iop_date_julian (iop_careplan_get_first_appointment (plan));
  if (appointment == 0)
    add_ready (r, "first-appointment", params->appointment_source, FALSE, g_strdup ("no first appointment is recorded"));
  else
    add_ready (r, "first-appointment", params->appointment_source,
               appointment <= start + (guint32) params->first_appointment_within_days,
               g_strdup_printf ("the first appointment is %u day(s) after the plan's start (at most %d)",
                                appointment - start, params->first_appointment_within_days));

  if (provider == NULL)
    add_ready (r, "consent", NULL, FALSE, g_strdup ("no receiving provider to check the consent against"));
  else if (!consent_is_clients (consent, plan))
    add_ready (r, "consent", NULL, FALSE, g_strdup ("the consent's patient identifier is not the client's"));
  else
    {
      /* The transfer is the transition package: every data class it carries must be permitted. */
      char *refusal = NULL;
      for (int i = 0; refusal == NULL && package_classes[i] != NULL; i++)
        {
          iop_consent_decision *d = iop_consent_check (consent, provider, "treating-providers", "treatment", as_of,
                                                       package_classes[i], NULL);
          if (d == NULL)
            refusal = g_strdup ("the consent could not be checked");
          else if (!iop_consent_decision_is_permitted (d))
            refusal = g_strdup_printf ("the consent does not permit the transfer: %s",
                                       iop_consent_decision_get_reason_text (d, 0));
          iop_consent_decision_free (d);
        }
      add_ready (r, "consent", NULL, refusal == NULL,
                 refusal != NULL ? refusal
                                 : g_strdup ("the consent permits disclosing the transition package to the receiving "
                                             "provider for treatment"));
    }
  return r;
}

void
iop_readiness_free (iop_readiness *readiness)
{
  if (readiness == NULL)
    return;
  g_array_unref (readiness->items);
  iop_careplan_template_unref (readiness->tpl);
  g_free (readiness);
}

bool
iop_readiness_is_ready (const iop_readiness *readiness)
{
  g_return_val_if_fail (readiness != NULL, false);
  for (guint i = 0; i < readiness->items->len; i++)
    if (!g_array_index (readiness->items, ReadyItem, i).passed)
      return false;
  return true;
}

size_t
iop_readiness_get_n_items (const iop_readiness *readiness)
{
  g_return_val_if_fail (readiness != NULL, 0);
  return readiness->items->len;
}

static const ReadyItem *
ready_at (const iop_readiness *r, size_t index)
{
  return index < r->items->len ? &g_array_index (r->items, ReadyItem, index) : NULL;
}

const char *
iop_readiness_get_item (const iop_readiness *readiness, size_t index)
{
  g_return_val_if_fail (readiness != NULL, NULL);
  return ready_at (readiness, index) ? ready_at (readiness, index)->id : NULL;
}

bool
iop_readiness_get_passed (const iop_readiness *readiness, size_t index)
{
  g_return_val_if_fail (readiness != NULL, false);
  return ready_at (readiness, index) ? ready_at (readiness, index)->passed : false;
}

const char *
iop_readiness_get_text (const iop_readiness *readiness, size_t index)
{
  g_return_val_if_fail (readiness != NULL, NULL);
  return ready_at (readiness, index) ? ready_at (readiness, index)->text : NULL;
}

char *
iop_readiness_to_json (const iop_readiness *readiness)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (readiness != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ready");
  json_builder_add_boolean_value (b, iop_readiness_is_ready (readiness));
  json_builder_set_member_name (b, "as_of");
  json_builder_add_string_value (b, readiness->as_of);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < readiness->items->len; i++)
    {
      const ReadyItem *it = &g_array_index (readiness->items, ReadyItem, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, it->id);
      json_builder_set_member_name (b, "passed");
      json_builder_add_boolean_value (b, it->passed);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, it->text);
      json_builder_set_member_name (b, "source");
      iop_json_add_string_or_null (b, it->source);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* ------------------------------------------------------------------------------------------ */
/* Exports                                                                                     */

/* The consent gate: every data class the export carries must be permitted. */
static gboolean
gate (const iop_consent *consent, const iop_careplan *plan, const char *recipient, const char *date,
      const char *const *classes, iop_error **error)
{
  if (!consent_is_clients (consent, plan))
    {
      iop_set_error (error, IOP_ERROR_PERMISSION_DENIED, NULL,
                     "disclosure not permitted (other-patient): the consent's patient identifier is not the client's");
      return FALSE;
    }
  for (int i = 0; classes[i] != NULL; i++)
    if (!iop_consent_require (consent, recipient, "treating-providers", "treatment", date, classes[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
check_export_args (const iop_careplan *plan, const iop_episode *episode, const char *recipient, const char *date,
                   iop_error **error)
{
  if (date == NULL || !iop_date_parse (date, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date must be a calendar date YYYY-MM-DD");
      return FALSE;
    }
  if (recipient == NULL || *recipient == '\0')
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the recipient must not be empty");
      return FALSE;
    }
  return same_client (plan, episode, error);
}

/* A stable urn:uuid for resource @what number @n of the plan. */
static char *
resource_urn (const iop_careplan *plan, const char *what, size_t n)
{
  g_autofree char *name = g_strdup_printf ("%s|%s|%s|%zu", iop_careplan_get_client_id (plan),
                                           iop_careplan_get_start_date (plan), what, n);
  return iop_fhir_name_urn (name);
}

/* Every resource of the Bundle carries the 42 CFR Part 2 labels. */
static void
begin_entry (JsonBuilder *b, const char *urn, const char *type)
{
  iop_fhir_begin_entry (b, urn, type);
  iop_fhir_set_part2_meta (b);
}

static void
add_subject (JsonBuilder *b, const iop_careplan *plan)
{
  json_builder_set_member_name (b, "subject");
  iop_fhir_add_reference (b, NULL, CLIENT_SYSTEM, iop_careplan_get_client_id (plan), NULL);
}

static void
add_reference_list (JsonBuilder *b, const char *member, GPtrArray *urns, gboolean nested)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < urns->len; i++)
    {
      json_builder_begin_object (b);
      if (nested)
        {
          json_builder_set_member_name (b, "reference");
          json_builder_begin_object (b);
        }
      json_builder_set_member_name (b, "reference");
      json_builder_add_string_value (b, g_ptr_array_index (urns, i));
      if (nested)
        json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static const char *
goal_lifecycle (const char *status, const char **achievement)
{
  *achievement = NULL;
  if (strcmp (status, "achieved") == 0)
    {
      *achievement = "achieved";
      return "completed";
    }
  if (strcmp (status, "not-achieved") == 0)
    {
      *achievement = "not-achieved";
      return "completed";
    }
  if (strcmp (status, "waived") == 0 || strcmp (status, "cancelled") == 0)
    return "cancelled";
  return status; /* proposed, active */
}

static const char *
request_status (iop_contact_status status)
{
  switch (status)
    {
    case IOP_CONTACT_COMPLETED:
      return "completed";
    case IOP_CONTACT_RESCHEDULED:
    case IOP_CONTACT_CANCELLED:
      return "revoked";
    case IOP_CONTACT_PLANNED:
    case IOP_CONTACT_MISSED:
    default:
      return "active";
    }
}

static void
add_relapse_note (JsonBuilder *b, const iop_careplan *plan, const char *section, const char *label)
{
  g_autoptr(GString) text = NULL;
  size_t n = iop_careplan_get_n_relapse_prevention (plan, section);
  if (n == 0)
    return;
  text = g_string_new (label);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? " " : "; ", iop_careplan_get_relapse_prevention (plan, section, i));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text->str);
  json_builder_end_object (b);
}

char *
iop_careplan_to_fhir (const iop_careplan *plan, const iop_episode *episode, const iop_consent *consent,
                      const char *recipient, const char *date, iop_error **error)
{
  static const char *const classes[] = { "care-plan", "diagnoses", "sud-treatment", NULL };
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GPtrArray) conditions = NULL, goals = NULL, requests = NULL;
  g_autofree char *plan_urn = NULL;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (episode != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_export_args (plan, episode, recipient, date, error) || !gate (consent, plan, recipient, date, classes, error))
    return NULL;

  conditions = g_ptr_array_new_with_free_func (g_free);
  goals = g_ptr_array_new_with_free_func (g_free);
  requests = g_ptr_array_new_with_free_func (g_free);
  for (size_t i = 0; i < iop_episode_get_n_diagnoses (episode); i++)
    g_ptr_array_add (conditions, resource_urn (plan, "Condition", i));
  for (size_t i = 0; i < iop_episode_get_n_goals (episode); i++)
    g_ptr_array_add (goals, resource_urn (plan, "Goal", i));
  for (size_t i = 0; i < iop_careplan_get_n_items (plan); i++)
    g_ptr_array_add (requests, resource_urn (plan, "ServiceRequest", i));
  plan_urn = resource_urn (plan, "CarePlan", 0);

  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Bundle");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "collection");
  json_builder_set_member_name (b, "entry");
  json_builder_begin_array (b);

  begin_entry (b, plan_urn, "CarePlan");
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "active");
  json_builder_set_member_name (b, "intent");
  json_builder_add_string_value (b, "plan");
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  iop_fhir_add_codeable_concept (b, CAREPLAN_CATEGORY_SYSTEM, "assess-plan", "Assessment and Plan of Treatment", NULL);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, "Continuing care after intensive outpatient treatment");
  add_subject (b, plan);
  json_builder_set_member_name (b, "period");
  iop_fhir_add_period (b, iop_careplan_get_start_date (plan), iop_careplan_get_end_date (plan));
  if (conditions->len > 0)
    add_reference_list (b, "addresses", conditions, FALSE);
  if (goals->len > 0)
    add_reference_list (b, "goal", goals, FALSE);
  if (requests->len > 0)
    add_reference_list (b, "activity", requests, TRUE);
  if (iop_careplan_get_n_relapse_prevention (plan, "triggers") + iop_careplan_get_n_relapse_prevention (plan, "coping_strategies") +
        iop_careplan_get_n_relapse_prevention (plan, "people_to_call") > 0)
    {
      json_builder_set_member_name (b, "note");
      json_builder_begin_array (b);
      add_relapse_note (b, plan, "triggers", "Relapse-prevention plan, triggers:");
      add_relapse_note (b, plan, "coping_strategies", "Relapse-prevention plan, coping strategies:");
      add_relapse_note (b, plan, "people_to_call", "Relapse-prevention plan, people to call:");
      json_builder_end_array (b);
    }
  iop_fhir_end_entry (b);

  for (size_t i = 0; i < iop_episode_get_n_diagnoses (episode); i++)
    {
      begin_entry (b, g_ptr_array_index (conditions, i), "Condition");
      json_builder_set_member_name (b, "clinicalStatus");
      iop_fhir_add_codeable_concept (b, CONDITION_CLINICAL_SYSTEM, "active", NULL, NULL);
      json_builder_set_member_name (b, "code");
      iop_fhir_add_codeable_concept (b, ICD10CM_SYSTEM, iop_episode_get_diagnosis (episode, i), NULL, NULL);
      add_subject (b, plan);
      iop_fhir_end_entry (b);
    }

  for (size_t i = 0; i < iop_episode_get_n_goals (episode); i++)
    {
      const char *achievement = NULL;
      const char *lifecycle = goal_lifecycle (iop_episode_get_goal_status (episode, i), &achievement);
      const char *target = iop_episode_get_goal_target_date (episode, i);
      begin_entry (b, g_ptr_array_index (goals, i), "Goal");
      json_builder_set_member_name (b, "lifecycleStatus");
      json_builder_add_string_value (b, lifecycle);
      if (achievement != NULL)
        {
          json_builder_set_member_name (b, "achievementStatus");
          iop_fhir_add_codeable_concept (b, GOAL_ACHIEVEMENT_SYSTEM, achievement, NULL, NULL);
        }
      json_builder_set_member_name (b, "description");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, iop_episode_get_goal_description (episode, i));
      json_builder_end_object (b);
      add_subject (b, plan);
      if (target != NULL)
        {
          json_builder_set_member_name (b, "target");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "dueDate");
          json_builder_add_string_value (b, target);
          json_builder_end_object (b);
          json_builder_end_array (b);
        }
      iop_fhir_end_entry (b);
    }

  for (size_t i = 0; i < iop_careplan_get_n_items (plan); i++)
    {
      int minutes = iop_careplan_get_item_minutes (plan, i);
      begin_entry (b, g_ptr_array_index (requests, i), "ServiceRequest");
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, request_status (iop_careplan_get_item_status (plan, i)));
      json_builder_set_member_name (b, "intent");
      json_builder_add_string_value (b, "plan");
      json_builder_set_member_name (b, "code");
      iop_fhir_add_codeable_concept (b, ITEM_KIND_SYSTEM, iop_careplan_get_item_kind (plan, i), NULL,
                                     iop_careplan_get_item_title (plan, i));
      add_subject (b, plan);
      json_builder_set_member_name (b, "occurrenceDateTime");
      json_builder_add_string_value (b, iop_careplan_get_item_date (plan, i));
      if (minutes > 0)
        {
          g_autofree char *text = g_strdup_printf ("Planned length: %d minutes", minutes);
          json_builder_set_member_name (b, "note");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, text);
          json_builder_end_object (b);
          json_builder_end_array (b);
        }
      iop_fhir_end_entry (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

static void
add_json_member (JsonBuilder *b, const char *member, char *text)
{
  JsonNode *node = iop_json_parse (text, -1, NULL);
  g_free (text);
  json_builder_set_member_name (b, member);
  json_builder_add_value (b, node); /* libiop's own output always parses */
}

char *
iop_careplan_transition_package (const iop_careplan *plan, const iop_episode *episode, const iop_consent *consent,
                                 const char *recipient, const char *date, iop_error **error)
{
  const char *const *classes = package_classes;
  g_autoptr(JsonBuilder) b = NULL;
  iop_attendance_summary *summary;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (episode != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_export_args (plan, episode, recipient, date, error) || !gate (consent, plan, recipient, date, classes, error))
    return NULL;
  summary = iop_episode_summarize_attendance (episode, date, error);
  if (summary == NULL)
    return NULL;
  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, PACKAGE_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, PACKAGE_FORMAT_VERSION);
  json_builder_set_member_name (b, "recipient");
  json_builder_add_string_value (b, recipient);
  json_builder_set_member_name (b, "date");
  json_builder_add_string_value (b, date);
  json_builder_set_member_name (b, "security");
  iop_fhir_add_part2_security_labels (b);
  add_json_member (b, "episode", iop_episode_to_json (episode));
  add_json_member (b, "attendance", iop_attendance_summary_to_json (summary));
  add_json_member (b, "careplan", iop_careplan_to_json (plan));
  json_builder_end_object (b);
  iop_attendance_summary_free (summary);
  return iop_json_builder_to_string (b);
}
