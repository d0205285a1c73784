/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * 42 CFR Part 2 consent: the document, its validation (§2.31(a) elements), the disclosure check
 * and gate, and the FHIR R4 Consent export.
 */
#include "iop-fhir-private.h"
#include "iop-json-private.h"

#include <string.h>

#define CONSENT_FORMAT "libiop-consent"
#define CONSENT_FORMAT_VERSION 1

typedef enum { KIND_TPO, KIND_SPECIFIC } Kind;
typedef enum { EXP_MISSING = -1, EXP_DATE, EXP_EVENT, EXP_NONE } ExpType;

static const char *const kind_names[] = { "tpo", "specific", NULL };
static const char *const exp_names[] = { "date", "event", "none", NULL };
static const char *const role_names[] = { "patient", "authorized-representative", NULL };
static const char *const data_classes[] = {
  "sud-treatment", "diagnoses", "medications", "assessments", "outcome-measures", "care-plan",
  "attendance", "counseling-notes", NULL };
static const char *const data_class_labels[] = {
  "SUD treatment records", "diagnoses", "medications", "assessments", "outcome measures",
  "care plan", "attendance", "SUD counseling notes", NULL };
static const char *const recipient_classes[] = {
  "treating-providers", "health-plans", "third-party-payers", "program-operations", NULL };
static const char *const recipient_class_labels[] = {
  "treating providers", "health plans", "third-party payers", "people helping to operate this program", NULL };
static const char *const purposes[] = {
  "treatment", "payment", "health-care-operations", "patient-request", "care-management", "research", NULL };
static const char *const purpose_codes[] = { "TREAT", "HPAYMT", "HOPERAT", "PATRQT", "CAREMGT", "HRESCH", NULL };
static const char *const purpose_displays[] = {
  "treatment", "healthcare payment", "healthcare operations", "patient requested",
  "care management", "healthcare research", NULL };
#define COUNSELING_NOTES "counseling-notes"
/* The code system of the data classes in the FHIR export. */
#define DATA_CLASS_SYSTEM IOP_FHIR_LIBIOP_SYSTEM_BASE "consent-data-class"
#define RECIPIENT_CLASS_SYSTEM IOP_FHIR_LIBIOP_SYSTEM_BASE "consent-recipient-class"

typedef struct {
  const char *name, *identifier; /* in the chunk, nullable */
  int klass;                     /* index into recipient_classes, -1 none */
  gboolean intermediary;
  GPtrArray *participants;       /* const char * in the chunk */
  int participant_class;         /* -1 none */
} Recipient;

struct iop_consent {
  GStringChunk *strings;
  const char *id;
  Kind kind;
  gboolean has_patient;
  const char *patient_name, *patient_id;
  gboolean has_discloser;
  const char *discloser_name, *discloser_class_text;
  gboolean has_information;
  const char *information_text;
  GArray *data_classes; /* int indices, document order */
  GArray *recipients;   /* Recipient */
  GArray *purposes;     /* int indices, document order */
  gboolean has_revocation_statement, right_in_writing, reliance_exception;
  const char *how_to_revoke;
  ExpType exp_type;
  const char *exp_date, *exp_event, *exp_occurred;
  gboolean has_signature, electronic;
  const char *signer;
  int signer_role; /* -1 none */
  const char *date_signed;
  const char *redisclosure, *refusal;
  gboolean revoked;
  const char *revocation_date, *revocation_how;
};

typedef struct {
  const char *code; /* static */
  char *text;
} Finding;

struct iop_consent_report {
  Kind kind;
  GArray *issues; /* Finding */
};

struct iop_consent_decision {
  const char *purpose, *data_class; /* static */
  char date[11];
  GArray *reasons; /* Finding */
};

static int
index_of (const char *const *names, const char *value)
{
  if (value == NULL)
    return -1;
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], value) == 0)
      return i;
  return -1;
}

bool
iop_consent_data_class_is_known (const char *data_class)
{
  g_return_val_if_fail (data_class != NULL, false);
  return index_of (data_classes, data_class) >= 0;
}

bool
iop_consent_recipient_class_is_known (const char *recipient_class)
{
  g_return_val_if_fail (recipient_class != NULL, false);
  return index_of (recipient_classes, recipient_class) >= 0;
}

const char *
iop_consent_purpose_to_code (const char *purpose)
{
  int i;
  g_return_val_if_fail (purpose != NULL, NULL);
  i = index_of (purposes, purpose);
  return i >= 0 ? purpose_codes[i] : NULL;
}

/* ------------------------------------------------------------------------------------------ */

static void
finding_clear (gpointer data)
{
  g_free (((Finding *) data)->text);
}

static GArray *
findings_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (Finding));
  g_array_set_clear_func (a, finding_clear);
  return a;
}

static void
add_finding (GArray *a, const char *code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
add_finding (GArray *a, const char *code, const char *format, ...)
{
  va_list args;
  Finding f = { code, NULL };

  va_start (args, format);
  f.text = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (a, f);
}

static void
recipient_clear (gpointer data)
{
  Recipient *r = data;
  g_clear_pointer (&r->participants, g_ptr_array_unref);
}

static iop_consent *
consent_new (void)
{
  iop_consent *c = g_new0 (iop_consent, 1);
  c->strings = g_string_chunk_new (256);
  c->data_classes = g_array_new (FALSE, TRUE, sizeof (int));
  c->purposes = g_array_new (FALSE, TRUE, sizeof (int));
  c->recipients = g_array_new (FALSE, TRUE, sizeof (Recipient));
  g_array_set_clear_func (c->recipients, recipient_clear);
  c->exp_type = EXP_MISSING;
  c->signer_role = -1;
  return c;
}

void
iop_consent_free (iop_consent *consent)
{
  if (consent == NULL)
    return;
  g_array_unref (consent->recipients);
  g_array_unref (consent->data_classes);
  g_array_unref (consent->purposes);
  g_string_chunk_free (consent->strings);
  g_free (consent);
}

static const char *
intern (iop_consent *c, const char *s)
{
  return s != NULL ? g_string_chunk_insert_const (c->strings, s) : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading. Every element is optional (an incomplete consent loads and is reported by
 * iop_consent_validate()); JSON null stands for a missing element, as the writer emits it. */

typedef struct {
  IopJsonReader r;
  iop_consent *c;
} Loader;

static gboolean
is_absent (JsonObject *obj, const char *member)
{
  JsonNode *n = json_object_get_member (obj, member);
  return n == NULL || JSON_NODE_HOLDS_NULL (n);
}

/* An optional string; "" counts as missing (validation reports the element), so that an
 * empty form field does not make the whole consent unreadable. */
static gboolean
get_opt_string (Loader *l, JsonObject *obj, const char *member, const char **out)
{
  const char *s = NULL;
  JsonNode *n;
  *out = NULL;
  if (is_absent (obj, member))
    return TRUE;
  n = json_object_get_member (obj, member);
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING &&
      json_node_get_string (n)[0] == '\0')
    return TRUE;
  if (!iop_json_get_string (&l->r, obj, member, TRUE, &s))
    return FALSE;
  *out = intern (l->c, s);
  return TRUE;
}

static gboolean
get_opt_date (Loader *l, JsonObject *obj, const char *member, const char **out)
{
  if (!get_opt_string (l, obj, member, out))
    return FALSE;
  if (*out != NULL && !iop_date_parse (*out, NULL))
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, member, "is not a calendar date YYYY-MM-DD");
  return TRUE;
}

