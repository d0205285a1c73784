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

char *
iop_fhir_name_urn (const char *name)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 d[20];
  gsize len = sizeof d;

  g_checksum_update (sum, (const guchar *) name, -1);
  g_checksum_get_digest (sum, d, &len);
  d[6] = (guint8) ((d[6] & 0x0f) | 0x50);
  d[8] = (guint8) ((d[8] & 0x3f) | 0x80);
  return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
                          d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
}

void
iop_fhir_begin_entry (JsonBuilder *b, const char *urn, const char *type)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fullUrl");
  json_builder_add_string_value (b, urn);
  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, type);
}

void
iop_fhir_end_entry (JsonBuilder *b)
{
  json_builder_end_object (b);
  json_builder_end_object (b);
}
