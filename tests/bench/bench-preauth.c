/*
 * Pre-authorization batch benchmark (not a timed test).
 *
 *   bench-preauth [N ...]   (default 10000; e.g. bench-preauth 10000 1000000)
 *   bench-preauth --smoke   (a few hundred requests; checks the outputs only; run by CTest)
 *
 * For each N, in a child process of its own (so that each peak RSS is that run's own), writes N
 * synthetic requests (about 600 bytes each) to a temporary NDJSON file, then times four passes
 * over that file:
 *   (a) json-glib parse only (one JsonParser reused),
 *   (b) json-glib parse + re-serialize (JsonGenerator),
 *   (c) iop_preauth_policy_decide_stream() with 1 job,
 *   (d) the same with 2 jobs,
 * and prints requests per second (the best of three interleaved rounds), the ratios c/a, c/b and
 * d/c, and the peak RSS (VmHWM). The
 * targets (issue #7) are c/a >= 0.8, d/c >= 1.7 on 2 cores, and a flat peak RSS <= 10 MiB.
 *
 * With GLib before 2.76, json-glib's tree nodes come from GSlice, whose shared depot makes the
 * two workers of (d) wait on each other. As `iop preauth --batch --jobs N` does, the benchmark
 * then runs itself again with G_SLICE=always-malloc (say so with --gslice to measure GSlice).
 */
#define _POSIX_C_SOURCE 200809L

