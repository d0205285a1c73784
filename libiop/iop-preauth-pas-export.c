/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Exporting a pre-authorization request as a Da Vinci PAS 2.2.1 request Bundle (FHIR R4). The
 * 42 CFR Part 2 consent gate runs before anything is built.
 */
#include "iop-fhir-private.h"
#include "iop-preauth-private.h"

#include <string.h>

#define PAS_SD "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
#define HCPCS_SYSTEM "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
#define ICD10CM_SYSTEM "http://hl7.org/fhir/sid/icd-10-cm"
#define POS_SYSTEM "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
#define X12_SYSTEM "https://codesystem.x12.org/005010/"
#define MEMBER_SYSTEM "urn:libiop:member"
#define PAYER_SYSTEM "urn:libiop:payer"
#define REQUEST_SYSTEM "urn:libiop:preauth-request"

/* A stable urn:uuid for the @what of request @id. */
static char *
entry_urn (const char *id, const char *what)
{
  g_autofree char *name = g_strdup_printf ("libiop-pas|%s|%s", id, what);
  return iop_fhir_name_urn (name);
}

static void
set_reference (JsonBuilder *b, const char *member, const char *urn)
{
  json_builder_set_member_name (b, member);
  iop_fhir_add_reference (b, urn, NULL, NULL, NULL);
}

static void
set_codeable (JsonBuilder *b, const char *member, const char *system, const char *code, const char *display)
{
  json_builder_set_member_name (b, member);
  iop_fhir_add_codeable_concept (b, system, code, display, NULL);
}

static void
add_extension_code (JsonBuilder *b, const char *url, const char *system, const char *code, const char *display)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, url);
  set_codeable (b, "valueCodeableConcept", system, code, display);
  json_builder_end_object (b);
}

static void
set_date (JsonBuilder *b, const char *member, guint32 julian)
{
  char text[11];
  iop_date_format (julian, text);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, text);
}

static gboolean
has_substance_diagnosis (const PaRequest *req)
{
  for (int i = 0; i < req->n_diagnoses; i++)
    if (req->diagnoses[i][0] == 'F' && req->diagnoses[i][1] == '1' && g_ascii_isdigit (req->diagnoses[i][2]))
      return TRUE;
  return FALSE;
}

static void
add_item (JsonBuilder *b, const PaRequest *req, int sequence, const char *service)
{
  gboolean substance = has_substance_diagnosis (req);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  add_extension_code (b, PAS_SD "extension-serviceItemRequestType", X12_SYSTEM "1525", "HS", "Health Services Review");
  add_extension_code (b, PAS_SD "extension-certificationType", X12_SYSTEM "1322", "I", "Initial");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "sequence");
  json_builder_add_int_value (b, sequence);
  /* X12 1365 service type: AI (substance abuse) or MH (mental health); payers may expect others. */
  set_codeable (b, "category", X12_SYSTEM "1365", substance ? "AI" : "MH", substance ? "Substance Abuse" : "Mental Health");
  json_builder_set_member_name (b, "productOrService");
  if (service != NULL)
    iop_fhir_add_codeable_concept (b, HCPCS_SYSTEM, service, NULL, NULL);
  else
    {
      g_autofree char *text = g_strdup_printf ("%s level of care %s", iop_edition_to_string ((iop_edition) req->edition),
                                               req->level_code);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "servicedPeriod");
  json_builder_begin_object (b);
  set_date (b, "start", req->start);
  set_date (b, "end", req->end);
  json_builder_end_object (b);
  /* Place of service 57: non-residential substance abuse treatment facility; 52 for mental health. */
  set_codeable (b, "locationCodeableConcept", POS_SYSTEM, substance ? "57" : "52", NULL);
  json_builder_set_member_name (b, "quantity");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_add_int_value (b, req->units);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

