-- 42 CFR Part 2 consent through the Lua binding: every 2.31(a) element missing is reported under
-- its element id, incomplete consents still load, the disclosure check (covered recipient, class
-- and purpose; before signing; revoked before/on/after; expired before/on/after; wrong
-- recipient, purpose and data class; counseling notes under a TPO consent; no consent), the gate
-- raising an error table with code 8 and name "PermissionDeniedError", bad arguments,
-- byte-identical round trips, malformed documents with JSON paths and no values in messages, the
-- FHIR Consent, nil refused where required, ownership across garbage collection.
-- Mirrors tests/python/test_consent.py (parity is the point).
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local DATA = (os.getenv("IOP_TEST_DATA_DIR") or "tests/data") .. "/consent"
local PERMISSION_DENIED, INVALID_ARGUMENT, PARSE, INVALID_DATA, IO =
  iop.IOP_ERROR_PERMISSION_DENIED, iop.IOP_ERROR_INVALID_ARGUMENT, iop.IOP_ERROR_PARSE,
  iop.IOP_ERROR_INVALID_DATA, iop.IOP_ERROR_IO
local PHI = { "Test Patient", "pt-000", "Riverside", "Hillside", "NPI:", "Lakeview", "Guardian", "2026-02-30",
              "marketing" }

local function contains(s, sub) return s:find(sub, 1, true) ~= nil end

local function no_phi(text, what)
  for _, v in ipairs(PHI) do
    if contains(text, v) then error(what .. " quotes a value from the consent: " .. text, 2) end
  end
end

local function load(name) return iop.Consent.from_file(DATA .. "/valid/" .. name) end

