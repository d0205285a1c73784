/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * FHIR R4 JSON building blocks shared by libiop's exports (Consent now; CarePlan and the PAS
 * Bundle later): Coding, CodeableConcept, Reference, Period, and the DS4P security labels for
 * 42 CFR Part 2 data. Every helper adds one JSON value at the builder's current position (after
 * json_builder_set_member_name() or inside an array). Never installed.
 */
#ifndef IOP_FHIR_PRIVATE_H
#define IOP_FHIR_PRIVATE_H

#include <json-glib/json-glib.h>

#include "iop-private.h"

/* Code systems (canonical URIs). */
#define IOP_FHIR_LOINC "http://loinc.org"
#define IOP_FHIR_CONSENT_SCOPE "http://terminology.hl7.org/CodeSystem/consentscope"
#define IOP_FHIR_CONSENT_ACTION "http://terminology.hl7.org/CodeSystem/consentaction"
#define IOP_FHIR_V3_ACT_CODE "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define IOP_FHIR_V3_ACT_REASON "http://terminology.hl7.org/CodeSystem/v3-ActReason"
#define IOP_FHIR_V3_CONFIDENTIALITY "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
#define IOP_FHIR_V3_PARTICIPATION_TYPE "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
/* 42 CFR Part 2 on eCFR (Consent.policy.uri). */
#define IOP_FHIR_PART2_URI "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"
/* libiop's own code systems (documented in docs/consent.md). */
#define IOP_FHIR_LIBIOP_SYSTEM_BASE "urn:libiop:codesystem:"

/* {"system", "code", "display"?}. */
void iop_fhir_add_coding (JsonBuilder *b, const char *system, const char *code, const char *display);
/* {"coding": [coding], "text"?}. */
void iop_fhir_add_codeable_concept (JsonBuilder *b, const char *system, const char *code,
                                    const char *display, const char *text);
/* {"reference"?, "identifier": {"system"?, "value"}?, "display"?}; at least one must be given. */
void iop_fhir_add_reference (JsonBuilder *b, const char *reference, const char *identifier_system,
                             const char *identifier_value, const char *display);
/* {"start"?, "end"?} with FHIR dates. */
void iop_fhir_add_period (JsonBuilder *b, const char *start, const char *end);
/* The DS4P label set for 42 CFR Part 2 data, as an array of Coding: v3-Confidentiality R
 * (restricted), v3-ActCode ETH (substance abuse information sensitivity), 42CFRPart2 (policy)
 * and NORDSCLCD (no redisclosure without consent). */
void iop_fhir_add_part2_security_labels (JsonBuilder *b);
/* Sets the member "meta" to {"security": [the Part 2 labels]}. */
void iop_fhir_set_part2_meta (JsonBuilder *b);
/* A stable "urn:uuid:..." for @name: name-based, from SHA-1 of @name, in the RFC 4122 version 5
 * layout (transfer full, g_free). The same name always gives the same urn. */
char *iop_fhir_name_urn (const char *name);
/* Opens a Bundle entry {"fullUrl": @urn, "resource": {"resourceType": @type, ...: the resource
 * stays open for its members; close both with iop_fhir_end_entry(). */
void iop_fhir_begin_entry (JsonBuilder *b, const char *urn, const char *type);
void iop_fhir_end_entry (JsonBuilder *b);
/* Whether @id is a valid FHIR resource id ([A-Za-z0-9\-\.]{1,64}). */
gboolean iop_fhir_id_is_valid (const char *id);

#endif /* IOP_FHIR_PRIVATE_H */