char *
iop_preauth_request_to_pas (const iop_preauth_request *request, const iop_consent *consent, const char *provider,
                            const char *date, iop_error **error)
{
  static const char *const classes[] = { "diagnoses", "sud-treatment", NULL };
  const PaRequest *req;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *claim = NULL, *patient = NULL, *coverage = NULL, *insurer = NULL, *requestor = NULL;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  req = &request->req;
  if (date == NULL || !iop_date_parse (date, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the date must be a calendar date YYYY-MM-DD");
      return NULL;
    }
  if (provider == NULL || *provider == '\0' || !g_utf8_validate (provider, -1, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the provider must be non-empty UTF-8");
      return NULL;
    }
  if (consent != NULL && g_strcmp0 (iop_consent_get_patient_id (consent), req->member_id) != 0)
    {
      iop_set_error (error, IOP_ERROR_PERMISSION_DENIED, NULL,
                     "disclosure not permitted (other-patient): the consent's patient identifier is not the member's");
      return NULL;
    }
  for (int i = 0; classes[i] != NULL; i++)
    if (!iop_consent_require (consent, req->payer, "health-plans", "payment", date, classes[i], error))
      return NULL;

  claim = entry_urn (req->id, "Claim");
  patient = entry_urn (req->id, "Patient");
  coverage = entry_urn (req->id, "Coverage");
  insurer = entry_urn (req->id, "Insurer");
  requestor = entry_urn (req->id, "Requestor");

  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Bundle");
  iop_fhir_set_part2_meta (b);
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, REQUEST_SYSTEM);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, req->id);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "collection");
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, req->received_text);
  json_builder_set_member_name (b, "entry");
  json_builder_begin_array (b);

  iop_fhir_begin_entry (b, claim, "Claim");
  iop_fhir_set_part2_meta (b);
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, REQUEST_SYSTEM);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, req->id);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "active");
  set_codeable (b, "type", "http://terminology.hl7.org/CodeSystem/claim-type", "professional", NULL);
  json_builder_set_member_name (b, "use");
  json_builder_add_string_value (b, "preauthorization");
  set_reference (b, "patient", patient);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, date);
  set_reference (b, "insurer", insurer);
  set_reference (b, "provider", requestor);
  set_codeable (b, "priority", "http://terminology.hl7.org/CodeSystem/processpriority", req->expedited ? "stat" : "normal",
                NULL);
  json_builder_set_member_name (b, "insurance");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sequence");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "focal");
  json_builder_add_boolean_value (b, TRUE);
  set_reference (b, "coverage", coverage);
  json_builder_end_object (b);
  json_builder_end_array (b);
  if (req->n_diagnoses > 0)
    {
      json_builder_set_member_name (b, "diagnosis");
      json_builder_begin_array (b);
      for (int i = 0; i < req->n_diagnoses; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "sequence");
          json_builder_add_int_value (b, i + 1);
          set_codeable (b, "diagnosisCodeableConcept", ICD10CM_SYSTEM, req->diagnoses[i], NULL);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "item");
  json_builder_begin_array (b);
  if (req->n_services == 0)
    add_item (b, req, 1, NULL);
  for (int i = 0; i < req->n_services; i++)
    add_item (b, req, i + 1, req->services[i]);
  json_builder_end_array (b);
  iop_fhir_end_entry (b);

  iop_fhir_begin_entry (b, patient, "Patient");
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, MEMBER_SYSTEM);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, req->member_id);
  json_builder_end_object (b);
  json_builder_end_array (b);
  if (req->birth != 0)
    set_date (b, "birthDate", req->birth);
  iop_fhir_end_entry (b);

  iop_fhir_begin_entry (b, coverage, "Coverage");
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "active");
  json_builder_set_member_name (b, "subscriberId");
  json_builder_add_string_value (b, req->member_id);
  set_reference (b, "beneficiary", patient);
  set_codeable (b, "relationship", "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self", NULL);
  json_builder_set_member_name (b, "payor");
  json_builder_begin_array (b);
  iop_fhir_add_reference (b, insurer, NULL, NULL, NULL);
  json_builder_end_array (b);
  if (req->plan != NULL)
    {
      json_builder_set_member_name (b, "class");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      set_codeable (b, "type", "http://terminology.hl7.org/CodeSystem/coverage-class", "plan", NULL);
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, req->plan);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  iop_fhir_end_entry (b);

  iop_fhir_begin_entry (b, insurer, "Organization");
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, PAYER_SYSTEM);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, req->payer);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, TRUE);
  iop_fhir_end_entry (b);

  iop_fhir_begin_entry (b, requestor, "Organization");
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, provider);
  iop_fhir_end_entry (b);

  json_builder_end_array (b);
  json_builder_end_object (b);
  return iop_json_builder_to_string (b);
}