static gboolean
get_opt_bool (Loader *l, JsonObject *obj, const char *member, gboolean *out)
{
  *out = FALSE;
  if (is_absent (obj, member))
    return TRUE;
  return iop_json_get_bool (&l->r, obj, member, TRUE, out);
}

static gboolean
get_opt_enum (Loader *l, JsonObject *obj, const char *member, const char *const *names, int *out)
{
  *out = -1;
  if (is_absent (obj, member))
    return TRUE;
  return iop_json_get_enum (&l->r, obj, member, TRUE, names, out);
}

/* An optional object member: *out NULL when absent or null. */
static gboolean
get_opt_object (Loader *l, JsonObject *obj, const char *member, JsonObject **out)
{
  gboolean failed = FALSE;
  *out = NULL;
  if (is_absent (obj, member))
    return TRUE;
  *out = iop_json_get_object (&l->r, obj, member, TRUE, &failed);
  return *out != NULL;
}

/* A list of codes from @names without duplicates, into @indices. */
static gboolean
load_code_list (Loader *l, JsonObject *obj, const char *member, const char *const *names,
                const char *what, GArray *indices)
{
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr;
  gsize mark;

  if (is_absent (obj, member))
    return TRUE;
  arr = iop_json_get_array (&l->r, obj, member, TRUE, &failed);
  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, member);
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      gsize m2 = iop_json_push_index (&l->r, i);
      int idx;
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        ok = iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a string (%s)", what);
      else if ((idx = index_of (names, json_node_get_string (n))) < 0)
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "is not a known %s (see docs/consent.md)", what);
      else
        {
          for (guint j = 0; j < indices->len; j++)
            if (g_array_index (indices, int, j) == idx)
              ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, NULL, "repeats a %s", what);
          if (ok)
            g_array_append_val (indices, idx);
        }
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_recipient (Loader *l, JsonObject *obj, Recipient *rec)
{
  static const char *const members[] = { "name", "identifier", "class", "intermediary", "participants",
                                         "participant_class", NULL };
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr;

  if (!iop_json_check_members (&l->r, obj, members) ||
      !get_opt_string (l, obj, "name", &rec->name) ||
      !get_opt_string (l, obj, "identifier", &rec->identifier) ||
      !get_opt_enum (l, obj, "class", recipient_classes, &rec->klass) ||
      !get_opt_bool (l, obj, "intermediary", &rec->intermediary) ||
      !get_opt_enum (l, obj, "participant_class", recipient_classes, &rec->participant_class))
    return FALSE;
  rec->participants = g_ptr_array_new ();
  if (is_absent (obj, "participants"))
    return TRUE;
  arr = iop_json_get_array (&l->r, obj, "participants", TRUE, &failed);
  if (arr == NULL)
    return FALSE;
  {
    gsize mark = iop_json_push_member (&l->r, "participants");
    for (guint i = 0; ok && i < json_array_get_length (arr); i++)
      {
        JsonNode *n = json_array_get_element (arr, i);
        if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
          {
            gsize m2 = iop_json_push_index (&l->r, i);
            ok = iop_json_fail (&l->r, IOP_ERROR_PARSE, NULL, "expected a participant's name or identifier");
            iop_json_pop (&l->r, m2);
          }
        else
          g_ptr_array_add (rec->participants, (gpointer) intern (l->c, json_node_get_string (n)));
      }
    iop_json_pop (&l->r, mark);
  }
  if (ok && (rec->participants->len > 0 || rec->participant_class >= 0) && !rec->intermediary)
    ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, rec->participants->len > 0 ? "participants" : "participant_class",
                        "is only used for an intermediary (\"intermediary\": true)");
  return ok;
}

