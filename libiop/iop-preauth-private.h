/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Pre-authorization internals shared by iop-preauth.c (pack, request, decision), iop-preauth-batch.c
 * (the batch engine) and iop-preauth-ledger.c. Never installed.
 */
#ifndef IOP_PREAUTH_PRIVATE_H
#define IOP_PREAUTH_PRIVATE_H

#include "iop-pack-private.h"

/* Fixed bounds keep a request free of per-request allocations in batch mode. Twelve diagnoses
 * is what a PAS Claim carries into X12 (HI segment). */
#define PA_MAX_DIAGNOSES 12
#define PA_MAX_SERVICES 8
#define PA_MAX_DOCUMENTS 16
#define PA_MAX_REASONS 24

/* PA_OUT_CANCELLED only comes from an imported PAS response (review action C). */
typedef enum { PA_OUT_NOT_REQUIRED, PA_OUT_APPROVED, PA_OUT_MODIFIED, PA_OUT_PENDED, PA_OUT_DENIED,
               PA_OUT_CANCELLED } PaOutcome;

typedef struct {
  const char *kind, *signed_by; /* signed_by nullable */
  guint32 date;                 /* Julian day */
} PaDocument;

/* A request's content. Strings are borrowed from the JSON tree it was read from. */
typedef struct {
  const char *id, *member_id, *payer, *plan;
  gboolean in_network;
  guint32 birth;       /* Julian day, 0 = not given */
  int age_group;       /* 0 = not given, else iop_age_group */
  int edition;         /* iop_edition */
  const char *level_code;          /* nullable */
  const char *services[PA_MAX_SERVICES];
  int n_services;
  int units;
  guint32 start, end;
  const char *start_text, *end_text, *birth_text;
  const char *diagnoses[PA_MAX_DIAGNOSES];
  int n_diagnoses;
  PaDocument documents[PA_MAX_DOCUMENTS];
  const char *document_dates[PA_MAX_DOCUMENTS];
  int n_documents;
  gboolean expedited;
  const char *received_text;
  gint64 received;     /* Unix seconds */
  int received_offset; /* seconds east of UTC */
  int sessions_used;   /* -1 = not given */
  double deductible_remaining; /* -1 = not given */
} PaRequest;

typedef struct {
  const char *code, *text, *source, *document; /* source, document nullable */
} PaReason;

typedef struct {
  const char *request_id, *payer, *rule; /* rule nullable */
  PaOutcome outcome;
  PaReason reasons[PA_MAX_REASONS];
  int n_reasons;
  const char *missing[PA_MAX_DOCUMENTS];
  int n_missing;
  int authorized_units;          /* -1 = none */
  guint32 period_start, period_end; /* 0 = none */
  gboolean has_due;
  gint64 due;                    /* Unix seconds */
  int due_offset;
  const char *timeframe;         /* "cms-0057f", "payer" or NULL */
  guint32 next_review;           /* 0 = none */
  gboolean has_oop, in_network;
  int oop_units;
  double allowed, deductible, member_pays;
} PaDecision;

struct iop_preauth_request {
  JsonNode *root; /* owns every string of @req */
  PaRequest req;
};

struct iop_preauth_decision {
  iop_preauth_policy *policy; /* a reference, so that pack strings stay valid; NULL when imported */
  char *request_id;
  GStringChunk *strings;      /* owns the strings of an imported decision, or NULL */
  PaDecision d;
};

/* Reading a request from a parsed tree (r->quote_values must be FALSE). */
gboolean pa_request_read (IopJsonReader *r, JsonNode *root, PaRequest *req);

/* Decides; fails only for an unknown payer or level (IOP_ERROR_INVALID_DATA with the path). */
gboolean pa_decide (const iop_preauth_policy *policy, const PaRequest *req, PaDecision *d, iop_error **error);

/* Appends the decision's JSON (the exact text of iop_preauth_decision_to_json()). */
void pa_decision_write (GString *out, const PaDecision *d);

/* Appends an error record for line @line. */
void pa_error_record_write (GString *out, guint64 line, const iop_error *error);

/* JSON writing helpers (byte-stable). */
void pa_write_string (GString *out, const char *s);
void pa_write_date (GString *out, guint32 julian);
void pa_write_instant (GString *out, gint64 unix_seconds, int offset);
void pa_write_amount (GString *out, double value);

/* Strict RFC 3339 instant with a mandatory offset ("2026-03-01T09:30:00-05:00", "...Z"). */
gboolean pa_parse_instant (const char *text, gint64 *unix_seconds, int *offset);

#endif /* IOP_PREAUTH_PRIVATE_H */
