/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * FHIR R4 JSON building blocks (see iop-fhir-private.h).
 */
#include "iop-fhir-private.h"

#include <string.h>

static void
set_string (JsonBuilder *b, const char *member, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

void
iop_fhir_add_coding (JsonBuilder *b, const char *system, const char *code, const char *display)
{
  json_builder_begin_object (b);
  set_string (b, "system", system);
  set_string (b, "code", code);
  set_string (b, "display", display);
  json_builder_end_object (b);
}

void
iop_fhir_add_codeable_concept (JsonBuilder *b, const char *system, const char *code,
                               const char *display, const char *text)
{
  json_builder_begin_object (b);
  if (code != NULL)
    {
      json_builder_set_member_name (b, "coding");
      json_builder_begin_array (b);
      iop_fhir_add_coding (b, system, code, display);
      json_builder_end_array (b);
    }
  set_string (b, "text", text);
  json_builder_end_object (b);
}

void
iop_fhir_add_reference (JsonBuilder *b, const char *reference, const char *identifier_system,
                        const char *identifier_value, const char *display)
{
  json_builder_begin_object (b);
  set_string (b, "reference", reference);
  if (identifier_value != NULL)
    {
      json_builder_set_member_name (b, "identifier");
      json_builder_begin_object (b);
      set_string (b, "system", identifier_system);
      set_string (b, "value", identifier_value);
      json_builder_end_object (b);
    }
  set_string (b, "display", display);
  json_builder_end_object (b);
}

void
iop_fhir_add_period (JsonBuilder *b, const char *start, const char *end)
{
  json_builder_begin_object (b);
  set_string (b, "start", start);
  set_string (b, "end", end);
  json_builder_end_object (b);
}

void
iop_fhir_add_part2_security_labels (JsonBuilder *b)
{
  json_builder_begin_array (b);
  iop_fhir_add_coding (b, IOP_FHIR_V3_CONFIDENTIALITY, "R", "restricted");
  iop_fhir_add_coding (b, IOP_FHIR_V3_ACT_CODE, "ETH", "substance abuse information sensitivity");
  iop_fhir_add_coding (b, IOP_FHIR_V3_ACT_CODE, "42CFRPart2", "42 CFR Part2");
  iop_fhir_add_coding (b, IOP_FHIR_V3_ACT_CODE, "NORDSCLCD", "no redisclosure without consent directive");
  json_builder_end_array (b);
}

void
iop_fhir_set_part2_meta (JsonBuilder *b)
{
  json_builder_set_member_name (b, "meta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "security");
  iop_fhir_add_part2_security_labels (b);
  json_builder_end_object (b);
}

gboolean
iop_fhir_id_is_valid (const char *id)
{
  size_t n = strlen (id);
  if (n < 1 || n > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}