static gboolean
load_recipients (Loader *l, JsonObject *root)
{
  gboolean failed = FALSE, ok = TRUE;
  JsonArray *arr;
  gsize mark;

  if (is_absent (root, "recipients"))
    return TRUE;
  arr = iop_json_get_array (&l->r, root, "recipients", TRUE, &failed);
  if (arr == NULL)
    return FALSE;
  mark = iop_json_push_member (&l->r, "recipients");
  for (guint i = 0; ok && i < json_array_get_length (arr); i++)
    {
      gsize m2 = iop_json_push_index (&l->r, i);
      JsonObject *ro = iop_json_expect_object (&l->r, json_array_get_element (arr, i), "a recipient");
      Recipient rec = { NULL, NULL, -1, FALSE, NULL, -1 };
      ok = ro != NULL && load_recipient (l, ro, &rec);
      if (ok)
        g_array_append_val (l->c->recipients, rec);
      else
        recipient_clear (&rec);
      iop_json_pop (&l->r, m2);
    }
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_sub (Loader *l, JsonObject *root, const char *member, const char *const *members, JsonObject **out)
{
  gsize mark;
  gboolean ok;
  if (!get_opt_object (l, root, member, out))
    return FALSE;
  if (*out == NULL)
    return TRUE;
  mark = iop_json_push_member (&l->r, member);
  ok = iop_json_check_members (&l->r, *out, members);
  iop_json_pop (&l->r, mark);
  return ok;
}

static gboolean
load_consent (Loader *l, JsonObject *root)
{
  static const char *const members[] = {
    "format", "format_version", "id", "kind", "patient", "disclosing_party", "information", "recipients",
    "purposes", "revocation_statement", "expiration", "signature", "date_signed", "redisclosure_statement",
    "refusal_consequences_statement", "revocation", NULL };
  static const char *const patient_members[] = { "name", "id", NULL };
  static const char *const discloser_members[] = { "name", "class", NULL };
  static const char *const info_members[] = { "description", "data_classes", NULL };
  static const char *const statement_members[] = { "right_to_revoke_in_writing", "how_to_revoke",
                                                   "reliance_exception", NULL };
  static const char *const exp_members[] = { "type", "date", "event", "occurred", NULL };
  static const char *const signature_members[] = { "signer", "role", "electronic", NULL };
  static const char *const revocation_members[] = { "date", "how", NULL };
  iop_consent *c = l->c;
  const char *format = NULL;
  gint64 version = 0;
  int kind = 0;
  JsonObject *o;
  gsize mark;
  gboolean ok;

  if (!iop_json_check_members (&l->r, root, members) ||
      !iop_json_get_string (&l->r, root, "format", TRUE, &format))
    return FALSE;
  if (strcmp (format, CONSENT_FORMAT) != 0)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "format", "expected \"" CONSENT_FORMAT "\"");
  if (!iop_json_get_int (&l->r, root, "format_version", TRUE, 1, G_MAXINT32, NULL, &version))
    return FALSE;
  if (version != CONSENT_FORMAT_VERSION)
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "format_version",
                          "this version is not supported (this libiop reads %d)", CONSENT_FORMAT_VERSION);
  if (!get_opt_string (l, root, "id", &c->id))
    return FALSE;
  if (c->id != NULL && !iop_fhir_id_is_valid (c->id))
    return iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id",
                          "must be 1 to 64 letters, digits, '-' or '.' (it is also the FHIR resource id)");
  if (!iop_json_get_enum (&l->r, root, "kind", TRUE, kind_names, &kind))
    return FALSE;
  c->kind = (Kind) kind;

  if (!load_sub (l, root, "patient", patient_members, &o))
    return FALSE;
  if (o != NULL)
    {
      c->has_patient = TRUE;
      mark = iop_json_push_member (&l->r, "patient");
      ok = get_opt_string (l, o, "name", &c->patient_name) && get_opt_string (l, o, "id", &c->patient_id);
      if (ok && c->patient_id != NULL && !iop_fhir_id_is_valid (c->patient_id))
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "id",
                            "must be 1 to 64 letters, digits, '-' or '.' (a pseudonymous id, also the FHIR Patient id)");
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
    }

  if (!load_sub (l, root, "disclosing_party", discloser_members, &o))
    return FALSE;
  if (o != NULL)
    {
      c->has_discloser = TRUE;
      mark = iop_json_push_member (&l->r, "disclosing_party");
      ok = get_opt_string (l, o, "name", &c->discloser_name) &&
           get_opt_string (l, o, "class", &c->discloser_class_text);
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
    }

  if (!load_sub (l, root, "information", info_members, &o))
    return FALSE;
  if (o != NULL)
    {
      c->has_information = TRUE;
      mark = iop_json_push_member (&l->r, "information");
      ok = get_opt_string (l, o, "description", &c->information_text) &&
           load_code_list (l, o, "data_classes", data_classes, "data class", c->data_classes);
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
    }

  if (!load_recipients (l, root) ||
      !load_code_list (l, root, "purposes", purposes, "purpose", c->purposes))
    return FALSE;

  if (!load_sub (l, root, "revocation_statement", statement_members, &o))
    return FALSE;
  if (o != NULL)
    {
      c->has_revocation_statement = TRUE;
      mark = iop_json_push_member (&l->r, "revocation_statement");
      ok = get_opt_bool (l, o, "right_to_revoke_in_writing", &c->right_in_writing) &&
           get_opt_string (l, o, "how_to_revoke", &c->how_to_revoke) &&
           get_opt_bool (l, o, "reliance_exception", &c->reliance_exception);
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
    }

  if (!load_sub (l, root, "expiration", exp_members, &o))
    return FALSE;
  if (o != NULL)
    {
      int type = 0;
      mark = iop_json_push_member (&l->r, "expiration");
      ok = iop_json_get_enum (&l->r, o, "type", TRUE, exp_names, &type) &&
           get_opt_date (l, o, "date", &c->exp_date) &&
           get_opt_string (l, o, "event", &c->exp_event) &&
           get_opt_date (l, o, "occurred", &c->exp_occurred);
      if (ok)
        {
          c->exp_type = (ExpType) type;
          if (c->exp_date != NULL && type != EXP_DATE)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "date", "is only used with \"type\": \"date\"");
          else if (c->exp_event != NULL && type != EXP_EVENT)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "event", "is only used with \"type\": \"event\"");
          else if (c->exp_occurred != NULL && type != EXP_EVENT)
            ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "occurred", "is only used with \"type\": \"event\"");
        }
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
    }

  if (!load_sub (l, root, "signature", signature_members, &o))
    return FALSE;
  if (o != NULL)
    {
      c->has_signature = TRUE;
      mark = iop_json_push_member (&l->r, "signature");
      ok = get_opt_string (l, o, "signer", &c->signer) &&
           get_opt_enum (l, o, "role", role_names, &c->signer_role) &&
           get_opt_bool (l, o, "electronic", &c->electronic);
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
    }

  if (!get_opt_date (l, root, "date_signed", &c->date_signed) ||
      !get_opt_string (l, root, "redisclosure_statement", &c->redisclosure) ||
      !get_opt_string (l, root, "refusal_consequences_statement", &c->refusal))
    return FALSE;

  if (!load_sub (l, root, "revocation", revocation_members, &o))
    return FALSE;
  if (o != NULL)
    {
      const char *date = NULL;
      mark = iop_json_push_member (&l->r, "revocation");
      ok = iop_json_get_string (&l->r, o, "date", TRUE, &date);
      if (ok && !iop_date_parse (date, NULL))
        ok = iop_json_fail (&l->r, IOP_ERROR_INVALID_DATA, "date", "is not a calendar date YYYY-MM-DD");
      ok = ok && get_opt_string (l, o, "how", &c->revocation_how);
      iop_json_pop (&l->r, mark);
      if (!ok)
        return FALSE;
      c->revoked = TRUE;
      c->revocation_date = intern (c, date);
    }
  return TRUE;
}

iop_consent *
iop_consent_new_from_json (const char *json, iop_error **error)
{
  g_autoptr(JsonNode) root = NULL;
  Loader l = { { 0 }, NULL };
  JsonObject *obj;
  gboolean ok;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  root = iop_json_parse (json, -1, error);
  if (root == NULL)
    return NULL;
  l.c = consent_new ();
  iop_json_reader_init (&l.r, error, FALSE);
  obj = iop_json_expect_object (&l.r, root, "a consent");
  ok = obj != NULL && load_consent (&l, obj);
  iop_json_reader_clear (&l.r);
  if (!ok)
    {
      iop_consent_free (l.c);
      return NULL;
    }
  return l.c;
}

