/*
 * Placement throughput benchmark (not a timed test).
 *
 *   bench-placement [N]     (default 5,000,000 placements per instrument)
 *   bench-placement --smoke (a few thousand, checks the results only; run by CTest)
 *
 * Places N pseudo-random assessments through the C API on one thread, reusing one assessment and
 * one recommendation (iop_placer_place_into), and reports placements per second, nanoseconds per
 * placement and the ratio to the 5 million per second target. It also reports the allocating
 * iop_placer_place() for comparison, and a checksum of the recommended levels so that runs can
 * be compared.
 */
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define TARGET_PER_SECOND 5e6

static guint32
next_random (guint32 *state)
{
  /* xorshift32: deterministic across runs and platforms. */
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* Pre-generates @n rating vectors so that the timed loop measures placement only. */
static int *
make_ratings (guint n, guint n_dims, int min, int max, guint32 seed)
{
  int *ratings = g_new (int, (gsize) n * n_dims);
  for (gsize i = 0; i < (gsize) n * n_dims; i++)
    ratings[i] = min + (int) (next_random (&seed) % (guint32) (max - min + 1));
  return ratings;
}

static double
run (const iop_placer *placer, iop_assessment *assessment, iop_recommendation *rec,
     const int *ratings, guint n_vectors, guint n_dims, guint n, gboolean allocating,
     guint64 *checksum)
{
  gint64 start = g_get_monotonic_time ();
  guint64 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      const int *r = ratings + (gsize) (i % n_vectors) * n_dims;
      const iop_level *level;
      if (!iop_assessment_set_ratings (assessment, r, n_dims, NULL))
        g_error ("set_ratings failed");
      if (allocating)
        {
          iop_recommendation *owned = iop_placer_place (placer, assessment, NULL);
          level = iop_recommendation_get_level (owned);
          sum += (guint64) (gsize) iop_level_get_code (level)[0] + iop_recommendation_get_n_reasons (owned);
          iop_recommendation_free (owned);
        }
      else
        {
          if (!iop_placer_place_into (placer, assessment, rec, NULL))
            g_error ("placement failed");
          level = iop_recommendation_get_level (rec);
          sum += (guint64) (gsize) iop_level_get_code (level)[0] + iop_recommendation_get_n_reasons (rec);
        }
    }
  *checksum = sum;
  return (double) (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  gboolean smoke = argc > 1 && strcmp (argv[1], "--smoke") == 0;
  guint n = smoke ? 4000 : (argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 5000000);
  g_autoptr(iop_placer) placer = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  static const struct { const char *instrument; int min, max; } cases[] = {
    { "asam3", 0, 4 }, { "asam4", 0, 4 }, { "locus", 1, 5 } };
  const guint n_vectors = 4096;

  if (n == 0)
    {
      fprintf (stderr, "usage: bench-placement [N | --smoke]\n");
      return 2;
    }
  printf ("libiop %s placement benchmark: %u placements per instrument, one thread\n",
          iop_version_string (), n);
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(iop_assessment) a = iop_assessment_new (placer, cases[c].instrument, NULL);
      guint n_dims = (guint) iop_assessment_get_n_dimensions (a);
      g_autofree int *ratings = make_ratings (n_vectors, n_dims, cases[c].min, cases[c].max, 2463534242u + (guint32) c);
      guint64 sum_into = 0, sum_alloc = 0, sum_check = 0;
      double t_into, t_alloc, rate_into, rate_alloc;

      iop_assessment_set_co_occurring (a, TRUE);
      /* Warm-up: grows the recommendation's buffers once. */
      run (placer, a, rec, ratings, n_vectors, n_dims, MIN (n, 10000u), FALSE, &sum_check);
      t_into = run (placer, a, rec, ratings, n_vectors, n_dims, n, FALSE, &sum_into);
      t_alloc = run (placer, a, rec, ratings, n_vectors, n_dims, MAX (n / 5, 1u), TRUE, &sum_alloc);
      rate_into = n / t_into;
      rate_alloc = MAX (n / 5, 1u) / t_alloc;
      printf ("  %-6s place_into: %12.0f /s  %7.1f ns each  ratio to 5M/s target %.2f   "
              "place (allocating): %11.0f /s  checksum %" G_GUINT64_FORMAT "\n",
              cases[c].instrument, rate_into, 1e9 / rate_into, rate_into / TARGET_PER_SECOND,
              rate_alloc, sum_into);
      if (smoke)
        {
          /* Same inputs, same answers: both entry points agree on the first n/5 placements. */
          guint64 a_sum = 0, b_sum = 0;
          run (placer, a, rec, ratings, n_vectors, n_dims, n / 5, FALSE, &a_sum);
          run (placer, a, rec, ratings, n_vectors, n_dims, n / 5, TRUE, &b_sum);
          if (a_sum != b_sum || sum_into == 0)
            {
              fprintf (stderr, "place_into and place disagree for %s\n", cases[c].instrument);
              return 1;
            }
        }
    }
  return 0;
}
