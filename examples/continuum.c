/*
 * Example: walk the care continuum around the intensive outpatient level.
 *
 *   continuum [PACK.json]
 *
 * Loads the built-in continuum pack (or a pack file), shows ASAM 3rd edition Level 2.1 with its
 * hours and neighbours, and maps it to the 4th edition and LOCUS. Frees everything it creates.
 */
#include <libiop/iop.h>
#include <stdio.h>

static void
print_band (const char *label, iop_range r)
{
  if (!iop_range_is_published (&r))
    printf ("  %-11s not published\n", label);
  else if (r.has_min && r.has_max)
    printf ("  %-11s %g-%g hours/week\n", label, r.min, r.max);
  else if (r.has_min)
    printf ("  %-11s at least %g hours/week\n", label, r.min);
  else
    printf ("  %-11s %s %g hours/week\n", label, r.max_exclusive ? "fewer than" : "at most", r.max);
}

int
main (int argc, char **argv)
{
  iop_error *error = NULL;
  iop_continuum *continuum;
  const iop_level *iop, *neighbour, *mapped;

  if (argc > 1)
    continuum = iop_continuum_new_from_file (argv[1], &error);
  else
    continuum = iop_continuum_new_default ();
  if (continuum == NULL)
    {
      fprintf (stderr, "cannot load %s: %s\n", argv[1], iop_error_get_message (error));
      iop_error_free (error);
      return 1;
    }

  iop = iop_continuum_lookup_level (continuum, IOP_EDITION_ASAM3, "2.1");
  if (iop == NULL)
    {
      fprintf (stderr, "the pack has no ASAM 3rd edition Level 2.1\n");
      iop_continuum_unref (continuum);
      return 1;
    }
  printf ("%s: %s (%s)\n", iop_level_get_code (iop), iop_level_get_name (iop),
          iop_setting_to_string (iop_level_get_setting (iop)));
  print_band ("adults", iop_level_get_hours_per_week (iop, IOP_AGE_ADULT));
  print_band ("adolescents", iop_level_get_hours_per_week (iop, IOP_AGE_ADOLESCENT));

  neighbour = iop_level_get_step_down (iop);
  if (neighbour != NULL)
    printf ("  step down:  %s %s\n", iop_level_get_code (neighbour), iop_level_get_name (neighbour));
  neighbour = iop_level_get_step_up (iop);
  if (neighbour != NULL)
    printf ("  step up:    %s %s\n", iop_level_get_code (neighbour), iop_level_get_name (neighbour));

  mapped = iop_level_crosswalk (iop, IOP_EDITION_ASAM4);
  if (mapped != NULL)
    printf ("  4th ed.:    %s %s (confidence %s)\n", iop_level_get_code (mapped),
            iop_level_get_name (mapped),
            iop_confidence_to_string (iop_level_get_crosswalk_confidence (iop, IOP_EDITION_ASAM4)));
  mapped = iop_level_crosswalk (iop, IOP_EDITION_LOCUS);
  if (mapped != NULL)
    printf ("  LOCUS:      %s %s (confidence %s)\n", iop_level_get_code (mapped),
            iop_level_get_name (mapped),
            iop_confidence_to_string (iop_level_get_crosswalk_confidence (iop, IOP_EDITION_LOCUS)));

  for (size_t i = 0; i < iop_level_get_n_billing_codes (iop); i++)
    printf ("  bill:       %-6s %-9s %s\n", iop_level_get_billing_code (iop, i),
            iop_level_get_billing_code_system (iop, i),
            iop_level_get_billing_code_description (iop, i));

  iop_continuum_unref (continuum);
  return 0;
}
