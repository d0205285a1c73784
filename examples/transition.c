/*
 * Step-down from IOP: a continuing-care plan for an episode, its escalation rules, the
 * transition-readiness checklist, and the FHIR export that only a patient's consent unlocks.
 *
 *   example-transition EPISODE.json CONSENT.json
 *
 * SPDX-License-Identifier: MIT
 */
#include <libiop/iop.h>

#include <stdio.h>
#include <string.h>

static int
fail (const char *what, iop_error *error)
{
  fprintf (stderr, "%s: %s\n", what, iop_error_get_message (error));
  iop_error_free (error);
  return 1;
}

int
main (int argc, char **argv)
{
  iop_error *error = NULL;
  iop_episode *episode;
  iop_consent *consent;
  iop_careplan *plan;
  iop_readiness *ready;
  iop_escalations *esc;
  char *bundle;
  size_t calls = 0;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s EPISODE.json CONSENT.json\n", argv[0]);
      return 2;
    }
  episode = iop_episode_new_from_file (NULL, NULL, argv[1], &error);
  if (episode == NULL)
    return fail ("episode", error);
  consent = iop_consent_new_from_file (argv[2], &error);
  if (consent == NULL)
    {
      iop_episode_free (episode);
      return fail ("consent", error);
    }

  /* The built-in template: weekly calls in months 1-3, every two weeks to month 12, then monthly. */
  plan = iop_careplan_new (NULL, episode, "2026-01-30", &error);
  if (plan == NULL)
    return fail ("plan", error);
  iop_careplan_set_receiving_provider (plan, "Hillside Outpatient Counseling", NULL);
  iop_careplan_set_first_appointment (plan, "2026-02-03", NULL);
  for (size_t i = 0; i < iop_careplan_get_n_items (plan); i++)
    if (strcmp (iop_careplan_get_item_kind (plan, i), "phone-check-in") == 0)
      calls++;
  printf ("Plan %s to %s: %zu items, %zu telephone check-ins, first on %s\n", iop_careplan_get_start_date (plan),
          iop_careplan_get_end_date (plan), iop_careplan_get_n_items (plan), calls,
          iop_careplan_get_item_date (plan, 0));

  /* Two missed calls in a row call for outreach. */
  for (size_t i = 0, missed = 0; i < iop_careplan_get_n_items (plan) && missed < 2; i++)
    if (strcmp (iop_careplan_get_item_kind (plan, i), "phone-check-in") == 0)
      {
        iop_careplan_record_contact (plan, i, IOP_CONTACT_MISSED, NULL, false, NULL);
        missed++;
      }
  esc = iop_careplan_escalate (plan, "2026-02-20", NULL);
  for (size_t i = 0; i < iop_escalations_get_n (esc); i++)
    printf ("Escalation: %s (%s)\n", iop_escalations_get_action (esc, i), iop_escalations_get_rule (esc, i));
  iop_escalations_free (esc);

  /* Is the client ready to move? Each item says why or why not. */
  ready = iop_careplan_check_readiness (plan, episode, consent, "2026-01-30", NULL);
  printf ("Ready for transition: %s\n", iop_readiness_is_ready (ready) ? "yes" : "no");
  for (size_t i = 0; i < iop_readiness_get_n_items (ready); i++)
    printf ("  [%s] %s: %s\n", iop_readiness_get_passed (ready, i) ? "ok" : "--", iop_readiness_get_item (ready, i),
            iop_readiness_get_text (ready, i));
  iop_readiness_free (ready);

  /* Without a consent nothing leaves the program (42 CFR Part 2)... */
  bundle = iop_careplan_to_fhir (plan, episode, NULL, "Hillside Outpatient Counseling", "2026-01-30", &error);
  if (bundle != NULL || iop_error_get_code (error) != IOP_ERROR_PERMISSION_DENIED)
    {
      fprintf (stderr, "the export without consent was not refused\n");
      return 1;
    }
  printf ("Export without consent: refused (%s)\n", iop_error_get_message (error));
  iop_error_free (error);
  error = NULL;
  /* ...with the patient's TPO consent covering treating providers, the FHIR Bundle is built. */
  bundle = iop_careplan_to_fhir (plan, episode, consent, "Hillside Outpatient Counseling", "2026-01-30", &error);
  if (bundle == NULL)
    return fail ("export", error);
  printf ("Export with consent: a FHIR R4 Bundle of %zu bytes\n", strlen (bundle));
  iop_free (bundle);

  iop_careplan_free (plan);
  iop_consent_free (consent);
  iop_episode_free (episode);
  return 0;
}
