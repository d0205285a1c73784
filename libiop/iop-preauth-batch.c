/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * The pre-authorization batch engine: one request per line in, one decision per line out, in
 * input order, in bounded memory, on 1 to 64 threads.
 *
 * Design (see docs/preauth.md, "Batch mode" and "Benchmark"):
 * - each worker reuses one JSON-path buffer and builds each line's tree with libiop's own
 *   builder (iop_json_parse_direct: JsonParser serializes threads on GLib's signal lock); a request is read into a
 *   fixed-size struct whose strings point into the parser's tree, decided into another fixed-size
 *   struct, and written straight into a GString, so a line costs no allocation of libiop's own
 *   beyond json-glib's tree;
 * - with jobs > 1 the calling thread reads blocks of lines into a ring of slots and writes the
 *   finished slots in order; workers take slot numbers from a queue. The ring bounds memory.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "iop-preauth-private.h"

#include <errno.h>
#include <string.h>

#define LINES_PER_SLOT 256
#define SLOTS_PER_JOB 4
#define FLUSH_BYTES (64 * 1024)

typedef struct {
  GString *scratch;
  IopJsonReader reader;
} Worker;

static void
worker_init (Worker *w)
{
  w->scratch = g_string_sized_new (256);
  iop_json_reader_init (&w->reader, NULL, FALSE);
}

static void
worker_clear (Worker *w)
{
  g_string_free (w->scratch, TRUE);
  iop_json_reader_clear (&w->reader);
}

/* Decides one line and appends its decision or error record and a newline to @out. Returns FALSE
 * when the line failed. */
static gboolean
decide_line (const iop_preauth_policy *policy, Worker *w, const char *line, gsize len, guint64 line_no,
             GString *out)
{
  iop_error *error = NULL;
  JsonNode *root;
  PaRequest req;
  PaDecision d;
  gboolean ok = FALSE;

  if (line == NULL)
    iop_set_error (&error, IOP_ERROR_INVALID_ARGUMENT, NULL, "no request (NULL)");
  else if ((root = iop_json_parse_direct (line, (gssize) len, w->scratch, &error)) != NULL)
    {
      w->reader.error = &error;
      g_string_truncate (w->reader.path, 1);
      ok = pa_request_read (&w->reader, root, &req) && pa_decide (policy, &req, &d, &error);
      w->reader.error = NULL;
      if (ok)
        pa_decision_write (out, &d);
      json_node_unref (root);
    }
  if (!ok)
    {
      pa_error_record_write (out, line_no, error);
      iop_error_free (error);
    }
  g_string_append_c (out, '\n');
  return ok;
}

static gboolean
check_jobs (int jobs, iop_error **error)
{
  if (jobs < 1 || jobs > 64)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "jobs must be within 1..64");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Streams                                                                                     */

typedef struct {
  gsize offset, length;
  guint64 line_no;
} LineRef;

enum { SLOT_EMPTY, SLOT_FILLED, SLOT_DONE };

typedef struct {
  GString *in, *out;
  GArray *lines; /* LineRef */
  size_t failed;
  int state;
} Slot;

typedef struct {
  const iop_preauth_policy *policy;
  Slot *slots;
  guint n_slots;
  GAsyncQueue *queue; /* slot index + 1; 0 is never pushed, G_MAXUINT means stop */
  GMutex lock;
  GCond done;
} Pipeline;

static gpointer
pipeline_worker (gpointer data)
{
  Pipeline *p = data;
  Worker w;

  worker_init (&w);
  for (;;)
    {
      guint item = GPOINTER_TO_UINT (g_async_queue_pop (p->queue));
      Slot *slot;
      if (item == G_MAXUINT)
        break;
      slot = &p->slots[item - 1];
      g_string_truncate (slot->out, 0);
      slot->failed = 0;
      for (guint i = 0; i < slot->lines->len; i++)
        {
          const LineRef *ref = &g_array_index (slot->lines, LineRef, i);
          if (!decide_line (p->policy, &w, slot->in->str + ref->offset, ref->length, ref->line_no, slot->out))
            slot->failed++;
        }
      g_mutex_lock (&p->lock);
      slot->state = SLOT_DONE;
      g_cond_broadcast (&p->done);
      g_mutex_unlock (&p->lock);
    }
  worker_clear (&w);
  return NULL;
}

/* Reads the next non-empty line; returns its length (without the line end) or -1 at the end.
 * *line_no counts every line read. */
static gssize
read_line (FILE *input, char **buf, size_t *cap, guint64 *line_no)
{
  for (;;)
    {
      ssize_t n = getline (buf, cap, input);
      if (n < 0)
        return -1;
      (*line_no)++;
      while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
        n--;
      (*buf)[n] = '\0';
      if (n > 0)
        return n;
    }
}

static gboolean
write_out (FILE *output, GString *out, iop_error **error)
{
  if (out->len > 0 && fwrite (out->str, 1, out->len, output) != out->len)
    {
      iop_set_error (error, IOP_ERROR_IO, NULL, "cannot write the decisions: %s", g_strerror (errno));
      return FALSE;
    }
  g_string_truncate (out, 0);
  return TRUE;
}

static gboolean
stream_single (const iop_preauth_policy *policy, FILE *input, FILE *output, size_t *n_lines, size_t *n_failed,
               iop_error **error)
{
  Worker w;
  GString *out = g_string_sized_new (FLUSH_BYTES + 4096);
  char *buf = NULL;
  size_t cap = 0;
  guint64 line_no = 0;
  gssize n;
  gboolean ok = TRUE;

  worker_init (&w);
  while ((n = read_line (input, &buf, &cap, &line_no)) >= 0)
    {
      (*n_lines)++;
      if (!decide_line (policy, &w, buf, (gsize) n, line_no, out))
        (*n_failed)++;
      if (out->len >= FLUSH_BYTES && !(ok = write_out (output, out, error)))
        break;
    }
  if (ok)
    ok = write_out (output, out, error);
  free (buf);
  g_string_free (out, TRUE);
  worker_clear (&w);
  return ok;
}

/* Writes slot @next_write when it is done (waiting for it when @wait); returns whether it was written. */
static gboolean
flush_slot (Pipeline *p, guint64 *next_write, gboolean wait, FILE *output, size_t *n_failed, gboolean *ok,
            iop_error **error)
{
  Slot *slot = &p->slots[*next_write % p->n_slots];
  gboolean done;

  g_mutex_lock (&p->lock);
  while (wait && slot->state != SLOT_DONE)
    g_cond_wait (&p->done, &p->lock);
  done = slot->state == SLOT_DONE;
  g_mutex_unlock (&p->lock);
  if (!done)
    return FALSE;
  *n_failed += slot->failed;
  *ok = write_out (output, slot->out, error);
  slot->state = SLOT_EMPTY;
  (*next_write)++;
  return TRUE;
}

static gboolean
stream_parallel (const iop_preauth_policy *policy, FILE *input, FILE *output, int jobs, size_t *n_lines,
                 size_t *n_failed, iop_error **error)
{
  Pipeline p = { 0 };
  GThread **threads = g_new0 (GThread *, jobs);
  char *buf = NULL;
  size_t cap = 0;
  guint64 line_no = 0, next_read = 0, next_write = 0;
  gboolean eof = FALSE, ok = TRUE;

  p.policy = policy;
  p.n_slots = (guint) jobs * SLOTS_PER_JOB;
  p.slots = g_new0 (Slot, p.n_slots);
  for (guint i = 0; i < p.n_slots; i++)
    {
      p.slots[i].in = g_string_sized_new (LINES_PER_SLOT * 700);
      p.slots[i].out = g_string_sized_new (LINES_PER_SLOT * 900);
      p.slots[i].lines = g_array_sized_new (FALSE, FALSE, sizeof (LineRef), LINES_PER_SLOT);
    }
  p.queue = g_async_queue_new ();
  g_mutex_init (&p.lock);
  g_cond_init (&p.done);
  for (int j = 0; j < jobs; j++)
    threads[j] = g_thread_new ("iop-preauth", pipeline_worker, &p);

  for (;;)
    {
      /* Write every finished slot that is next in order without waiting. */
      while (ok && next_write < next_read && flush_slot (&p, &next_write, FALSE, output, n_failed, &ok, error))
        ;
      if (!ok)
        break;
      if (!eof && next_read - next_write < p.n_slots)
        {
          Slot *slot = &p.slots[next_read % p.n_slots];
          g_string_truncate (slot->in, 0);
          g_array_set_size (slot->lines, 0);
          while (slot->lines->len < LINES_PER_SLOT)
            {
              gssize n = read_line (input, &buf, &cap, &line_no);
              LineRef ref;
              if (n < 0)
                {
                  eof = TRUE;
                  break;
                }
              ref.offset = slot->in->len;
              ref.length = (gsize) n;
              ref.line_no = line_no;
              g_string_append_len (slot->in, buf, n);
              g_string_append_c (slot->in, '\0');
              g_array_append_val (slot->lines, ref);
            }
          if (slot->lines->len > 0)
            {
              *n_lines += slot->lines->len;
              slot->state = SLOT_FILLED;
              g_async_queue_push (p.queue, GUINT_TO_POINTER ((guint) (next_read % p.n_slots) + 1));
              next_read++;
            }
          continue;
        }
      if (next_write == next_read)
        break;
      /* The ring is full or the input is exhausted: wait for the oldest slot. */
      flush_slot (&p, &next_write, TRUE, output, n_failed, &ok, error);
    }
  /* On a write error, let the workers finish what they hold before stopping them. */
  for (int j = 0; j < jobs; j++)
    g_async_queue_push (p.queue, GUINT_TO_POINTER (G_MAXUINT));
  for (int j = 0; j < jobs; j++)
    g_thread_join (threads[j]);
  g_free (threads);
  for (guint i = 0; i < p.n_slots; i++)
    {
      g_string_free (p.slots[i].in, TRUE);
      g_string_free (p.slots[i].out, TRUE);
      g_array_unref (p.slots[i].lines);
    }
  g_free (p.slots);
  g_async_queue_unref (p.queue);
  g_mutex_clear (&p.lock);
  g_cond_clear (&p.done);
  free (buf);
  return ok;
}

bool
iop_preauth_policy_decide_stream (const iop_preauth_policy *policy, FILE *input, FILE *output, int jobs,
                                  size_t *n_lines, size_t *n_failed, iop_error **error)
{
  size_t lines = 0, failed = 0;
  gboolean ok;

  g_return_val_if_fail (policy != NULL, false);
  g_return_val_if_fail (input != NULL, false);
  g_return_val_if_fail (output != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (!check_jobs (jobs, error))
    return false;
  ok = jobs == 1 ? stream_single (policy, input, output, &lines, &failed, error)
                 : stream_parallel (policy, input, output, jobs, &lines, &failed, error);
  if (ok && ferror (input))
    {
      iop_set_error (error, IOP_ERROR_IO, NULL, "cannot read the requests");
      ok = FALSE;
    }
  if (ok && fflush (output) != 0)
    {
      iop_set_error (error, IOP_ERROR_IO, NULL, "cannot write the decisions: %s", g_strerror (errno));
      ok = FALSE;
    }
  if (n_lines != NULL)
    *n_lines = lines;
  if (n_failed != NULL)
    *n_failed = failed;
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Arrays                                                                                      */

#define ARRAY_CHUNK 64

typedef struct {
  const iop_preauth_policy *policy;
  const char *const *requests;
  char **decisions;
  size_t n;
  gint next;   /* next chunk start, atomically advanced */
  gint failed; /* atomically counted */
} ArrayJob;

static gpointer
array_worker (gpointer data)
{
  ArrayJob *job = data;
  Worker w;
  GString *out = g_string_sized_new (1024);

  worker_init (&w);
  for (;;)
    {
      size_t start = (size_t) g_atomic_int_add (&job->next, ARRAY_CHUNK);
      if (start >= job->n)
        break;
      for (size_t i = start; i < MIN (job->n, start + ARRAY_CHUNK); i++)
        {
          const char *text = job->requests[i];
          g_string_truncate (out, 0);
          if (!decide_line (job->policy, &w, text, text ? strlen (text) : 0, i + 1, out))
            g_atomic_int_inc (&job->failed);
          job->decisions[i] = g_strndup (out->str, out->len - 1); /* without the newline */
        }
    }
  worker_clear (&w);
  g_string_free (out, TRUE);
  return NULL;
}

bool
iop_preauth_policy_decide_all (const iop_preauth_policy *policy, const char *const *requests, size_t n_requests,
                               int jobs, char **decisions, size_t *n_failed, iop_error **error)
{
  ArrayJob job = { policy, requests, decisions, n_requests, 0, 0 };

  g_return_val_if_fail (policy != NULL, false);
  g_return_val_if_fail (requests != NULL || n_requests == 0, false);
  g_return_val_if_fail (decisions != NULL || n_requests == 0, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (!check_jobs (jobs, error))
    return false;
  if (n_requests > (size_t) G_MAXINT - ARRAY_CHUNK * 65)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "too many requests for one call");
      return false;
    }
  if (jobs == 1 || n_requests <= ARRAY_CHUNK)
    array_worker (&job);
  else
    {
      GThread **threads = g_new0 (GThread *, jobs);
      for (int j = 0; j < jobs; j++)
        threads[j] = g_thread_new ("iop-preauth", array_worker, &job);
      for (int j = 0; j < jobs; j++)
        g_thread_join (threads[j]);
      g_free (threads);
    }
  if (n_failed != NULL)
    *n_failed = (size_t) job.failed;
  return true;
}
