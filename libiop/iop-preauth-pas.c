/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Importing a Da Vinci PAS 2.2.1 response Bundle (FHIR R4) as a pre-authorization decision. FHIR
 * resources have many optional members, so this reader ignores members it does not use; the
 * members it uses are checked, with JSON paths, and values are never quoted (the Bundle can
 * carry patient data).
 */
#include "iop-preauth-private.h"

#include <string.h>

#define PAS_BASE "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"

typedef struct {
  const char *code, *reason;
  PaOutcome outcome;
  int rank; /* the combined outcome is the highest rank among the items */
  const char *text;
} Action;

/* X12 306 (HCR01) review action codes as PAS uses them (interop.md 1.4). */
static const Action actions[] = {
  { "NA", "pas-no-action-required", PA_OUT_NOT_REQUIRED, 0, "No action required" },
  { "A1", "pas-certified", PA_OUT_APPROVED, 1, "Certified in total" },
  { "A2", "pas-certified-partial", PA_OUT_MODIFIED, 2, "Certified in part" },
  { "A6", "pas-modified", PA_OUT_MODIFIED, 2, "Modified" },
  { "C", "pas-cancelled", PA_OUT_CANCELLED, 3, "Cancelled" },
  { "A4", "pas-pended", PA_OUT_PENDED, 4, "Pended" },
  { "CT", "pas-contact-payer", PA_OUT_PENDED, 4, "Contact the payer" },
  { "A3", "pas-not-certified", PA_OUT_DENIED, 5, "Not certified" },
};

typedef struct {
  IopJsonReader r;
  iop_preauth_decision *dec;
} Importer;

static const char *
keep (Importer *im, const char *s)
{
  return g_string_chunk_insert_const (im->dec->strings, s);
}

