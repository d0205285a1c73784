-- Pre-authorization through the Lua binding: the illustrative payer pack, decisions per payer
-- (Virginia pends 2.1 without a signed assessment, California's DMC-ODS prohibits authorization
-- for IOP, the commercial per-diem rules, the Medicare Advantage session threshold, no rule ->
-- pended), CMS-0057-F deadlines, estimates, strict requests (paths, no quoted values), the batch
-- entry point (order, error records, byte-identical to single decisions), the ledger, and nil
-- refused.
-- Mirrors tests/python/test_preauth.py (parity is the point; Lua has no GIL to release).
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local INVALID_ARGUMENT, NOT_FOUND, PARSE, INVALID_DATA, IO =
  iop.IOP_ERROR_INVALID_ARGUMENT, iop.IOP_ERROR_NOT_FOUND, iop.IOP_ERROR_PARSE, iop.IOP_ERROR_INVALID_DATA,
  iop.IOP_ERROR_IO
local UNDER_VALGRIND = os.getenv("IOP_UNDER_VALGRIND") ~= nil
local DATA = (os.getenv("IOP_TEST_DATA_DIR") or "tests/data") .. "/preauth"

local function contains(s, sub) return s:find(sub, 1, true) ~= nil end

local policy = iop.PreauthPolicy()

-- Requests are built as text: the base Virginia 2.1 request with members given as raw JSON.
local BASE = {
  { "format", '"libiop-preauth-request"' }, { "format_version", "1" }, { "id", '"REQ-0001"' },
  { "member", '{"id":"M-7f3a","birth_date":"1988-04-12"}' },
  { "coverage", '{"payer":"va-medicaid-arts","plan":"ARTS","in_network":true}' },
  { "level", '{"edition":"asam3","code":"2.1"}' }, { "services", '["H0015"]' }, { "units", "40" },
  { "start", '"2026-03-02"' }, { "end", '"2026-04-30"' }, { "diagnoses", '["F10.20","F32.1"]' },
  { "documents", '[{"kind":"asam-assessment","date":"2026-02-24","signed_by":"CATP"}]' },
  { "urgency", '"standard"' }, { "received_at", '"2026-02-27T16:30:00-05:00"' },
}