iop_consent *
iop_consent_new_from_file (const char *path, iop_error **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  text = iop_read_file (path, "consent", NULL, error);
  if (text == NULL)
    return NULL;
  return iop_consent_new_from_json (text, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Writing */

static void
set_str (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  iop_json_add_string_or_null (b, value);
}

static void
set_bool (JsonBuilder *b, const char *member, gboolean value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

static void
set_null (JsonBuilder *b, const char *member)
{
  json_builder_set_member_name (b, member);
  json_builder_add_null_value (b);
}

static void
set_code_list (JsonBuilder *b, const char *member, const char *const *names, GArray *indices)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < indices->len; i++)
    json_builder_add_string_value (b, names[g_array_index (indices, int, i)]);
  json_builder_end_array (b);
}

char *
iop_consent_to_json (const iop_consent *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (c != NULL, NULL);
  json_builder_begin_object (b);
  set_str (b, "format", CONSENT_FORMAT);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, CONSENT_FORMAT_VERSION);
  set_str (b, "id", c->id);
  set_str (b, "kind", kind_names[c->kind]);
  if (c->has_patient)
    {
      json_builder_set_member_name (b, "patient");
      json_builder_begin_object (b);
      set_str (b, "name", c->patient_name);
      set_str (b, "id", c->patient_id);
      json_builder_end_object (b);
    }
  else
    set_null (b, "patient");
  if (c->has_discloser)
    {
      json_builder_set_member_name (b, "disclosing_party");
      json_builder_begin_object (b);
      set_str (b, "name", c->discloser_name);
      set_str (b, "class", c->discloser_class_text);
      json_builder_end_object (b);
    }
  else
    set_null (b, "disclosing_party");
  if (c->has_information)
    {
      json_builder_set_member_name (b, "information");
      json_builder_begin_object (b);
      set_str (b, "description", c->information_text);
      set_code_list (b, "data_classes", data_classes, c->data_classes);
      json_builder_end_object (b);
    }
  else
    set_null (b, "information");
  json_builder_set_member_name (b, "recipients");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->recipients->len; i++)
    {
      const Recipient *r = &g_array_index (c->recipients, Recipient, i);
      json_builder_begin_object (b);
      set_str (b, "name", r->name);
      set_str (b, "identifier", r->identifier);
      set_str (b, "class", r->klass >= 0 ? recipient_classes[r->klass] : NULL);
      set_bool (b, "intermediary", r->intermediary);
      json_builder_set_member_name (b, "participants");
      json_builder_begin_array (b);
      for (guint j = 0; j < r->participants->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (r->participants, j));
      json_builder_end_array (b);
      set_str (b, "participant_class", r->participant_class >= 0 ? recipient_classes[r->participant_class] : NULL);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  set_code_list (b, "purposes", purposes, c->purposes);
  if (c->has_revocation_statement)
    {
      json_builder_set_member_name (b, "revocation_statement");
      json_builder_begin_object (b);
      set_bool (b, "right_to_revoke_in_writing", c->right_in_writing);
      set_str (b, "how_to_revoke", c->how_to_revoke);
      set_bool (b, "reliance_exception", c->reliance_exception);
      json_builder_end_object (b);
    }
  else
    set_null (b, "revocation_statement");
  if (c->exp_type != EXP_MISSING)
    {
      json_builder_set_member_name (b, "expiration");
      json_builder_begin_object (b);
      set_str (b, "type", exp_names[c->exp_type]);
      set_str (b, "date", c->exp_date);
      set_str (b, "event", c->exp_event);
      set_str (b, "occurred", c->exp_occurred);
      json_builder_end_object (b);
    }
  else
    set_null (b, "expiration");
  if (c->has_signature)
    {
      json_builder_set_member_name (b, "signature");
      json_builder_begin_object (b);
      set_str (b, "signer", c->signer);
      set_str (b, "role", c->signer_role >= 0 ? role_names[c->signer_role] : NULL);
      set_bool (b, "electronic", c->electronic);
      json_builder_end_object (b);
    }
  else
    set_null (b, "signature");
  set_str (b, "date_signed", c->date_signed);
  set_str (b, "redisclosure_statement", c->redisclosure);
  set_str (b, "refusal_consequences_statement", c->refusal);
  if (c->revoked)
    {
      json_builder_set_member_name (b, "revocation");
      json_builder_begin_object (b);
      set_str (b, "date", c->revocation_date);
      set_str (b, "how", c->revocation_how);
      json_builder_end_object (b);
    }
  else
    set_null (b, "revocation");
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

iop_consent *
iop_consent_copy (const iop_consent *consent)
{
  g_autofree char *text = NULL;
  iop_consent *copy;

  g_return_val_if_fail (consent != NULL, NULL);
  text = iop_consent_to_json (consent);
  copy = iop_consent_new_from_json (text, NULL);
  g_assert (copy != NULL); /* libiop's own output always reads back */
  return copy;
}

const char *
iop_consent_get_kind (const iop_consent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);
  return kind_names[consent->kind];
}

const char *
iop_consent_get_id (const iop_consent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);
  return consent->id;
}

const char *
iop_consent_get_date_signed (const iop_consent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);
  return consent->date_signed;
}

const char *
iop_consent_get_expiration_date (const iop_consent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);
  return consent->exp_type == EXP_DATE ? consent->exp_date : NULL;
}

const char *
iop_consent_get_revocation_date (const iop_consent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);
  return consent->revoked ? consent->revocation_date : NULL;
}

bool
iop_consent_set_revocation (iop_consent *consent, const char *date, const char *how, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (date != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (!iop_date_parse (date, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the revocation date must be a calendar date YYYY-MM-DD");
      return false;
    }
  consent->revoked = TRUE;
  consent->revocation_date = intern (consent, date);
  consent->revocation_how = intern (consent, how);
  return true;
}

static gboolean
blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Building a consent from scratch. Messages name the argument, never its value. */

static gboolean
invalid_argument (iop_error **error, const char *message)
{
  iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "%s", message);
  return FALSE;
}

/* NULL and "" are both "not given", as in a document. */
static const char *
intern_given (iop_consent *c, const char *s)
{
  return s != NULL && *s != '\0' ? intern (c, s) : NULL;
}

iop_consent *
iop_consent_new (const char *kind, iop_error **error)
{
  int k;
  iop_consent *c;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  k = index_of (kind_names, kind);
  if (k < 0)
    {
      invalid_argument (error, "the kind of a consent must be \"tpo\" or \"specific\"");
      return NULL;
    }
  c = consent_new ();
  c->kind = (Kind) k;
  return c;
}

bool
iop_consent_set_id (iop_consent *consent, const char *id, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (id != NULL && *id != '\0' && !iop_fhir_id_is_valid (id))
    return invalid_argument (error, "the consent id must be 1 to 64 letters, digits, '-' or '.'");
  consent->id = intern_given (consent, id);
  return true;
}

bool
iop_consent_set_patient (iop_consent *consent, const char *name, const char *id, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (id != NULL && *id != '\0' && !iop_fhir_id_is_valid (id))
    return invalid_argument (error, "the patient id must be 1 to 64 letters, digits, '-' or '.'");
  consent->has_patient = TRUE;
  consent->patient_name = intern_given (consent, name);
  consent->patient_id = intern_given (consent, id);
  return true;
}

void
iop_consent_set_disclosing_party (iop_consent *consent, const char *name, const char *class_of_persons)
{
  g_return_if_fail (consent != NULL);
  consent->has_discloser = TRUE;
  consent->discloser_name = intern_given (consent, name);
  consent->discloser_class_text = intern_given (consent, class_of_persons);
}

void
iop_consent_set_information (iop_consent *consent, const char *description)
{
  g_return_if_fail (consent != NULL);
  consent->has_information = TRUE;
  consent->information_text = intern_given (consent, description);
}

static gboolean
add_code (GArray *list, const char *const *names, const char *value, const char *what, iop_error **error)
{
  int idx = index_of (names, value);
  if (idx < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "unknown %s (see docs/consent.md)", what);
      return FALSE;
    }
  for (guint i = 0; i < list->len; i++)
    if (g_array_index (list, int, i) == idx)
      {
        iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the consent already has this %s", what);
        return FALSE;
      }
  g_array_append_val (list, idx);
  return TRUE;
}