static JsonObject *
member_object (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
member_array (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static const char *
member_string (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
           ? json_node_get_string (n) : NULL;
}

/* The extension of @obj whose url is @url (or ends with "/" @url for PAS extensions); its index
 * goes to *index. */
static JsonObject *
find_extension (JsonObject *obj, const char *url, guint *index)
{
  JsonArray *ext = member_array (obj, "extension");
  for (guint i = 0; ext != NULL && i < json_array_get_length (ext); i++)
    {
      JsonNode *n = json_array_get_element (ext, i);
      const char *u;
      if (!JSON_NODE_HOLDS_OBJECT (n) || (u = member_string (json_node_get_object (n), "url")) == NULL)
        continue;
      if (strcmp (u, url) == 0 || (g_str_has_prefix (u, PAS_BASE) && strcmp (u + strlen (PAS_BASE), url) == 0))
        {
          if (index != NULL)
            *index = i;
          return json_node_get_object (n);
        }
    }
  return NULL;
}

/* Reads a FHIR Period's start and end dates (the date part of a dateTime is accepted). */
static void
read_period (JsonObject *period, guint32 *start, guint32 *end)
{
  const char *names[] = { "start", "end" };
  guint32 *out[] = { start, end };
  for (int k = 0; k < 2; k++)
    {
      const char *s = member_string (period, names[k]);
      char date[11];
      guint32 j = 0;
      if (s == NULL || strlen (s) < 10)
        continue;
      memcpy (date, s, 10);
      date[10] = '\0';
      if (iop_date_parse (date, &j))
        *out[k] = j;
    }
}

static double
quantity_value (JsonObject *quantity)
{
  JsonNode *n = quantity != NULL ? json_object_get_member (quantity, "value") : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return -1;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return (double) json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    return json_node_get_double (n);
  return -1;
}

static void
add_reason (PaDecision *d, const char *code, const char *text)
{
  if (d->n_reasons < PA_MAX_REASONS)
    d->reasons[d->n_reasons++] = (PaReason) { code, text, NULL, NULL };
}

static gboolean
import_item (Importer *im, JsonObject *cr, JsonObject *item, int *rank, int *units, guint32 *start, guint32 *end)
{
  PaDecision *d = &im->dec->d;
  JsonArray *adjudication = member_array (item, "adjudication");
  JsonObject *review = NULL, *code_ext, *detail;
  const Action *action = NULL;
  const char *code;
  guint adj_index = 0, ext_index = 0, code_index = 0;
  gint64 sequence;
  JsonNode *seq;
  gsize mark;

  for (guint i = 0; review == NULL && adjudication != NULL && i < json_array_get_length (adjudication); i++)
    {
      JsonNode *n = json_array_get_element (adjudication, i);
      if (JSON_NODE_HOLDS_OBJECT (n))
        review = find_extension (json_node_get_object (n), "extension-reviewAction", &ext_index);
      adj_index = i;
    }
  if (review == NULL)
    return iop_json_fail (&im->r, IOP_ERROR_PARSE, "adjudication", "no PAS reviewAction extension");
  code_ext = find_extension (review, "extension-reviewActionCode", &code_index);
  if (code_ext == NULL)
    code_ext = find_extension (review, "code", &code_index);
  mark = im->r.path->len;
  iop_json_push_member (&im->r, "adjudication");
  iop_json_push_index (&im->r, adj_index);
  iop_json_push_member (&im->r, "extension");
  iop_json_push_index (&im->r, ext_index);
  if (code_ext == NULL)
    return iop_json_fail (&im->r, IOP_ERROR_PARSE, NULL, "no reviewActionCode extension");
  iop_json_push_member (&im->r, "extension");
  iop_json_push_index (&im->r, code_index);
  {
    JsonObject *cc = member_object (code_ext, "valueCodeableConcept");
    JsonArray *coding = member_array (cc, "coding");
    JsonNode *first = coding != NULL && json_array_get_length (coding) > 0 ? json_array_get_element (coding, 0) : NULL;
    code = first != NULL && JSON_NODE_HOLDS_OBJECT (first) ? member_string (json_node_get_object (first), "code") : NULL;
    if (code == NULL)
      return iop_json_fail (&im->r, IOP_ERROR_PARSE, "valueCodeableConcept", "expected a coding with a code");
    for (guint k = 0; k < G_N_ELEMENTS (actions) && action == NULL; k++)
      if (strcmp (actions[k].code, code) == 0)
        action = &actions[k];
    if (action == NULL)
      return iop_json_fail (&im->r, IOP_ERROR_INVALID_DATA, "valueCodeableConcept",
                            "not an X12 306 review action code this libiop reads (A1, A2, A3, A4, A6, C, CT, NA)");
    {
      const char *display = member_string (json_node_get_object (first), "display");
      add_reason (d, action->reason, display != NULL ? keep (im, display) : action->text);
    }
  }
  iop_json_pop (&im->r, mark);
  /* X12 886 review decision reasons. */
  {
    JsonArray *ext = member_array (review, "extension");
    for (guint i = 0; ext != NULL && i < json_array_get_length (ext); i++)
      {
        JsonNode *n = json_array_get_element (ext, i);
        JsonObject *e = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
        const char *u = member_string (e, "url");
        JsonArray *coding;
        if (u == NULL || (strcmp (u, "reasonCode") != 0 && !g_str_has_suffix (u, "/extension-reviewActionReasonCode")))
          continue;
        coding = member_array (member_object (e, "valueCodeableConcept"), "coding");
        if (coding != NULL && json_array_get_length (coding) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (coding, 0)))
          {
            const char *c = member_string (json_array_get_object_element (coding, 0), "code");
            if (c != NULL)
              add_reason (d, "pas-review-reason", keep (im, c));
          }
      }
  }
  if (action->rank > *rank)
    {
      *rank = action->rank;
      d->outcome = action->outcome;
    }
  /* The authorized period and quantity of the item, and for A6 those of the addItem. */
  {
    JsonObject *p = find_extension (item, "extension-itemPreAuthPeriod", NULL);
    if (p != NULL)
      read_period (member_object (p, "valuePeriod"), start, end);
  }
  detail = find_extension (item, "extension-itemAuthorizedDetail", NULL);
  if (detail != NULL && (action->outcome == PA_OUT_APPROVED || action->outcome == PA_OUT_MODIFIED))
    {
      JsonObject *q = find_extension (detail, "quantity", NULL);
      double v = quantity_value (member_object (q, "valueQuantity"));
      if (v >= 0)
        *units = MAX (*units, 0) + (int) v;
    }
  seq = json_object_get_member (item, "itemSequence");
  sequence = seq != NULL && JSON_NODE_HOLDS_VALUE (seq) && json_node_get_value_type (seq) == G_TYPE_INT64
               ? json_node_get_int (seq) : -1;
  if (action->outcome == PA_OUT_MODIFIED)
    {
      JsonArray *add = member_array (cr, "addItem");
      for (guint i = 0; add != NULL && i < json_array_get_length (add); i++)
        {
          JsonNode *n = json_array_get_element (add, i);
          JsonObject *a = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
          JsonArray *seqs = member_array (a, "itemSequence");
          gboolean linked = FALSE;
          for (guint k = 0; seqs != NULL && k < json_array_get_length (seqs); k++)
            linked = linked || (JSON_NODE_HOLDS_VALUE (json_array_get_element (seqs, k)) &&
                                json_array_get_int_element (seqs, k) == sequence);
          if (linked)
            {
              double v = quantity_value (member_object (a, "quantity"));
              if (v >= 0)
                *units = MAX (*units, 0) + (int) v;
              if (member_object (a, "servicedPeriod") != NULL)
                read_period (member_object (a, "servicedPeriod"), start, end);
            }
        }
    }
  return TRUE;
}

iop_preauth_decision *
iop_preauth_decision_new_from_pas_json (const char *bundle_json, iop_error **error)
{
  g_autoptr(JsonNode) root = NULL;
  Importer im;
  JsonObject *bundle, *cr = NULL;
  JsonArray *entries, *items;
  const char *type, *outcome;
  gboolean ok = FALSE;
  int rank = -1, units = -1;
  guint32 start = 0, end = 0;
  PaDecision *d;

  g_return_val_if_fail (bundle_json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  root = iop_json_parse (bundle_json, -1, error);
  if (root == NULL)
    return NULL;
  im.dec = g_new0 (iop_preauth_decision, 1);
  im.dec->strings = g_string_chunk_new (256);
  d = &im.dec->d;
  d->authorized_units = -1;
  iop_json_reader_init (&im.r, error, FALSE);
  bundle = iop_json_expect_object (&im.r, root, "a FHIR Bundle");
  if (bundle == NULL || !iop_json_get_string (&im.r, bundle, "resourceType", TRUE, &type))
    goto out;
  if (strcmp (type, "Bundle") != 0)
    {
      iop_json_fail (&im.r, IOP_ERROR_INVALID_DATA, "resourceType", "expected \"Bundle\"");
      goto out;
    }
  entries = member_array (bundle, "entry");
  if (entries == NULL || json_array_get_length (entries) == 0)
    {
      iop_json_fail (&im.r, IOP_ERROR_PARSE, "entry", "expected a non-empty array of entries");
      goto out;
    }
  iop_json_push_member (&im.r, "entry");
  iop_json_push_index (&im.r, 0);
  if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (entries, 0)))
    cr = member_object (json_array_get_object_element (entries, 0), "resource");
  if (cr == NULL)
    {
      iop_json_fail (&im.r, IOP_ERROR_PARSE, "resource", "expected a resource object");
      goto out;
    }
  iop_json_push_member (&im.r, "resource");
  if (g_strcmp0 (member_string (cr, "resourceType"), "ClaimResponse") != 0)
    {
      iop_json_fail (&im.r, IOP_ERROR_INVALID_DATA, "resourceType",
                     "the first entry must be the ClaimResponse (PAS invariant ClaimResponseFirst)");
      goto out;
    }
  if (!iop_json_get_string (&im.r, cr, "outcome", TRUE, &outcome))
    goto out;
  if (strcmp (outcome, "error") == 0)
    {
      /* No decision was made: report the X12 901 reject reasons (payer codes, not patient data). */
      g_autoptr(GString) codes = g_string_new (NULL);
      JsonArray *errs = member_array (cr, "error");
      for (guint i = 0; errs != NULL && i < json_array_get_length (errs); i++)
        {
          JsonNode *n = json_array_get_element (errs, i);
          JsonArray *coding = JSON_NODE_HOLDS_OBJECT (n)
                                ? member_array (member_object (json_node_get_object (n), "code"), "coding") : NULL;
          const char *c = coding != NULL && json_array_get_length (coding) > 0 &&
                              JSON_NODE_HOLDS_OBJECT (json_array_get_element (coding, 0))
                            ? member_string (json_array_get_object_element (coding, 0), "code") : NULL;
          if (c != NULL && strlen (c) <= 3)
            g_string_append_printf (codes, "%s%s", codes->len ? ", " : "", c);
        }
      iop_json_fail (&im.r, IOP_ERROR_INVALID_DATA, "outcome",
                     "the payer returned an error response, not a decision (X12 901 reject reasons: %s)",
                     codes->len ? codes->str : "none given");
      goto out;
    }
  items = member_array (cr, "item");
  if (items == NULL || json_array_get_length (items) == 0)
    {
      iop_json_fail (&im.r, IOP_ERROR_PARSE, "item", "expected a non-empty array of items");
      goto out;
    }
  iop_json_push_member (&im.r, "item");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gsize m = iop_json_push_index (&im.r, i);
      JsonNode *n = json_array_get_element (items, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          iop_json_fail (&im.r, IOP_ERROR_PARSE, NULL, "expected an item object");
          goto out;
        }
      if (!import_item (&im, cr, json_node_get_object (n), &rank, &units, &start, &end))
        goto out;
      iop_json_pop (&im.r, m);
    }
  /* Payer notes (the denial reason text goes here in PAS). */
  {
    JsonArray *notes = member_array (cr, "processNote");
    for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++)
      {
        JsonNode *n = json_array_get_element (notes, i);
        const char *text = JSON_NODE_HOLDS_OBJECT (n) ? member_string (json_node_get_object (n), "text") : NULL;
        if (text != NULL)
          add_reason (d, "pas-note", keep (&im, text));
      }
  }
  if (start == 0 && member_object (cr, "preAuthPeriod") != NULL)
    read_period (member_object (cr, "preAuthPeriod"), &start, &end);
  {
    JsonObject *req = member_object (cr, "request");
    const char *id = member_string (member_object (req, "identifier"), "value");
    const char *payer = member_string (member_object (cr, "insurer"), "reference");
    if (id == NULL)
      id = member_string (req, "reference");
    if (id == NULL)
      id = member_string (cr, "id");
    if (payer == NULL)
      payer = member_string (member_object (cr, "insurer"), "display");
    d->request_id = keep (&im, id != NULL ? id : "unknown");
    d->payer = keep (&im, payer != NULL ? payer : "unknown");
  }
  if (d->outcome == PA_OUT_APPROVED || d->outcome == PA_OUT_MODIFIED)
    {
      d->authorized_units = units;
      if (start != 0 && end >= start)
        {
          d->period_start = start;
          d->period_end = end;
        }
    }
  ok = TRUE;

out:
  iop_json_reader_clear (&im.r);
  if (!ok)
    {
      iop_preauth_decision_free (im.dec);
      return NULL;
    }
  return im.dec;
}