#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static guint32
next_random (guint32 *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* One synthetic request, about 600 bytes, spread over the four illustrative payers. */
static void
append_request (GString *out, guint64 i, guint32 *rng)
{
  static const char *const payers[] = { "va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage" };
  static const char *const levels[] = { "2.1", "2.1", "2.5", "1", "3.5" };
  static const char *const diagnoses[] = { "F10.20", "F11.20", "F12.10", "F14.21", "F19.239", "F32.1", "F41.1" };
  static const char *const credentials[] = { "CATP", "LCSW", "LPC" };
  guint32 r = next_random (rng);
  int day = 1 + (int) (r % 27), units = 5 + (int) ((r >> 8) % 40);

  g_string_append_printf (out,
    "{\"format\":\"libiop-preauth-request\",\"format_version\":1,\"id\":\"REQ-2026-%08" G_GUINT64_FORMAT "\","
    "\"member\":{\"id\":\"MBR-%08x-%04x\",\"birth_date\":\"19%02u-%02u-%02u\"},"
    "\"coverage\":{\"payer\":\"%s\",\"plan\":\"PLAN-%03u-GOLD\",\"in_network\":%s},"
    "\"level\":{\"edition\":\"asam3\",\"code\":\"%s\"},\"services\":[\"%s\"],\"units\":%d,"
    "\"start\":\"2026-03-%02d\",\"end\":\"2026-04-%02d\","
    "\"diagnoses\":[\"%s\",\"%s\",\"%s\"],"
    "\"documents\":[{\"kind\":\"asam-assessment\",\"date\":\"2026-02-%02d\",\"signed_by\":\"%s\"},"
    "{\"kind\":\"treatment-plan\",\"date\":\"2026-02-%02d\",\"signed_by\":\"LCSW\"},"
    "{\"kind\":\"stage-of-change\",\"date\":\"2026-02-%02d\"},{\"kind\":\"drug-screen\",\"date\":\"2026-02-%02d\"}],"
    "\"urgency\":\"%s\",\"received_at\":\"2026-02-28T%02u:%02u:00-05:00\",\"sessions_used\":%u}\n",
    i, next_random (rng), (guint) (r & 0xffff), 50 + r % 50, 1 + (r >> 4) % 12, 1 + (r >> 9) % 28,
    payers[(r >> 3) % 4], r % 1000, (r >> 7) & 1 ? "true" : "false",
    levels[(r >> 11) % 5], (r >> 13) % 3 ? "H0015" : "S9480", units, day, day,
    diagnoses[(r >> 14) % 7], diagnoses[(r >> 17) % 7], diagnoses[(r >> 20) % 7],
    1 + (int) ((r >> 5) % 27), credentials[(r >> 22) % 3], 1 + (int) ((r >> 6) % 27), 1 + (int) ((r >> 2) % 27),
    1 + (int) ((r >> 10) % 27), (r >> 25) % 5 ? "standard" : "expedited", (r >> 12) % 24, (r >> 18) % 60,
    (r >> 23) % 30);
}

static char *
write_requests (guint64 n, gsize *bytes)
{
  GString *buf = g_string_sized_new (1 << 16);
  guint32 rng = 0x9e3779b9u;
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("bench-preauth-XXXXXX.ndjson", &path, &error);
  FILE *f;

  if (fd < 0)
    g_error ("cannot create a temporary file: %s", error->message);
  f = fdopen (fd, "w");
  *bytes = 0;
  for (guint64 i = 0; i < n; i++)
    {
      append_request (buf, i, &rng);
      if (buf->len > (1 << 16) || i + 1 == n)
        {
          fwrite (buf->str, 1, buf->len, f);
          *bytes += buf->len;
          g_string_truncate (buf, 0);
        }
    }
  fclose (f);
  g_string_free (buf, TRUE);
  return path;
}

#define ROUNDS 3

static double
pass_json_glib (const char *path, gboolean reserialize)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  FILE *f = fopen (path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  gint64 start = g_get_monotonic_time ();
  gsize sink = 0;

  while ((len = getline (&line, &cap, f)) > 0)
    {
      if (!json_parser_load_from_data (parser, line, len, NULL))
        g_error ("json-glib refused a generated line");
      if (reserialize)
        {
          gsize n = 0;
          char *text;
          json_generator_set_root (gen, json_parser_get_root (parser));
          text = json_generator_to_data (gen, &n);
          sink += n;
          g_free (text);
        }
    }
  free (line);
  fclose (f);
  (void) sink;
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
pass_decide (const iop_preauth_policy *policy, const char *path, int jobs, const char *out_path, size_t *failed)
{
  FILE *in = fopen (path, "r"), *out = fopen (out_path, "w");
  size_t n_lines = 0;
  gint64 start = g_get_monotonic_time ();
  iop_error *error = NULL;

  if (!iop_preauth_policy_decide_stream (policy, in, out, jobs, &n_lines, failed, &error))
    g_error ("batch failed: %s", iop_error_get_message (error));
  fclose (in);
  fclose (out);
  return (g_get_monotonic_time () - start) / 1e6;
}

static long
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (p = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return strtol (p + 6, NULL, 10);
}

/* Checks that jobs 1 and 2 give the same bytes and that each line is what decide_json gives. */
static int
smoke_checks (const iop_preauth_policy *policy, const char *requests, const char *out1, const char *out2)
{
  g_autofree char *a = NULL, *b = NULL, *in = NULL;
  g_auto(GStrv) in_lines = NULL, out_lines = NULL;

  if (!g_file_get_contents (out1, &a, NULL, NULL) || !g_file_get_contents (out2, &b, NULL, NULL) ||
      !g_file_get_contents (requests, &in, NULL, NULL))
    return 1;
  if (strcmp (a, b) != 0)
    {
      fprintf (stderr, "bench-preauth: --jobs 1 and --jobs 2 outputs differ\n");
      return 1;
    }
  in_lines = g_strsplit (in, "\n", -1);
  out_lines = g_strsplit (a, "\n", -1);
  for (guint i = 0; in_lines[i] != NULL && *in_lines[i] != '\0'; i++)
    {
      iop_error *error = NULL;
      char *single = iop_preauth_policy_decide_json (policy, in_lines[i], &error);
      if (single == NULL || out_lines[i] == NULL || strcmp (single, out_lines[i]) != 0)
        {
          fprintf (stderr, "bench-preauth: line %u differs from iop_preauth_policy_decide_json()\n", i + 1);
          iop_free (single);
          iop_error_free (error);
          return 1;
        }
      iop_free (single);
    }
  return 0;
}

static int
run_one (guint64 n, gboolean smoke)
{
  g_autoptr(iop_preauth_policy) policy = iop_preauth_policy_new_default ();
  gsize bytes = 0;
  g_autofree char *path = write_requests (n, &bytes);
  g_autofree char *out1 = g_strconcat (path, ".out1", NULL), *out2 = g_strconcat (path, ".out2", NULL);
  const char *sink1 = smoke ? out1 : "/dev/null", *sink2 = smoke ? out2 : "/dev/null";
  size_t failed = 0;
  double a, b, c, d;
  int status = 0;

  /* Best of ROUNDS, the four passes interleaved, so that a noisy moment of a shared machine
   * spoils one pass of one round rather than the ratios. */
  a = b = c = d = G_MAXDOUBLE;
  for (int round = 0; round < (smoke ? 1 : ROUNDS); round++)
    {
      a = MIN (a, pass_json_glib (path, FALSE));
      b = MIN (b, pass_json_glib (path, TRUE));
      failed = 0;
      c = MIN (c, pass_decide (policy, path, 1, sink1, &failed));
      d = MIN (d, pass_decide (policy, path, 2, sink2, &failed));
    }
  printf ("N = %" G_GUINT64_FORMAT " requests, %.0f bytes/request on average, %zu failed lines, best of %d rounds\n", n,
          (double) bytes / (double) n, failed, smoke ? 1 : ROUNDS);
  printf ("  (a) json-glib parse only        %10.0f req/s\n", n / a);
  printf ("  (b) json-glib parse + serialize %10.0f req/s\n", n / b);
  printf ("  (c) decide, 1 job               %10.0f req/s\n", n / c);
  printf ("  (d) decide, 2 jobs              %10.0f req/s\n", n / d);
  printf ("  c/a = %.2f (target >= 0.8)   c/b = %.2f   d/c = %.2f (target >= 1.7 on 2 cores)\n", a / c, b / c, c / d);
  printf ("  peak RSS (VmHWM) = %ld KiB (target <= 10240, flat in N)\n", peak_rss_kib ());
  if (failed > 0)
    status = 1;
  if (smoke && status == 0)
    status = smoke_checks (policy, path, out1, out2);
  g_unlink (path);
  if (smoke)
    {
      g_unlink (out1);
      g_unlink (out2);
    }
  return status;
}

int
main (int argc, char **argv)
{
  gboolean smoke = argc > 1 && strcmp (argv[1], "--smoke") == 0;
  int status = 0;

  if (smoke)
    return run_one (600, TRUE);
  if (argc > 1 && strcmp (argv[1], "--gslice") == 0)
    {
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  else if (g_getenv ("G_SLICE") == NULL && glib_check_version (2, 76, 0) != NULL) /* an older GLib */
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      if (self != NULL && g_setenv ("G_SLICE", "always-malloc", TRUE))
        {
          printf ("GLib %u.%u: running with G_SLICE=always-malloc (see docs/preauth.md)\n", glib_major_version,
                  glib_minor_version);
          fflush (stdout);
          execv (self, argv);
        }
    }
  for (int i = 1; i <= argc; i++)
    {
      guint64 n = 10000;
      pid_t pid;
      int child = 0;
      if (i < argc && !g_ascii_string_to_unsigned (argv[i], 10, 1, G_MAXUINT32, &n, NULL))
        {
          fprintf (stderr, "usage: bench-preauth [N ...] | --smoke\n");
          return 2;
        }
      if (i == argc && argc > 1)
        break;
      fflush (stdout);
      pid = fork ();
      if (pid == 0)
        {
          int rc = run_one (n, FALSE);
          fflush (stdout);
          _exit (rc);
        }
      if (pid < 0 || waitpid (pid, &child, 0) < 0 || !WIFEXITED (child) || WEXITSTATUS (child) != 0)
        status = 1;
    }
  return status;
}