-- patch: member name -> raw JSON text, or false to remove the member.
local function request(patch)
  patch = patch or {}
  local parts, seen = {}, {}
  for _, kv in ipairs(BASE) do
    local name, value = kv[1], kv[2]
    seen[name] = true
    if patch[name] ~= nil then value = patch[name] end
    if value then parts[#parts + 1] = string.format('"%s":%s', name, value) end
  end
  for name, value in pairs(patch) do
    if not seen[name] and value then parts[#parts + 1] = string.format('"%s":%s', name, value) end
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function decide(patch)
  return policy:decide(iop.PreauthRequest.from_json(request(patch)))
end

local function codes(d)
  local out = {}
  for i = 0, d:get_n_reasons() - 1 do out[#out + 1] = d:get_reason_code(i) end
  return table.concat(out, ",")
end

t.test("default pack", function()
  t.truthy(policy:is_illustrative(), "illustrative")
  t.eq(policy:get_n_payers(), 4, "payers")
  t.eq(policy:get_payer_id(0), "va-medicaid-arts", "first payer")
  t.eq(policy:get_payer_id(3), "example-medicare-advantage", "last payer")
  t.eq(policy:get_payer_id(4), nil, "out of range")
  t.eq(policy:get_payer_cms_0057f("va-medicaid-arts"), true, "va under CMS-0057-F")
  t.eq(policy:get_payer_cms_0057f("example-commercial"), false, "commercial not")
  t.raises(NOT_FOUND, policy.get_payer_cms_0057f, policy, "nobody")
  t.eq(iop.PreauthPolicy.from_json(iop.PreauthPolicy.default_pack_json()):get_id(), "libiop-illustrative-payers", "from_json")
  t.eq(iop.PreauthPolicy.from_file(DATA .. "/valid/payers-minimal.json"):get_id(), "test-minimal-payers", "from_file")
  local err = t.raises(INVALID_DATA, iop.PreauthPolicy.from_file, DATA .. "/invalid-packs/duplicate-payer.json")
  t.eq(err.path, "$.payers[1].id", "pack path")
  t.raises(IO, iop.PreauthPolicy.from_file, DATA .. "/nope.json")
end)

t.test("virginia pends 2.1 without a signed assessment", function()
  local d = decide({ documents = false })
  t.eq(d:get_outcome(), "pended", "outcome")
  t.eq(codes(d), "missing-document", "codes")
  t.eq(d:get_missing_document(0), "asam-assessment", "missing")
  t.eq(d:get_reason_source(0), "va-arts-authorization", "source")
  d = decide({ documents = '[{"kind":"asam-assessment","date":"2026-02-24"}]' })
  t.eq(codes(d), "unsigned-document", "unsigned")
  t.eq(d:get_authorized_units(), -1, "no units")
  t.eq(d:get_period_start(), nil, "no period")
end)

t.test("virginia approves and modifies", function()
  local d = decide({ units = "20", ["end"] = '"2026-03-31"' })
  t.eq(d:get_outcome(), "approved", "approved")
  t.eq(d:get_authorized_units(), 20, "units")
  t.eq(d:get_period_start(), "2026-03-02", "start")
  t.eq(d:get_period_end(), "2026-03-31", "end")
  t.eq(d:get_next_review(), "2026-03-16", "review")
  d = decide()
  t.eq(d:get_outcome(), "approved-modified", "modified")
  t.eq(codes(d), "period-shortened,units-reduced,criteria-met", "modified codes")
  t.eq(d:get_authorized_units(), 30, "initial units")
end)

t.test("california prohibits authorization for IOP", function()
  local d = decide({ coverage = '{"payer":"ca-dmc-ods","in_network":true}' })
  t.eq(d:get_outcome(), "not-required", "outcome")
  t.eq(codes(d), "authorization-prohibited", "codes")
  t.eq(d:get_reason_source(0), "ca-dmc-ods-authorization", "source")
end)

t.test("denials carry a specific reason", function()
  local d = decide({ diagnoses = '["F32.1"]' })
  t.eq(d:get_outcome(), "denied", "denied")
  t.eq(codes(d), "diagnosis-not-covered", "diagnosis")
  d = decide({ coverage = '{"payer":"example-commercial","in_network":true}', services = '["H0015","H0035"]' })
  t.eq(d:get_outcome(), "denied", "exclusive denied")
  t.eq(codes(d), "exclusive-services", "exclusive")
  t.eq(d:get_reason_source(0), "bcbsnc-per-diem", "per-diem source")
end)

t.test("no rule pends", function()
  local d = decide({ level = '{"edition":"asam3","code":"3.7-WM"}', services = false,
                     coverage = '{"payer":"ca-dmc-ods","in_network":true}' })
  t.eq(d:get_outcome(), "pended", "pended")
  t.eq(codes(d), "no-matching-rule", "code")
  t.eq(d:get_rule(), nil, "no rule")
  t.eq(d:get_reason_source(0), nil, "no source")
end)

t.test("threshold", function()
  local ma = '{"payer":"example-medicare-advantage","in_network":true}'
  t.eq(decide({ coverage = ma, units = "15" }):get_outcome(), "not-required", "below")
  local d = decide({ coverage = ma, units = "10", sessions_used = "10", ["end"] = '"2026-03-31"' })
  t.eq(d:get_outcome(), "approved", "over")
  t.eq(d:get_authorized_units(), 5, "units above the threshold")
  t.eq(d:get_out_of_pocket(), 150.0, "copay")
end)

t.test("deadlines", function()
  t.eq(decide({ urgency = '"expedited"', received_at = '"2026-12-29T10:00:00+01:00"' }):get_decision_due(),
       "2027-01-01T10:00:00+01:00", "expedited across the year end")
  t.eq(decide():get_decision_due(), "2026-03-06T16:30:00-05:00", "standard")
  t.eq(decide({ received_at = '"2025-12-31T18:59:59-05:00"' }):get_decision_due(), nil, "before 2026")
  local d = decide({ coverage = '{"payer":"example-commercial","in_network":true}' })
  t.truthy(contains(d:to_json(), '"timeframe":"payer"'), "payer timeframe")
  t.eq(d:get_decision_due(), "2026-03-14T16:30:00-05:00", "15 days")
end)

t.test("out of pocket", function()
  local docs = '[{"kind":"stage-of-change","date":"2026-02-20"},{"kind":"drug-screen","date":"2026-02-25"}]'
  local d = decide({ coverage = '{"payer":"example-commercial","in_network":true}', units = "12",
                     ["end"] = '"2026-03-29"', documents = docs })
  t.eq(d:get_out_of_pocket(), 1000.0, "in network")
  t.truthy(contains(d:to_json(), '"out_of_pocket":{"network":"in-network","units":12,"allowed":3000,"deductible":500,"member_pays":1000}'), "json")
  d = decide({ coverage = '{"payer":"example-commercial","in_network":false}', units = "12",
               ["end"] = '"2026-03-29"', documents = docs })
  t.eq(d:get_out_of_pocket(), 2100.0, "out of network")
  t.eq(decide({ documents = false }):get_out_of_pocket(), -1.0, "none when pended")
end)

t.test("json", function()
  local d = decide({ documents = false })
  local j = d:to_json()
  t.truthy(contains(j, '"outcome":"pended"'), "outcome")
  t.truthy(contains(j, '"reasons":[{"code":"missing-document"'), "reason code")
  t.truthy(contains(j, '"decision_due":"2026-03-06T16:30:00-05:00"'), "due")
  t.eq(policy:decide_json(request({ documents = false })), j, "decide_json")
end)

t.test("request round trip and errors", function()
  local r = iop.PreauthRequest.from_json(request())
  local text = r:to_json()
  t.eq(iop.PreauthRequest.from_json(text):to_json(), text, "round trip")
  t.eq(text, request(), "the base request is already canonical")
  t.eq(r:get_id(), "REQ-0001", "id")
  local err = t.raises(INVALID_DATA, iop.PreauthRequest.from_json,
                       request({ member = '{"id":"SECRET-MEMBER","birth_date":"1988-02-30"}' }))
  t.eq(err.path, "$.member.birth_date", "path")
  t.truthy(not contains(err.message, "1988"), "no value in the message")
  err = t.raises(PARSE, iop.PreauthRequest.from_json, request({ unit = "3" }))
  t.eq(err.path, "$.unit", "unknown member")
  err = t.raises(INVALID_DATA, policy.decide, policy,
                 iop.PreauthRequest.from_json(request({ coverage = '{"payer":"acme","in_network":true}' })))
  t.eq(err.path, "$.coverage.payer", "payer path")
  t.truthy(not contains(err.message, "acme"), "no payer in the message")
end)

t.test("nil refused", function()
  t.truthy(not pcall(iop.PreauthRequest.from_json, nil), "from_json(nil)")
  t.truthy(not pcall(policy.decide, policy, nil), "decide(nil)")
  t.truthy(not pcall(policy.decide_json, policy, nil), "decide_json(nil)")
end)

t.test("batch order, error records and identity", function()
  local payers = { "va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage" }
  local reqs = {}
  for i = 0, 299 do
    reqs[i + 1] = request({ id = string.format('"R%d"', i), units = tostring(1 + i % 40),
                            coverage = string.format('{"payer":"%s","in_network":true}', payers[i % 4 + 1]) })
  end
  reqs[101] = "{not json"
  reqs[201] = request({ urgency = '"soon"' })
  local one, four = policy:decide_batch(reqs), policy:decide_batch(reqs, 4)
  t.eq(#one, 300, "count")
  for i = 1, 300 do
    t.eq(four[i], one[i], "jobs 4 line " .. i)
    if i == 101 then
      t.truthy(contains(one[i], '{"line":101,"error":{"code":"IOP_ERROR_PARSE","path":null'), "syntax error record")
    elseif i == 201 then
      t.truthy(contains(one[i], '{"line":201,"error":{"code":"IOP_ERROR_INVALID_DATA","path":"$.urgency"'), "urgency record")
      t.truthy(not contains(one[i], "soon"), "no value")
    else
      t.eq(one[i], policy:decide_json(reqs[i]), "line " .. i .. " identical")
    end
  end
  t.eq(#policy:decide_batch({}), 0, "empty")
  t.raises(INVALID_ARGUMENT, policy.decide_batch, policy, { request() }, 0)
  t.truthy(not pcall(policy.decide_batch, policy, { request(), 3 }), "a number in the list")
  t.truthy(not pcall(policy.decide_batch, policy, nil), "nil list")
end)

t.test("ledger", function()
  local led = iop.PreauthLedger()
  led:add_authorization("A1", "va-medicaid-arts", "2.1", 30, "2026-03-02", "2026-03-31")
  for day = 2, 6 do led:record_use("A1", string.format("2026-03-%02d", day), 1) end
  t.eq(led:get_remaining_units("A1"), 25, "remaining")
  t.eq(led:get_reminders_json("2026-03-24", 7),
       '[{"authorization":"A1","kind":"expiring","date":"2026-03-31","remaining_units":25}]', "reminder")
  t.truthy(contains(led:get_reminders_json("2026-04-01", 7), '"kind":"expired"'), "expired")
  led:add_status("A1", "submitted", "2026-02-27T10:00:00-05:00")
  led:add_status("A1", "approved", "2026-02-28T16:00:00-05:00")
  local m = led:get_metrics_json()
  t.truthy(contains(m, '"approved":1'), "approved count")
  t.truthy(contains(m, '"average_decision_hours_standard":30'), "decision time")
  local text = led:to_json()
  t.eq(iop.PreauthLedger.from_json(text):to_json(), text, "round trip")
  t.raises(NOT_FOUND, led.record_use, led, "nope", "2026-03-02", 1)
  t.raises(INVALID_ARGUMENT, led.add_status, led, "A1", "lost", "2026-02-27T10:00:00Z")
  t.raises(INVALID_ARGUMENT, led.add_authorization, led, "A1", "p", "s", 1, "2026-01-01", "2026-01-02")
end)

t.test("PAS import", function()
  local fixtures = os.getenv("IOP_SHARED_FIXTURES_DIR")
  local f = fixtures and io.open(fixtures .. "/pas/Bundle-RejectionResponseBundleExample.json")
  if f then
    local d = iop.PreauthDecision.from_pas_json(f:read("a"))
    f:close()
    t.eq(d:get_outcome(), "denied", "A3 denied")
    t.eq(d:get_reason_code(0), "pas-not-certified", "reason")
  else
    print("  (no PAS fixtures: skipping the HL7 examples)")
  end
  local err = t.raises(INVALID_DATA, iop.PreauthDecision.from_pas_json, '{"resourceType":"Patient"}')
  t.eq(err.path, "$.resourceType", "path")
end)

t.test("repeated use", function()
  -- Gives valgrind (memcheck/lua/preauth) something to find if anything leaks.
  for i = 1, UNDER_VALGRIND and 10 or 100 do
    local p = iop.PreauthPolicy()
    local d = p:decide(iop.PreauthRequest.from_json(request({ units = tostring(i) })))
    d:to_json(); d:get_decision_due(); d:get_period_start(); d:get_next_review()
    p:decide_batch({ request(), "[]" }, 2)
    pcall(iop.PreauthRequest.from_json, request({ units = "0" }))
    pcall(p.decide_batch, p, { request(), 7 })
    p, d = nil, nil
  end
  collectgarbage()
end)

t.test("PAS export is gated by the member's consent", function()
  local tpo = iop.Consent.from_file(DATA .. "/pas/consent-tpo.json")
  local req = iop.PreauthRequest.from_json(request())
  local err = t.raises(iop.IOP_ERROR_PERMISSION_DENIED, req.to_pas, req, nil, "Riverside IOP", "2026-02-27")
  t.eq(err.name, "PermissionDeniedError", "error name")
  t.truthy(err.message:find("no-consent", 1, true), "reason code")
  t.raises(iop.IOP_ERROR_PERMISSION_DENIED, req.to_pas, req, tpo, "Riverside IOP", "2026-02-19")
  local revoked = iop.Consent.from_file(DATA .. "/pas/consent-tpo.json")
  revoked:set_revocation("2026-02-25")
  t.raises(iop.IOP_ERROR_PERMISSION_DENIED, req.to_pas, req, revoked, "Riverside IOP", "2026-02-27")
  local other = iop.PreauthRequest.from_json((request():gsub("M%-7f3a", "M-0000")))
  err = t.raises(iop.IOP_ERROR_PERMISSION_DENIED, other.to_pas, other, tpo, "Riverside IOP", "2026-02-27")
  t.truthy(err.message:find("other-patient", 1, true), "other patient")
  local text = req:to_pas(tpo, "Riverside IOP", "2026-02-27")
  t.eq(text, req:to_pas(tpo, "Riverside IOP", "2026-02-27"), "deterministic")
  t.truthy(text:find('"resourceType":"Bundle"', 1, true), "a Bundle")
  t.truthy(text:find('"entry":[{"fullUrl":"urn:uuid:', 1, true), "entries")
  t.truthy(text:find('"use":"preauthorization"', 1, true), "preauthorization claim")
end)

t.test("ledger counts an episode's attended dates, one unit per date", function()
  local e = iop.Episode("C-1", iop.IOP_EDITION_ASAM3, "2.1", "2026-03-01")
  e:add_attendance("2026-03-02", "09:00", 180, "group-therapy", iop.IOP_ATTENDANCE_ATTENDED)
  e:add_attendance("2026-03-02", "13:00", 180, "group-therapy", iop.IOP_ATTENDANCE_ATTENDED)
  e:add_attendance("2026-03-04", "09:00", 180, "group-therapy", iop.IOP_ATTENDANCE_MISSED)
  e:add_attendance("2026-03-09", "09:00", 180, "group-therapy", iop.IOP_ATTENDANCE_ATTENDED)
  local led = iop.PreauthLedger()
  led:add_authorization("A1", "va-medicaid-arts", "H0015", 10, "2026-03-02", "2026-03-31")
  t.eq(led:record_attendance("A1", e, "2026-03-05"), 1, "up to 5 March")
  t.eq(led:record_attendance("A1", e), 1, "the rest")
  t.eq(led:record_attendance("A1", e), 0, "idempotent")
  t.eq(led:get_remaining_units("A1"), 8, "remaining")
  t.raises(iop.IOP_ERROR_NOT_FOUND, led.record_attendance, led, "nope", e)
end)

t.run()