local function reasons(d)
  local out = {}
  for i = 0, d:get_n_reasons() - 1 do out[#out + 1] = d:get_reason_code(i) end
  return table.concat(out, ",")
end

local function elements(r)
  local seen, out = {}, {}
  for i = 0, r:get_n_issues() - 1 do
    local e = r:get_element(i)
    if not seen[e] then seen[e] = true; out[#out + 1] = e end
    no_phi(r:get_text(i), "an issue")
  end
  table.sort(out)
  return table.concat(out, ",")
end

-- Replaces one member of libiop's compact JSON: "name":<object|array|string|literal> -> value.
local function with(json, member, value)
  local key = '"' .. member .. '":'
  local s, e = json:find(key, 1, true)
  assert(s, "no member " .. member)
  local rest = json:sub(e + 1)
  local first = rest:sub(1, 1)
  local len
  if first == "{" then len = #rest:match("^%b{}")
  elseif first == "[" then len = #rest:match("^%b[]")
  elseif first == '"' then len = #rest:match('^"[^"]*"')
  else len = #rest:match("^[%a%d%-]+") end
  return json:sub(1, e) .. value .. rest:sub(len + 1)
end

-- Elements -------------------------------------------------------------------------------------

t.test("complete documents are valid", function()
  for _, name in ipairs({ "tpo.json", "specific.json", "tpo-revoked.json", "tpo-end-of-treatment.json" }) do
    local r = load(name):validate()
    t.truthy(r:is_valid(), name .. " valid")
    t.eq(r:get_n_issues(), 0, name .. " issues")
  end
end)

t.test("every missing element is reported", function()
  local rows = {
    { "tpo.json", "patient", "null", "patient" },
    { "specific.json", "name", "null", "patient" },
    { "tpo.json", "disclosing_party", "null", "disclosing_party" },
    { "tpo.json", "information", "null", "information" },
    { "specific.json", "data_classes", "[]", "information" },
    { "tpo.json", "recipients", "[]", "recipients" },
    { "specific.json", "recipients", '[{"name":"Valley HIE","intermediary":true,"participants":[]}]', "recipients" },
    { "tpo.json", "purposes", "[]", "purpose" },
    { "tpo.json", "purposes", '["treatment","research"]', "purpose" },
    { "tpo.json", "revocation_statement", "null", "revocation_statement" },
    { "specific.json", "reliance_exception", "false", "revocation_statement" },
    { "tpo.json", "expiration", "null", "expiration" },
    { "specific.json", "expiration", '{"type":"none"}', "expiration" },
    { "specific.json", "expiration", '{"type":"event","event":"end of treatment"}', "expiration" },
    { "tpo.json", "expiration", '{"type":"event","event":"end of treatment"}', "" },
    { "tpo.json", "signature", "null", "signature" },
    { "specific.json", "role", "null", "signature" },
    { "tpo.json", "date_signed", "null", "date_signed" },
    { "tpo.json", "redisclosure_statement", "null", "redisclosure_statement" },
    { "tpo.json", "refusal_consequences_statement", "null", "refusal_consequences_statement" },
    { "specific.json", "refusal_consequences_statement", "null", "" },
  }
  for i, row in ipairs(rows) do
    local json = with(load(row[1]):to_json(), row[2], row[3])
    local r = iop.Consent.from_json(json):validate()
    t.eq(elements(r), row[4], "row " .. i .. " (" .. row[1] .. " " .. row[2] .. ")")
    t.eq(r:is_valid(), row[4] == "", "row " .. i .. " valid")
  end
end)

t.test("an incomplete document loads and lists its missing elements", function()
  local r = iop.Consent.from_file(DATA .. "/incomplete.json"):validate()
  t.eq(r:is_valid(), false, "valid")
  local list = elements(r)
  for _, e in ipairs({ "patient", "disclosing_party", "information", "recipients", "revocation_statement",
                       "expiration", "signature", "redisclosure_statement", "refusal_consequences_statement" }) do
    t.truthy(contains(list, e), e .. " reported")
  end
  t.eq(contains(list, "date_signed"), false, "date_signed present")
  t.truthy(contains(r:to_json(), '"valid":false'), "report JSON")
end)

-- Check ----------------------------------------------------------------------------------------

t.test("permitted for a covered recipient, purpose and date", function()
  local c = load("tpo.json")
  local d = c:check("Lakeview Primary Care", "treating-providers", "treatment", "2026-05-01", "medications")
  t.eq(d:is_permitted(), true, "permitted")
  t.eq(d:get_n_reasons(), 0, "reasons")
  t.eq(c:require("Acme Health Plan", "health-plans", "payment", "2026-05-01"), true, "gate")
end)

t.test("date edges: signing, revocation, expiry", function()
  local tpo, revoked, spec, event = load("tpo.json"), load("tpo-revoked.json"), load("specific.json"),
                                    load("tpo-end-of-treatment.json")
  local rows = {
    { tpo, "X", "treating-providers", "2026-03-01", "not-yet-signed" },
    { tpo, "X", "treating-providers", "2026-03-02", "" },
    { revoked, "X", "treating-providers", "2026-05-31", "" },
    { revoked, "X", "treating-providers", "2026-06-01", "revoked" },
    { revoked, "X", "treating-providers", "2026-06-02", "revoked" },
    { spec, "Hillside Outpatient Counseling", nil, "2026-12-30", "" },
    { spec, "Hillside Outpatient Counseling", nil, "2026-12-31", "" },
    { spec, "Hillside Outpatient Counseling", nil, "2027-01-01", "expired" },
    { event, "X", "treating-providers", "2026-09-30", "" },
    { event, "X", "treating-providers", "2026-10-01", "expired" },
  }
  for i, row in ipairs(rows) do
    t.eq(reasons(row[1]:check(row[2], row[3], "treatment", row[4])), row[5], "row " .. i)
  end
end)

t.test("wrong recipient, purpose and data class", function()
  local c = load("specific.json")
  t.eq(reasons(c:check("Someone Else", nil, "treatment", "2026-05-01")), "recipient-not-covered", "recipient")
  t.eq(reasons(c:check("NPI:1234567893", nil, "treatment", "2026-05-01")), "", "identifier")
  t.eq(reasons(c:check("Lakeview Primary Care", nil, "treatment", "2026-05-01")), "", "participant")
  t.eq(reasons(c:check("Hillside Outpatient Counseling", nil, "payment", "2026-05-01")), "purpose-not-covered", "purpose")
  t.eq(reasons(c:check("Hillside Outpatient Counseling", nil, "treatment", "2026-05-01", "attendance")),
       "data-class-not-covered", "data class")
  t.eq(reasons(c:check("Hillside Outpatient Counseling", nil, "treatment", "2026-05-01", "counseling-notes")), "",
       "counseling notes under a specific consent")
  t.eq(reasons(c:check("Someone Else", nil, "payment", "2027-02-01", "attendance")),
       "expired,recipient-not-covered,purpose-not-covered,data-class-not-covered", "every reason")
end)

t.test("counseling notes are never covered by a TPO consent", function()
  local d = load("tpo.json"):check("X", "treating-providers", "treatment", "2026-05-01", "counseling-notes")
  t.eq(reasons(d), "counseling-notes-need-separate-consent", "reason")
  local json = d:to_json()
  t.truthy(contains(json, '"permitted":false'), "permitted in JSON")
  t.truthy(contains(json, '"code":"counseling-notes-need-separate-consent"'), "reason in JSON")
end)

t.test("no consent on file", function()
  t.eq(reasons(iop.consent_check(nil, "X", "treating-providers", "treatment", "2026-05-01", nil)), "no-consent", "check")
end)

-- Gate -----------------------------------------------------------------------------------------

t.test("the gate raises PermissionDeniedError (code 8)", function()
  t.eq(PERMISSION_DENIED, 8, "code")
  local err = t.raises(PERMISSION_DENIED, iop.consent_require, nil, "X", "treating-providers", "treatment",
                       "2026-05-01", nil)
  t.eq(err.name, "PermissionDeniedError", "name")
  t.truthy(contains(err.message, "no consent on file"), "message")
  local cases = {
    { "tpo-revoked.json", { "X", "treating-providers", "treatment", "2026-06-01" }, "revoked" },
    { "specific.json", { "Hillside Outpatient Counseling", nil, "treatment", "2027-01-01" }, "expired" },
    { "specific.json", { "Someone Else", nil, "treatment", "2026-05-01" }, "recipient-not-covered" },
    { "specific.json", { "Hillside Outpatient Counseling", nil, "payment", "2026-05-01" }, "purpose-not-covered" },
  }
  for _, case in ipairs(cases) do
    local c = load(case[1])
    local a = case[2]
    local e = t.raises(PERMISSION_DENIED, c.require, c, a[1], a[2], a[3], a[4])
    t.truthy(contains(e.message, case[3]), case[3])
    no_phi(e.message, "the gate's error")
    t.truthy(contains(tostring(e), "iop.PermissionDeniedError"), "tostring")
  end
end)

t.test("bad arguments", function()
  local c = load("tpo.json")
  for _, a in ipairs({ { "X", nil, "treatment", "2026-02-30" }, { "X", nil, "marketing", "2026-05-01" },
                       { "X", "employers", "treatment", "2026-05-01" }, { "", nil, "treatment", "2026-05-01" } }) do
    t.raises(INVALID_ARGUMENT, c.require, c, a[1], a[2], a[3], a[4])
    t.raises(INVALID_ARGUMENT, iop.consent_require, nil, a[1], a[2], a[3], a[4], nil)
  end
  t.raises(INVALID_ARGUMENT, c.check, c, "X", nil, "treatment", "2026-05-01", "psychotherapy-notes")
  t.eq(pcall(c.require, c, nil, nil, "treatment", "2026-05-01"), false, "nil recipient refused")
  t.eq(pcall(c.check, c, "X", nil, nil, "2026-05-01"), false, "nil purpose refused")
end)

t.test("set_revocation", function()
  local c = load("tpo.json")
  t.raises(INVALID_ARGUMENT, c.set_revocation, c, "2026-13-01")
  t.eq(c:get_revocation_date(), nil, "unchanged")
  c:set_revocation("2026-08-01", "in writing")
  t.eq(c:require("X", "health-plans", "payment", "2026-07-31"), true, "day before")
  t.raises(PERMISSION_DENIED, c.require, c, "X", "health-plans", "payment", "2026-08-01")
  t.truthy(contains(c:to_json(), '"revocation":{"date":"2026-08-01","how":"in writing"}'), "JSON")
end)

-- Documents ------------------------------------------------------------------------------------

t.test("round trip is byte-identical", function()
  for _, name in ipairs({ "tpo.json", "specific.json", "tpo-revoked.json", "tpo-end-of-treatment.json" }) do
    local first = load(name):to_json()
    t.eq(iop.Consent.from_json(first):to_json(), first, name)
    t.eq(load(name):copy():to_json(), first, name .. " copy")
  end
end)

t.test("malformed documents name the path", function()
  local cases = {
    { "unknown-member.json", PARSE, "$.notes" },
    { "date-signed-not-a-calendar-date.json", INVALID_DATA, "$.date_signed" },
    { "unknown-data-class.json", INVALID_DATA, "$.information.data_classes[1]" },
    { "unknown-purpose.json", INVALID_DATA, "$.purposes[0]" },
    { "recipient-not-an-object.json", PARSE, "$.recipients[0]" },
    { "revocation-without-date.json", PARSE, "$.revocation.date" },
  }
  for _, c in ipairs(cases) do
    local err = t.raises(c[2], iop.Consent.from_file, DATA .. "/invalid/" .. c[1])
    t.eq(err.path, c[3], c[1])
    no_phi(err.message, c[1])
  end
  t.raises(IO, iop.Consent.from_file, DATA .. "/no-such-consent.json")
  t.eq(pcall(iop.Consent.from_json, nil), false, "nil refused")
end)

t.test("getters and code sets", function()
  local c = load("specific.json")
  t.eq(c:get_kind(), "specific", "kind")
  t.eq(c:get_id(), "consent-specific-1", "id")
  t.eq(c:get_date_signed(), "2026-04-15", "signed")
  t.eq(c:get_expiration_date(), "2026-12-31", "expires")
  t.eq(iop.Consent.data_class_is_known("counseling-notes"), true, "known class")
  t.eq(iop.Consent.data_class_is_known("psychotherapy-notes"), false, "unknown class")
  t.eq(iop.Consent.recipient_class_is_known("health-plans"), true, "recipient class")
  t.eq(iop.Consent.purpose_to_code("payment"), "HPAYMT", "purpose code")
  t.eq(iop.Consent.purpose_to_code("marketing"), nil, "unknown purpose")
end)

t.test("FHIR Consent", function()
  local tpo = load("tpo.json"):to_fhir()
  t.truthy(contains(tpo, '"resourceType":"Consent"'), "resource type")
  t.truthy(contains(tpo, '"status":"active"'), "status")
  t.truthy(contains(tpo, '"code":"patient-privacy"'), "scope")
  t.truthy(contains(tpo, '"code":"59284-0"'), "category")
  t.truthy(contains(tpo, '"code":"42CFRPart2"'), "policy rule")
  t.truthy(contains(tpo, '"code":"TREAT"') and contains(tpo, '"code":"HPAYMT"') and contains(tpo, '"code":"HOPERAT"'),
           "purposes")
  t.truthy(contains(tpo, '"type":"deny"'), "nested deny")
  t.truthy(contains(load("tpo-revoked.json"):to_fhir(), '"status":"inactive"'), "revoked")
  local spec = load("specific.json"):to_fhir()
  t.truthy(contains(spec, '"period":{"start":"2026-04-15","end":"2026-12-31"}'), "period")
  t.eq(contains(spec, '"type":"deny"'), false, "no deny for a specific consent")
end)

t.test("built from scratch equals the document", function()
  local c = iop.Consent("tpo")
  t.eq(c:validate():is_valid(), false, "empty")
  c:set_id("consent-tpo-1")
  c:set_patient("Test Patient One", "pt-0001")
  c:set_disclosing_party("Riverside Intensive Outpatient Program", nil)
  c:set_information("All my substance use disorder treatment records held by the program")
  for _, dc in ipairs({ "sud-treatment", "diagnoses", "medications", "assessments", "outcome-measures", "care-plan",
                        "attendance" }) do c:add_data_class(dc) end
  for _, rc in ipairs({ "treating-providers", "health-plans", "third-party-payers", "program-operations" }) do
    c:add_recipient(nil, nil, rc)
  end
  for _, p in ipairs({ "treatment", "payment", "health-care-operations" }) do c:add_purpose(p) end
  c:set_revocation_statement(true, "Send a signed letter to the program's privacy officer", true)
  c:set_expiration("none", nil)
  c:set_signature("Test Patient One", "patient", true)
  c:set_date_signed("2026-03-02")
  local json = load("tpo.json"):to_json()
  c:set_statements(json:match('"redisclosure_statement":"([^"]*)"'), json:match('"refusal_consequences_statement":"([^"]*)"'))
  t.eq(c:to_json(), json, "same document")
end)

t.test("setters refuse bad arguments", function()
  local c = iop.Consent("specific")
  t.raises(INVALID_ARGUMENT, iop.Consent, "general")
  c:add_purpose("treatment")
  t.raises(INVALID_ARGUMENT, c.set_id, c, "consent #1")
  t.raises(INVALID_ARGUMENT, c.add_purpose, c, "treatment")
  t.raises(INVALID_ARGUMENT, c.add_purpose, c, "marketing")
  t.raises(INVALID_ARGUMENT, c.add_data_class, c, "psychotherapy-notes")
  t.raises(INVALID_ARGUMENT, c.add_recipient, c, nil, nil, nil)
  t.raises(INVALID_ARGUMENT, c.add_recipient, c, "Hillside", nil, "employers")
  t.raises(INVALID_ARGUMENT, c.add_participant, c, "Lakeview")
  t.raises(INVALID_ARGUMENT, c.set_expiration, c, "date", "12/31/2026")
  t.raises(INVALID_ARGUMENT, c.set_expiration, c, "none", "2026-12-31")
  t.raises(INVALID_ARGUMENT, c.set_event_occurred, c, "2026-09-30")
  t.raises(INVALID_ARGUMENT, c.set_signature, c, "Guardian", "friend", false)
  t.raises(INVALID_ARGUMENT, c.set_date_signed, c, "2026-02-30")
  c:add_intermediary("Valley Health Information Exchange", nil, nil)
  c:add_participant("Lakeview Primary Care")
  t.truthy(contains(c:to_json(), '"participants":["Lakeview Primary Care"]'), "participant")
  t.eq(pcall(c.add_purpose, c, nil), false, "nil refused")
end)

t.test("objects outlive their consent", function()
  local c = load("tpo-revoked.json")
  local d = c:check("X", nil, "research", "2026-07-01")
  local r = c:validate()
  c = nil
  collectgarbage()
  collectgarbage()
  t.eq(reasons(d), "revoked,recipient-not-covered,purpose-not-covered", "decision")
  t.eq(r:is_valid(), true, "report")
end)

t.run()