bool
iop_consent_add_data_class (iop_consent *consent, const char *data_class, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (data_class != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (!add_code (consent->data_classes, data_classes, data_class, "data class", error))
    return false;
  consent->has_information = TRUE;
  return true;
}

bool
iop_consent_add_purpose (iop_consent *consent, const char *purpose, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (purpose != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  return add_code (consent->purposes, purposes, purpose, "purpose", error);
}

static gboolean
add_recipient (iop_consent *c, const char *name, const char *identifier, const char *klass, gboolean intermediary,
               iop_error **error)
{
  Recipient rec = { NULL, NULL, -1, intermediary, NULL, -1 };
  int k = index_of (recipient_classes, klass);

  if (klass != NULL && k < 0)
    return invalid_argument (error, "unknown recipient class (expected treating-providers, health-plans, "
                                    "third-party-payers or program-operations)");
  rec.name = intern_given (c, name);
  rec.identifier = intern_given (c, identifier);
  if (intermediary)
    rec.participant_class = k;
  else
    rec.klass = k;
  if (rec.name == NULL && rec.identifier == NULL && rec.klass < 0)
    return invalid_argument (error, intermediary ? "an intermediary needs a name or an identifier"
                                                 : "a recipient needs a name, an identifier or a class");
  rec.participants = g_ptr_array_new ();
  g_array_append_val (c->recipients, rec);
  return TRUE;
}

bool
iop_consent_add_recipient (iop_consent *consent, const char *name, const char *identifier,
                           const char *recipient_class, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  return add_recipient (consent, name, identifier, recipient_class, FALSE, error);
}

bool
iop_consent_add_intermediary (iop_consent *consent, const char *name, const char *identifier,
                              const char *participant_class, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  return add_recipient (consent, name, identifier, participant_class, TRUE, error);
}

bool
iop_consent_add_participant (iop_consent *consent, const char *participant, iop_error **error)
{
  Recipient *last;

  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (participant != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  last = consent->recipients->len > 0
           ? &g_array_index (consent->recipients, Recipient, consent->recipients->len - 1) : NULL;
  if (last == NULL || !last->intermediary)
    return invalid_argument (error, "participants belong to an intermediary: add one first "
                                    "(iop_consent_add_intermediary)");
  if (blank (participant))
    return invalid_argument (error, "a participant needs a name or an identifier");
  g_ptr_array_add (last->participants, (gpointer) intern (consent, participant));
  return true;
}

void
iop_consent_set_revocation_statement (iop_consent *consent, bool right_to_revoke_in_writing,
                                      const char *how_to_revoke, bool reliance_exception)
{
  g_return_if_fail (consent != NULL);
  consent->has_revocation_statement = TRUE;
  consent->right_in_writing = right_to_revoke_in_writing;
  consent->how_to_revoke = intern_given (consent, how_to_revoke);
  consent->reliance_exception = reliance_exception;
}

bool
iop_consent_set_expiration (iop_consent *consent, const char *type, const char *value, iop_error **error)
{
  int t;

  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (type != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  t = index_of (exp_names, type);
  if (t < 0)
    return invalid_argument (error, "the expiration type must be \"date\", \"event\" or \"none\"");
  if (t == EXP_NONE && value != NULL)
    return invalid_argument (error, "an expiration of \"none\" takes no value");
  if (t != EXP_NONE && blank (value))
    return invalid_argument (error, t == EXP_DATE ? "an expiration by date needs the date"
                                                  : "an expiration by event needs the event or condition");
  if (t == EXP_DATE && !iop_date_parse (value, NULL))
    return invalid_argument (error, "the expiration date must be a calendar date YYYY-MM-DD");
  consent->exp_type = (ExpType) t;
  consent->exp_date = t == EXP_DATE ? intern (consent, value) : NULL;
  consent->exp_event = t == EXP_EVENT ? intern (consent, value) : NULL;
  consent->exp_occurred = NULL;
  return true;
}

bool
iop_consent_set_event_occurred (iop_consent *consent, const char *date, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (date != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (consent->exp_type != EXP_EVENT)
    return invalid_argument (error, "the consent does not expire by an event");
  if (!iop_date_parse (date, NULL))
    return invalid_argument (error, "the date the event occurred must be a calendar date YYYY-MM-DD");
  consent->exp_occurred = intern (consent, date);
  return true;
}

bool
iop_consent_set_signature (iop_consent *consent, const char *signer, const char *role, bool electronic,
                           iop_error **error)
{
  int r;

  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (role != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  r = index_of (role_names, role);
  if (r < 0)
    return invalid_argument (error, "the signer's role must be \"patient\" or \"authorized-representative\"");
  consent->has_signature = TRUE;
  consent->signer = intern_given (consent, signer);
  consent->signer_role = r;
  consent->electronic = electronic;
  return true;
}

bool
iop_consent_set_date_signed (iop_consent *consent, const char *date, iop_error **error)
{
  g_return_val_if_fail (consent != NULL, false);
  g_return_val_if_fail (date != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  if (!iop_date_parse (date, NULL))
    return invalid_argument (error, "the date signed must be a calendar date YYYY-MM-DD");
  consent->date_signed = intern (consent, date);
  return true;
}

void
iop_consent_set_statements (iop_consent *consent, const char *redisclosure, const char *refusal_consequences)
{
  g_return_if_fail (consent != NULL);
  consent->redisclosure = intern_given (consent, redisclosure);
  consent->refusal = intern_given (consent, refusal_consequences);
}

/* ------------------------------------------------------------------------------------------ */
/* Validation: §2.31(a) elements (docs/consent.md). */

/* "end of treatment", ignoring case and surrounding blanks. */
static gboolean
is_end_of_treatment (const char *s)
{
  static const char phrase[] = "end of treatment";
  while (g_ascii_isspace (*s))
    s++;
  if (g_ascii_strncasecmp (s, phrase, sizeof phrase - 1) != 0)
    return FALSE;
  for (s += sizeof phrase - 1; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static void
validate_into (const iop_consent *c, GArray *issues)
{
  const gboolean tpo = c->kind == KIND_TPO;

  if (blank (c->patient_name))
    add_finding (issues, "patient", "the patient's name is missing (42 CFR 2.31(a)(1))");
  if (blank (c->discloser_name) && blank (c->discloser_class_text))
    add_finding (issues, "disclosing_party",
                 "the person or class of persons who may make the disclosure is missing (42 CFR 2.31(a)(2))");
  if (blank (c->information_text))
    add_finding (issues, "information",
                 "the description of the information to be disclosed is missing (42 CFR 2.31(a)(3))");
  if (c->data_classes->len == 0)
    add_finding (issues, "information",
                 "no data class is listed, so the information is not identified specifically (42 CFR 2.31(a)(3))");
  if (c->recipients->len == 0)
    add_finding (issues, "recipients", "no recipient is named or designated by class (42 CFR 2.31(a)(4))");
  for (guint i = 0; i < c->recipients->len; i++)
    {
      const Recipient *r = &g_array_index (c->recipients, Recipient, i);
      if (blank (r->name) && blank (r->identifier) && r->klass < 0)
        add_finding (issues, "recipients", "recipient %u has neither a name, an identifier nor a class "
                     "(42 CFR 2.31(a)(4))", i + 1);
      if (r->intermediary && r->participants->len == 0 && r->participant_class != 0)
        add_finding (issues, "recipients", "intermediary %u must name its participants or designate them as "
                     "treating providers (42 CFR 2.31(a)(4))", i + 1);
    }
  if (c->purposes->len == 0)
    add_finding (issues, "purpose", "the purpose of the disclosure is missing (42 CFR 2.31(a)(5))");
  if (tpo)
    for (guint i = 0; i < c->purposes->len; i++)
      {
        int p = g_array_index (c->purposes, int, i);
        if (p > 2)
          add_finding (issues, "purpose", "a TPO consent covers treatment, payment and health care operations "
                       "only; purpose \"%s\" needs a specific consent", purposes[p]);
      }
  if (!c->has_revocation_statement)
    add_finding (issues, "revocation_statement", "the statement of the right to revoke is missing (42 CFR 2.31(a)(6))");
  else
    {
      if (!c->right_in_writing)
        add_finding (issues, "revocation_statement",
                     "the statement must give the right to revoke the consent in writing (42 CFR 2.31(a)(6))");
      if (blank (c->how_to_revoke))
        add_finding (issues, "revocation_statement", "the statement must say how to revoke (42 CFR 2.31(a)(6))");
      if (!c->reliance_exception)
        add_finding (issues, "revocation_statement",
                     "the statement must give the exception for action taken in reliance on the consent "
                     "(42 CFR 2.31(a)(6))");
    }
  switch (c->exp_type)
    {
    case EXP_MISSING:
      add_finding (issues, "expiration", "the expiration date, event or condition is missing (42 CFR 2.31(a)(7))");
      break;
    case EXP_DATE:
      if (c->exp_date == NULL)
        add_finding (issues, "expiration", "the expiration date is missing (42 CFR 2.31(a)(7))");
      else if (c->date_signed != NULL && strcmp (c->exp_date, c->date_signed) < 0)
        add_finding (issues, "expiration", "the consent expires before it was signed");
      break;
    case EXP_EVENT:
      if (blank (c->exp_event))
        add_finding (issues, "expiration", "the expiring event or condition is missing (42 CFR 2.31(a)(7))");
      else if (!tpo && is_end_of_treatment (c->exp_event))
        add_finding (issues, "expiration",
                     "\"end of treatment\" is an acceptable expiration for a TPO consent only (42 CFR 2.31(a)(7))");
      break;
    case EXP_NONE:
      if (!tpo)
        add_finding (issues, "expiration",
                     "an expiration of \"none\" is acceptable for a TPO consent only (42 CFR 2.31(a)(7))");
      break;
    }
  if (!c->has_signature || blank (c->signer))
    add_finding (issues, "signature", "the signature of the patient or authorized person is missing (42 CFR 2.31(a)(8))");
  else if (c->signer_role < 0)
    add_finding (issues, "signature", "the signer's role (patient or authorized representative) is missing "
                 "(42 CFR 2.31(a)(8))");
  if (c->date_signed == NULL)
    add_finding (issues, "date_signed", "the date signed is missing (42 CFR 2.31(a)(9))");
  if (tpo && blank (c->redisclosure))
    add_finding (issues, "redisclosure_statement",
                 "a TPO consent must state that records may be redisclosed under HIPAA, except in proceedings "
                 "against the patient (42 CFR 2.31(a)(4))");
  if (tpo && blank (c->refusal))
    add_finding (issues, "refusal_consequences_statement",
                 "a TPO consent must state the consequences of refusing to sign (42 CFR 2.31(a)(10))");
  if (c->revoked && c->date_signed != NULL && strcmp (c->revocation_date, c->date_signed) < 0)
    add_finding (issues, "revocation", "the revocation is dated before the consent was signed");
}

iop_consent_report *
iop_consent_validate (const iop_consent *consent)
{
  iop_consent_report *report;

  g_return_val_if_fail (consent != NULL, NULL);
  report = g_new0 (iop_consent_report, 1);
  report->kind = consent->kind;
  report->issues = findings_new ();
  validate_into (consent, report->issues);
  return report;
}

void
iop_consent_report_free (iop_consent_report *report)
{
  if (report == NULL)
    return;
  g_array_unref (report->issues);
  g_free (report);
}

bool
iop_consent_report_is_valid (const iop_consent_report *report)
{
  g_return_val_if_fail (report != NULL, false);
  return report->issues->len == 0;
}

size_t
iop_consent_report_get_n_issues (const iop_consent_report *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->issues->len;
}

static const Finding *
finding_at (GArray *a, size_t index)
{
  return index < a->len ? &g_array_index (a, Finding, index) : NULL;
}

const char *
iop_consent_report_get_element (const iop_consent_report *report, size_t index)
{
  const Finding *f;
  g_return_val_if_fail (report != NULL, NULL);
  f = finding_at (report->issues, index);
  return f ? f->code : NULL;
}

const char *
iop_consent_report_get_text (const iop_consent_report *report, size_t index)
{
  const Finding *f;
  g_return_val_if_fail (report != NULL, NULL);
  f = finding_at (report->issues, index);
  return f ? f->text : NULL;
}

static void
add_findings (JsonBuilder *b, const char *member, const char *code_member, GArray *a)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < a->len; i++)
    {
      const Finding *f = &g_array_index (a, Finding, i);
      json_builder_begin_object (b);
      set_str (b, code_member, f->code);
      set_str (b, "text", f->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

char *
iop_consent_report_to_json (const iop_consent_report *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (report != NULL, NULL);
  json_builder_begin_object (b);
  set_bool (b, "valid", report->issues->len == 0);
  set_str (b, "kind", kind_names[report->kind]);
  add_findings (b, "issues", "element", report->issues);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* ------------------------------------------------------------------------------------------ */
/* The disclosure check and the gate. */

static gboolean
recipient_matches (const Recipient *r, const char *recipient, int klass)
{
  if ((r->name != NULL && strcmp (r->name, recipient) == 0) ||
      (r->identifier != NULL && strcmp (r->identifier, recipient) == 0))
    return TRUE;
  if (klass >= 0 && r->klass == klass)
    return TRUE;
  if (!r->intermediary)
    return FALSE;
  for (guint i = 0; i < r->participants->len; i++)
    if (strcmp (g_ptr_array_index (r->participants, i), recipient) == 0)
      return TRUE;
  return klass >= 0 && r->participant_class == klass;
}

static gboolean
list_has (GArray *indices, int value)
{
  for (guint i = 0; i < indices->len; i++)
    if (g_array_index (indices, int, i) == value)
      return TRUE;
  return FALSE;
}

static gboolean
check_arguments (const char *recipient, const char *recipient_class, const char *purpose, const char *date,
                 const char *data_class, int *klass, int *p, int *dc, iop_error **error)
{
  if (blank (recipient))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the recipient must be a non-empty name or identifier");
      return FALSE;
    }
  *klass = index_of (recipient_classes, recipient_class);
  if (recipient_class != NULL && *klass < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "unknown recipient class (expected treating-providers, health-plans, third-party-payers or "
                     "program-operations)");
      return FALSE;
    }
  *p = index_of (purposes, purpose);
  if (*p < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL,
                     "unknown purpose (expected treatment, payment, health-care-operations, patient-request, "
                     "care-management or research)");
      return FALSE;
    }
  if (!iop_date_parse (date, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the disclosure date must be a calendar date YYYY-MM-DD");
      return FALSE;
    }
  *dc = index_of (data_classes, data_class);
  if (data_class != NULL && *dc < 0)
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "unknown data class (see iop_consent_data_class_is_known)");
      return FALSE;
    }
  return TRUE;
}

iop_consent_decision *
iop_consent_check (const iop_consent *c, const char *recipient, const char *recipient_class,
                   const char *purpose, const char *date, const char *data_class, iop_error **error)
{
  iop_consent_decision *d;
  int klass = -1, p = -1, dc = -1;
  gboolean covered = FALSE;

  g_return_val_if_fail (recipient != NULL, NULL);
  g_return_val_if_fail (purpose != NULL, NULL);
  g_return_val_if_fail (date != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_arguments (recipient, recipient_class, purpose, date, data_class, &klass, &p, &dc, error))
    return NULL;
  d = g_new0 (iop_consent_decision, 1);
  d->reasons = findings_new ();
  d->purpose = purposes[p];
  d->data_class = dc >= 0 ? data_classes[dc] : NULL;
  g_strlcpy (d->date, date, sizeof d->date);
  if (c == NULL)
    {
      add_finding (d->reasons, "no-consent", "no consent on file: SUD records may not be disclosed without the "
                   "patient's written consent (42 CFR 2.31)");
      return d;
    }
  {
    g_autoptr(GArray) issues = findings_new ();
    validate_into (c, issues);
    if (issues->len > 0)
      {
        g_autoptr(GString) elements = g_string_new (NULL);
        for (guint i = 0; i < issues->len; i++)
          {
            const char *el = g_array_index (issues, Finding, i).code;
            gboolean listed = FALSE;
            for (guint j = 0; j < i && !listed; j++)
              listed = strcmp (g_array_index (issues, Finding, j).code, el) == 0;
            if (!listed)
              g_string_append_printf (elements, "%s%s", elements->len ? ", " : "", el);
          }
        add_finding (d->reasons, "consent-incomplete",
                     "the consent is missing required elements or has invalid ones (%s)", elements->str);
      }
  }
  if (c->date_signed != NULL && strcmp (date, c->date_signed) < 0)
    add_finding (d->reasons, "not-yet-signed", "the disclosure date is before the consent was signed");
  if (c->revoked && strcmp (date, c->revocation_date) >= 0)
    add_finding (d->reasons, "revoked", "the consent was revoked on or before the disclosure date");
  if (c->exp_type == EXP_DATE && c->exp_date != NULL && strcmp (date, c->exp_date) > 0)
    add_finding (d->reasons, "expired", "the consent expired before the disclosure date");
  else if (c->exp_type == EXP_EVENT && c->exp_occurred != NULL && strcmp (date, c->exp_occurred) > 0)
    add_finding (d->reasons, "expired", "the event that ends the consent occurred before the disclosure date");
  for (guint i = 0; !covered && i < c->recipients->len; i++)
    covered = recipient_matches (&g_array_index (c->recipients, Recipient, i), recipient, klass);
  if (!covered)
    add_finding (d->reasons, "recipient-not-covered",
                 "the consent does not name this recipient or designate its class");
  if (!list_has (c->purposes, p))
    add_finding (d->reasons, "purpose-not-covered", "the consent does not cover the purpose \"%s\"", purposes[p]);
  if (dc >= 0 && strcmp (data_classes[dc], COUNSELING_NOTES) == 0 && c->kind == KIND_TPO)
    add_finding (d->reasons, "counseling-notes-need-separate-consent",
                 "SUD counseling notes are never disclosed under a TPO consent; they need a separate, specific "
                 "consent");
  else if (dc >= 0 && !list_has (c->data_classes, dc))
    add_finding (d->reasons, "data-class-not-covered", "the consent does not cover the data class \"%s\"",
                 data_classes[dc]);
  return d;
}

bool
iop_consent_require (const iop_consent *consent, const char *recipient, const char *recipient_class,
                     const char *purpose, const char *date, const char *data_class, iop_error **error)
{
  iop_consent_decision *d;
  bool permitted;

  g_return_val_if_fail (recipient != NULL, false);
  g_return_val_if_fail (purpose != NULL, false);
  g_return_val_if_fail (date != NULL, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);
  d = iop_consent_check (consent, recipient, recipient_class, purpose, date, data_class, error);
  if (d == NULL)
    return false;
  permitted = d->reasons->len == 0;
  if (!permitted)
    iop_set_error (error, IOP_ERROR_PERMISSION_DENIED, NULL, "disclosure not permitted (%s): %s",
                   g_array_index (d->reasons, Finding, 0).code, g_array_index (d->reasons, Finding, 0).text);
  iop_consent_decision_free (d);
  return permitted;
}

void
iop_consent_decision_free (iop_consent_decision *decision)
{
  if (decision == NULL)
    return;
  g_array_unref (decision->reasons);
  g_free (decision);
}

bool
iop_consent_decision_is_permitted (const iop_consent_decision *decision)
{
  g_return_val_if_fail (decision != NULL, false);
  return decision->reasons->len == 0;
}

size_t
iop_consent_decision_get_n_reasons (const iop_consent_decision *decision)
{
  g_return_val_if_fail (decision != NULL, 0);
  return decision->reasons->len;
}

const char *
iop_consent_decision_get_reason_code (const iop_consent_decision *decision, size_t index)
{
  const Finding *f;
  g_return_val_if_fail (decision != NULL, NULL);
  f = finding_at (decision->reasons, index);
  return f ? f->code : NULL;
}

const char *
iop_consent_decision_get_reason_text (const iop_consent_decision *decision, size_t index)
{
  const Finding *f;
  g_return_val_if_fail (decision != NULL, NULL);
  f = finding_at (decision->reasons, index);
  return f ? f->text : NULL;
}

char *
iop_consent_decision_to_json (const iop_consent_decision *decision)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  g_return_val_if_fail (decision != NULL, NULL);
  json_builder_begin_object (b);
  set_bool (b, "permitted", decision->reasons->len == 0);
  set_str (b, "purpose", decision->purpose);
  set_str (b, "date", decision->date);
  set_str (b, "data_class", decision->data_class);
  add_findings (b, "reasons", "code", decision->reasons);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

/* ------------------------------------------------------------------------------------------ */
/* FHIR R4 Consent (docs/consent.md, "FHIR mapping"). */

static void
add_recipient_actor (JsonBuilder *b, const char *name, const char *identifier, int klass)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  iop_fhir_add_codeable_concept (b, IOP_FHIR_V3_PARTICIPATION_TYPE, "IRCP", "information recipient", NULL);
  json_builder_set_member_name (b, "reference");
  if (name == NULL && identifier == NULL && klass >= 0)
    iop_fhir_add_reference (b, NULL, RECIPIENT_CLASS_SYSTEM, recipient_classes[klass], recipient_class_labels[klass]);
  else
    iop_fhir_add_reference (b, NULL, NULL, identifier, name);
  json_builder_end_object (b);
}

static void
add_data_class_codes (JsonBuilder *b, GArray *indices, gboolean skip_counseling)
{
  for (guint i = 0; i < indices->len; i++)
    {
      int dc = g_array_index (indices, int, i);
      if (skip_counseling && strcmp (data_classes[dc], COUNSELING_NOTES) == 0)
        continue;
      iop_fhir_add_codeable_concept (b, DATA_CLASS_SYSTEM, data_classes[dc], data_class_labels[dc], NULL);
    }
}

char *
iop_consent_to_fhir (const iop_consent *c, iop_error **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(GArray) issues = findings_new ();
  const char *status, *end = NULL;
  g_autofree char *patient_ref = NULL;
  gboolean has_codes = FALSE;

  g_return_val_if_fail (c != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  validate_into (c, issues);
  status = c->revoked ? "inactive" : issues->len > 0 ? "draft" : "active";
  if (c->exp_type == EXP_DATE)
    end = c->exp_date;
  else if (c->exp_type == EXP_EVENT)
    end = c->exp_occurred;
  if (c->patient_id != NULL)
    patient_ref = g_strconcat ("Patient/", c->patient_id, NULL);

  json_builder_begin_object (b);
  set_str (b, "resourceType", "Consent");
  if (c->id != NULL)
    set_str (b, "id", c->id);
  iop_fhir_set_part2_meta (b);
  set_str (b, "status", status);
  json_builder_set_member_name (b, "scope");
  iop_fhir_add_codeable_concept (b, IOP_FHIR_CONSENT_SCOPE, "patient-privacy", "Privacy Consent", NULL);
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  iop_fhir_add_codeable_concept (b, IOP_FHIR_LOINC, "59284-0", "Patient Consent", NULL);
  iop_fhir_add_codeable_concept (b, IOP_FHIR_V3_ACT_CODE, "IDSCL", "information disclosure", NULL);
  json_builder_end_array (b);
  if (patient_ref != NULL || !blank (c->patient_name))
    {
      json_builder_set_member_name (b, "patient");
      iop_fhir_add_reference (b, patient_ref, NULL, NULL, patient_ref == NULL ? c->patient_name : NULL);
    }
  if (c->date_signed != NULL)
    set_str (b, "dateTime", c->date_signed);
  if (c->has_signature && !blank (c->signer))
    {
      json_builder_set_member_name (b, "performer");
      json_builder_begin_array (b);
      if (c->signer_role == 0 && patient_ref != NULL)
        iop_fhir_add_reference (b, patient_ref, NULL, NULL, NULL);
      else
        iop_fhir_add_reference (b, NULL, NULL, NULL, c->signer);
      json_builder_end_array (b);
    }
  if (!blank (c->discloser_name) || !blank (c->discloser_class_text))
    {
      json_builder_set_member_name (b, "organization");
      json_builder_begin_array (b);
      iop_fhir_add_reference (b, NULL, NULL, NULL, !blank (c->discloser_name) ? c->discloser_name : c->discloser_class_text);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "policy");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  set_str (b, "uri", IOP_FHIR_PART2_URI);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "policyRule");
  iop_fhir_add_codeable_concept (b, IOP_FHIR_V3_ACT_CODE, "42CFRPart2", "42 CFR Part2", NULL);

  json_builder_set_member_name (b, "provision");
  json_builder_begin_object (b);
  set_str (b, "type", "permit");
  if (c->date_signed != NULL || end != NULL)
    {
      json_builder_set_member_name (b, "period");
      iop_fhir_add_period (b, c->date_signed, end);
    }
  if (c->recipients->len > 0)
    {
      json_builder_set_member_name (b, "actor");
      json_builder_begin_array (b);
      for (guint i = 0; i < c->recipients->len; i++)
        {
          const Recipient *r = &g_array_index (c->recipients, Recipient, i);
          if (r->name == NULL && r->identifier == NULL && r->klass < 0)
            continue;
          add_recipient_actor (b, r->name, r->identifier, r->klass);
          for (guint j = 0; j < r->participants->len; j++)
            add_recipient_actor (b, g_ptr_array_index (r->participants, j), NULL, -1);
          if (r->participant_class >= 0)
            add_recipient_actor (b, NULL, NULL, r->participant_class);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "action");
  json_builder_begin_array (b);
  iop_fhir_add_codeable_concept (b, IOP_FHIR_CONSENT_ACTION, "disclose", "Disclose", NULL);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "securityLabel");
  json_builder_begin_array (b);
  iop_fhir_add_coding (b, IOP_FHIR_V3_ACT_CODE, "ETH", "substance abuse information sensitivity");
  json_builder_end_array (b);
  if (c->purposes->len > 0)
    {
      json_builder_set_member_name (b, "purpose");
      json_builder_begin_array (b);
      for (guint i = 0; i < c->purposes->len; i++)
        {
          int p = g_array_index (c->purposes, int, i);
          iop_fhir_add_coding (b, IOP_FHIR_V3_ACT_REASON, purpose_codes[p], purpose_displays[p]);
        }
      json_builder_end_array (b);
    }
  for (guint i = 0; i < c->data_classes->len; i++)
    if (c->kind != KIND_TPO || strcmp (data_classes[g_array_index (c->data_classes, int, i)], COUNSELING_NOTES) != 0)
      has_codes = TRUE;
  if (has_codes)
    {
      json_builder_set_member_name (b, "code");
      json_builder_begin_array (b);
      add_data_class_codes (b, c->data_classes, c->kind == KIND_TPO);
      json_builder_end_array (b);
    }
  if (c->kind == KIND_TPO)
    {
      /* A TPO consent never covers SUD counseling notes: a nested deny. */
      int cn = index_of (data_classes, COUNSELING_NOTES);
      json_builder_set_member_name (b, "provision");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      set_str (b, "type", "deny");
      json_builder_set_member_name (b, "code");
      json_builder_begin_array (b);
      iop_fhir_add_codeable_concept (b, DATA_CLASS_SYSTEM, data_classes[cn], data_class_labels[cn], NULL);
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}

const char *
iop_consent_get_patient_id (const iop_consent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);
  return consent->patient_id;
}
