// The server-side Lua script of the Redis store. One call applies the observations of one or more
// (rule, group) pairs; each group's observations in arrival order. For each group the script reads the state
// and the cooldown, applies every observation with exactly the semantics of `RuleEngine.applyObservation`
// (packages/processor/src/engine/RuleEngine.ts, the coordinator of `InMemoryStateStore`), writes the state
// back and returns the detections. A call is atomic: no other client sees a group half-updated.
//
// Keys: two per group (state, cooldown), both under the hash tag `{rule:fingerprint:group}`. On Redis Cluster
// the store only puts groups of one hash slot in a call, so every call touches one slot; on a standalone
// Redis it packs up to `maxGroupsPerCall` groups per call (one EVALSHA instead of one per group: the
// per-command cost of the client and the server dominates a small state update).
//
// The code is a line-by-line port of the engine's `_applyCount`/`_countDetect`, `_applyValues`/
// `_valuesWindow`/`_evictStalestValue`/`ValueIndex`/`insertOccurrence` and `_applyTemporal`, with
// JavaScript's 0-based indices rewritten for Lua's 1-based tables (comments name the JS index where it helps).
// test/RedisStateStore.test.ts checks the port against the engine on random streams (fast-check) and long ones.
//
// KEYS: per group its state key (standalone Redis), or its state and cooldown keys (cluster: one group per call).
// ARGV: R, then R rule headers { kind (0 event_count, 1 value_count, 2 temporal_ordered), window µs,
//   tolerance µs, threshold, cooldown µs (0 = none), max evidence, state TTL ms, cooldown TTL ms,
//   max distinct values | max events per step | 0, fields | steps | 0, [temporal: one count per step] },
//   then G, then the G groups packed in one string (little-endian, struct formats):
//   { rule (I4, 1-based index into the headers), K (I4), K observations }.
// Observation: its event record ('E', time µs (d), evidence length (I4), evidence bytes), then [value_count:
//   per field a value (I4 length, bytes)] or [temporal: step (i4)]. Evidence: the event-name token (the name's index in the rule's event list, or '=' .. name), followed, when the event has
//   any, by U+001F trace id U+001F span id U+001F record uid. Stored as is; returned as is.
// Reply: { group (1-based), result } for each group with a non-zero result, result = { late, evictions,
//   suppressed, detection... } with detection =
//   { observation (1-based), count, first µs, last µs, evidence count, suppressed count,
//     { t, evidence, t, evidence, ... }, { n, value..., n, value... } (value_count: sample per field) },
//   or { -1 } when a key of the group holds data that is not ours (the group is left untouched).
// Numbers are integers below 2^53 (µs since 1970 stay exact in Lua's doubles); every number written to Redis
// goes through cmsgpack (int64), never tostring (which keeps 14 digits).

export const APPLY_LUA = `
local a = 1
local R = tonumber(ARGV[a]); a = a + 1
local rules = {}
for r = 1, R do
  local ru = {
    kind = tonumber(ARGV[a]), W = tonumber(ARGV[a + 1]), TOL = tonumber(ARGV[a + 2]), N = tonumber(ARGV[a + 3]),
    SUP = tonumber(ARGV[a + 4]), CAP = tonumber(ARGV[a + 5]), TTL = ARGV[a + 6], CTTL = ARGV[a + 7],
    P1 = tonumber(ARGV[a + 8]), NF = tonumber(ARGV[a + 9]),
  }
  a = a + 10
  if ru.kind == 2 then
    ru.counts = {}
    for s = 1, ru.NF do ru.counts[s] = tonumber(ARGV[a]); a = a + 1 end
  end
  rules[r] = ru
end
-- Groups in this call; keys per group: 1 (the state key) on a standalone Redis, 2 (state, cooldown) on a cluster.
local G = tonumber(ARGV[a]); a = a + 1
local KPG = (#KEYS == 2 * G) and 2 or 1

-- The observations travel packed in one argument (one string to parse and copy instead of four to six per
-- observation: the per-argument work of the client and the server dominated). Unpacked here into A, a flat
-- array: per group { rule, K, K observations { time, evidence, [value per field | step] } }. An observation
-- starts with its event record, in the layout event_count stores ('E', time, evidence length, evidence): for
-- event_count rules A holds the record's position in B instead of the evidence string, so the common case
-- stores the record by copying it once, and the evidence is cut out only when needed (evidenceAt).
local A = {}
local B = ARGV[a]
do
  local pos, w = 1, 0
  for g = 1, G do
    local ri, K
    ri, K, pos = struct.unpack('<I4I4', B, pos)
    A[w + 1] = ri; A[w + 2] = K; w = w + 2
    local ru = rules[ri]
    local kind, NF = ru.kind, ru.NF
    for k = 1, K do
      local t, len = struct.unpack('<dI4', B, pos + 1)
      A[w + 1] = t
      if kind == 0 then A[w + 2] = pos else A[w + 2] = string.sub(B, pos + 13, pos + 12 + len) end
      w = w + 2
      pos = pos + 13 + len
      if kind == 1 then
        for f = 1, NF do
          len, pos = struct.unpack('<I4', B, pos)
          w = w + 1
          A[w] = string.sub(B, pos, pos + len - 1)
          pos = pos + len
        end
      elseif kind == 2 then
        w = w + 1
        A[w], pos = struct.unpack('<i4', B, pos)
      end
    end
  end
end

-- The evidence of the event record at position pos of B.
local function evidenceAt(pos)
  local len = struct.unpack('<I4', B, pos + 9)
  return string.sub(B, pos + 13, pos + 12 + len)
end

local FOREIGN = {}

-- GET that survives a key of another type, and msgpack that survives a value that is not ours.
local function load(key)
  local raw = redis.pcall('GET', key)
  if type(raw) == 'table' then return FOREIGN end
  if not raw then return nil end
  local ok, v = pcall(cmsgpack.unpack, raw)
  if not ok or type(v) ~= 'table' then return FOREIGN end
  return v
end

-- An event's evidence travels and is stored as one string: the name token, then (only when the event has
-- any) its trace id, span id and record uid, separated by U+001F. No table per event.
local function pushev(list, t, ev)
  local n = #list
  list[n + 1] = t
  list[n + 2] = ev
end

local function dropFirst(arr, k)
  local r = {}
  for i = k + 1, #arr do r[#r + 1] = arr[i] end
  return r
end

-- RuleEngine._detected: the cooldown per rule and group, shared by the whole fleet (this key is the
-- fleet-wide deduplication: one alert per rule and group per cooldown, whichever instance completes it).
-- Returns the suppressed count to carry, nil when suppressed, false when the key is not ours.
local function cooldown(cd, res, last)
  if cd.SUP <= 0 then return 0 end
  if not cd.loaded then
    cd.loaded = true
    local c = load(cd.key)
    if c == FOREIGN then return false end
    if c ~= nil then cd.untilT = c[1]; cd.count = c[2] end
  end
  if cd.untilT ~= nil and last < cd.untilT then
    cd.count = cd.count + 1
    res[3] = res[3] + 1
    cd.dirty = true
    return nil
  end
  local sc = 0
  if cd.untilT ~= nil then sc = cd.count end
  cd.untilT = last + cd.SUP
  cd.count = 0
  cd.dirty = true
  return sc
end

-- d = { count, first, last, evidence (flat), evidence count, distinct (flat) }. False when the cooldown key is not ours.
local function emit(cd, res, k, d)
  local sc = cooldown(cd, res, d[3])
  if sc == false then return false end
  if sc ~= nil then res[#res + 1] = {k, d[1], d[2], d[3], d[5], sc, d[4], d[6] or {}} end
  return true
end

local function finish(sk, cd, ru, res, changed, empty, blob)
  if changed then
    if empty then redis.call('DEL', sk) else redis.call('SET', sk, blob, 'PX', ru.TTL) end
  end
  if cd ~= nil and cd.dirty then redis.call('SET', cd.key, cmsgpack.pack({cd.untilT, cd.count}), 'PX', ru.CTTL) end
  return res
end

-- A group's cooldown, created on its first detection in this call (most groups have none). Its key is declared
-- (KEYS[2g], Redis Cluster: one group per call) or, on a standalone Redis, the state key with its last
-- character changed ('...}:s' -> '...}:c': same hash tag), which saves sending and parsing a key per group.
local function newCooldown(g, ru)
  local key
  if KPG == 2 then key = KEYS[2 * g] else key = string.sub(KEYS[g], 1, -2) .. 'c' end
  return {key = key, SUP = ru.SUP, count = 0}
end

-- ---------------------------------------------------------------------------------------------------
-- event_count: sorted event times and their evidence; reset on detection. Stride 2.
--
-- The state is one string of event records, newest first, in a binary layout (struct), not msgpack: a stream
-- of many groups (every observation a read and a write of its own group) is this script's hot path, and Lua's
-- cost there is mostly the strings and tables it creates (every byte of a new string is copied, hashed and
-- later collected). Record: 'E', time (double: integers below 2^53 are exact), evidence length (uint32 LE),
-- evidence. Equal times: the later arrival first (the engine's arrays, reversed).
-- A group with one observation in the call that arrives in order and cannot complete a window (the common
-- case) is applied on the string itself: the new record (copied from the call's argument) goes in front, the
-- records too old to share a window with a future event are cut from the end; nothing is decoded.
-- Everything else decodes into the engine's arrays and runs the port.

local ZERO = {0, 0, 0} -- shared "nothing to report" result (never modified)

local function encodeCount(times, evs, n)
  local parts = {}
  for i = n, 1, -1 do
    local ev = evs[i]
    parts[n - i + 1] = 'E' .. struct.pack('<dI4', times[i], #ev) .. ev
  end
  return table.concat(parts)
end

-- times, evs (oldest first); errors (caught by the caller's pcall) on data that is not ours.
local function decodeCount(raw)
  local rt, re = {}, {}
  local size = #raw
  local p = 1
  while p <= size do
    if string.byte(raw, p) ~= 69 or p + 12 > size then error('not ours') end -- 'E'
    local t, len = struct.unpack('<dI4', raw, p + 1)
    if p + 12 + len > size then error('not ours') end
    rt[#rt + 1] = t
    re[#re + 1] = string.sub(raw, p + 13, p + 12 + len)
    p = p + 13 + len
  end
  local n = #rt
  local times, evs = {}, {}
  for i = 1, n do
    times[i] = rt[n + 1 - i]
    evs[i] = re[n + 1 - i]
    if i > 1 and times[i] < times[i - 1] then error('not ours') end
  end
  return times, evs
end

-- The fast path (one in-order observation that cannot complete a window). Returns the new state, 'late', or
-- nil when the general path must run. raw ~= nil; rec = the observation's record position in B.
local function countFast(raw, ru, t, rec)
  local size = #raw
  if size < 13 or string.byte(raw, 1) ~= 69 then return nil end
  local max = struct.unpack('<d', raw, 2)
  if t < max - ru.TOL then return 'late' end
  if t < max then return nil end
  -- Records older than (t - tolerance - window) can never share a window with a future event: from the first
  -- such record on (newest first), everything goes.
  local cutoff = t - ru.TOL - ru.W
  local p, kept, N = 1, 0, ru.N
  while p <= size do
    if string.byte(raw, p) ~= 69 or p + 12 > size then return nil end
    local x, len = struct.unpack('<dI4', raw, p + 1)
    if x < cutoff then break end
    p = p + 13 + len
    kept = kept + 1
    if kept + 1 >= N then return nil end
  end
  if kept + 1 >= N or p > size + 1 then return nil end
  local len = struct.unpack('<I4', B, rec + 9)
  local r = string.sub(B, rec, rec + 12 + len)
  if kept == 0 then return r end
  if p > size then return r .. raw end
  return r .. string.sub(raw, 1, p - 1)
end

local function applyCount(sk, g, ru, base, K)
  local W, TOL, N, CAP = ru.W, ru.TOL, ru.N, ru.CAP
  local raw = redis.pcall('GET', sk)
  if type(raw) == 'table' then return {-1} end
  if K == 1 then
    local t = A[base]
    local blob
    if not raw then
      if N > 1 then
        local rec = A[base + 1]
        local len = struct.unpack('<I4', B, rec + 9)
        blob = string.sub(B, rec, rec + 12 + len)
      end
    else
      blob = countFast(raw, ru, t, A[base + 1])
      if blob == 'late' then return {1, 0, 0} end
    end
    if blob ~= nil then
      redis.call('SET', sk, blob, 'PX', ru.TTL)
      return ZERO
    end
  end
  local res = {0, 0, 0}
  local cd = nil
  local times, evs = {}, {}
  if raw then
    local ok, a, b = pcall(decodeCount, raw)
    if not ok then return {-1} end
    times = a; evs = b
  end
  local changed = false
  for k = 1, K do
    local o = base + (k - 1) * 2
    local t = A[o]
    local n = #times
    local isLate = false
    if n > 0 then
      local max = times[n]
      if t < max - TOL then
        res[1] = res[1] + 1
        isLate = true
      else
        -- Events older than (newest - tolerance - window) can never share a window with a future event.
        local cutoff = ((t > max) and t or max) - TOL - W
        if times[1] < cutoff then
          local kk = 1
          while kk < n and times[kk + 1] < cutoff do kk = kk + 1 end
          times = dropFirst(times, kk)
          evs = dropFirst(evs, kk)
          n = n - kk
        end
      end
    end
    if not isLate then
      changed = true
      local ev = evidenceAt(A[o + 1])
      local p = n
      if n == 0 or t >= times[n] then
        times[n + 1] = t
        evs[n + 1] = ev
      else
        -- Stable insertion: equal times keep their arrival order (JS: while p > 0 && times[p - 1] > t).
        while p > 0 and times[p] > t do p = p - 1 end
        table.insert(times, p + 1, t)
        table.insert(evs, p + 1, ev)
      end
      n = n + 1
      if n >= N then
        local hi = math.min(p, n - N)
        local i = math.max(p - N + 1, 0)
        while i <= hi do
          -- JS: times[i + N - 1] - times[i] <= W
          if times[i + N] - times[i + 1] <= W then
            local evl = {}
            if CAP > 0 then
              local from = (N <= CAP) and i or (i + N - (CAP - 1))
              if N > CAP then pushev(evl, times[i + 1], evs[i + 1]) end
              for j = from, i + N - 1 do pushev(evl, times[j + 1], evs[j + 1]) end
            end
            local d = {N, times[i + 1], times[i + N], evl, N}
            times = {}
            evs = {}
            cd = cd or newCooldown(g, ru)
            if not emit(cd, res, k, d) then return {-1} end
            break
          end
          i = i + 1
        end
      end
    end
  end
  local n = #times
  return finish(sk, cd, ru, res, changed, n == 0, (n > 0) and encodeCount(times, evs, n) or nil)
end

-- ---------------------------------------------------------------------------------------------------
-- value_count: per field, the distinct values as parallel arrays (keys, occurrences) with swap-remove, exactly
-- like the engine's ValueIndex (the order decides ties between stalest values and the sample in the alert).
-- Stride 2 + fields. vs = { keys, occs, idx (value -> index), pruneAt (next stale sweep), one entry per field }.

local function removeAt(vs, f, i)
  local ks, os, ix = vs.keys[f], vs.occs[f], vs.idx[f]
  local last = #ks
  local removed = ks[i]
  if i ~= last then
    ks[i] = ks[last]
    os[i] = os[last]
    ix[ks[i]] = i
  end
  ks[last] = nil
  os[last] = nil
  ix[removed] = nil
end

-- Inserts t (stable) and drops occurrences made redundant: b between a and c of one value with c - a <= W.
local function insertOccurrence(oc, t, ev, W)
  local ts, es = oc[1], oc[2]
  local p = #ts
  while p > 0 and ts[p] > t do p = p - 1 end
  table.insert(ts, p + 1, t)
  table.insert(es, p + 1, ev)
  local i = (p - 1 > 1) and (p - 1) or 1
  while i < #ts - 1 and i <= p + 1 do
    -- JS: ts[i + 1] - ts[i - 1] <= W
    if ts[i + 2] - ts[i] <= W then
      table.remove(ts, i + 1)
      table.remove(es, i + 1)
      if i < p then p = p - 1 end
    else
      i = i + 1
    end
  end
end

local function hasInRange(ts, lo, hi)
  for j = #ts, 1, -1 do
    local x = ts[j]
    if x <= hi then return x >= lo end
  end
  return false
end

local function latestInRange(ts, lo, hi)
  for j = #ts, 1, -1 do
    local x = ts[j]
    if x <= hi then
      if x >= lo then return j end
      return -1
    end
  end
  return -1
end

local function pruneStale(vs, f, cutoff)
  for i = #vs.keys[f], 1, -1 do
    local ts = vs.occs[f][i][1]
    if ts[#ts] < cutoff then removeAt(vs, f, i) end
  end
end

local function evictStalest(vs, f, cutoff, maxDistinct, res)
  local stalest, stalestT = 0, math.huge
  for i = #vs.keys[f], 1, -1 do
    local ts = vs.occs[f][i][1]
    local last = ts[#ts]
    if last < cutoff then
      removeAt(vs, f, i)
      -- The stalest so far was the last entry: it now sits at i.
      if stalest == #vs.keys[f] + 1 then stalest = i end
    elseif last < stalestT then
      stalestT = last
      stalest = i
    end
  end
  if #vs.keys[f] >= maxDistinct and stalest >= 1 then
    removeAt(vs, f, stalest)
    res[2] = res[2] + 1
  end
end

local function valuesWindow(vs, ru, lo, hi, cutoff)
  local NF, N, CAP = ru.NF, ru.N, ru.CAP
  for f = 1, NF do
    if #vs.keys[f] < N then return nil end
    local count = 0
    for i = #vs.keys[f], 1, -1 do
      local ts = vs.occs[f][i][1]
      if ts[#ts] < cutoff then
        removeAt(vs, f, i)
      elseif hasInRange(ts, lo, hi) then
        count = count + 1
      end
    end
    if count < N then return nil end
  end
  local distinct = {}
  local first, count0 = math.huge, 0
  local pairs_ = {}
  for f = 1, NF do
    local sample = {}
    for i = 1, #vs.keys[f] do
      local oc = vs.occs[f][i]
      local j = latestInRange(oc[1], lo, hi)
      if j >= 1 then
        if #sample < 20 then sample[#sample + 1] = vs.keys[f][i] end
        if f == 1 then
          count0 = count0 + 1
          local x = oc[1][j]
          if x < first then first = x end
          pairs_[#pairs_ + 1] = {x, oc[2][j], #pairs_ + 1}
        end
      end
    end
    distinct[#distinct + 1] = #sample
    for s = 1, #sample do distinct[#distinct + 1] = sample[s] end
  end
  -- Array.prototype.sort is stable; table.sort is not: break ties on the original position.
  table.sort(pairs_, function(x, y)
    if x[1] ~= y[1] then return x[1] < y[1] end
    return x[3] < y[3]
  end)
  local evl = {}
  if CAP > 0 then
    local len = #pairs_
    if len > CAP then pushev(evl, pairs_[1][1], pairs_[1][2]) end
    local from = (len > CAP) and (len - (CAP - 1)) or 0
    for j = from, len - 1 do pushev(evl, pairs_[j + 1][1], pairs_[j + 1][2]) end
  end
  for f = 1, NF do vs.keys[f] = {}; vs.occs[f] = {}; vs.idx[f] = {}; vs.pruneAt[f] = 4 end
  -- The window end is an event time (the trigger, or a newer stored event): the newest event of the window.
  return {count0, first, hi, evl, count0, distinct}
end

local function applyValues(sk, g, ru, base, K)
  local cd = nil
  local W, TOL, N, NF = ru.W, ru.TOL, ru.N, ru.NF
  local res = {0, 0, 0}
  local gmax = -math.huge
  local vs = {keys = {}, occs = {}, idx = {}, pruneAt = {}}
  for f = 1, NF do vs.keys[f] = {}; vs.occs[f] = {}; vs.idx[f] = {}; vs.pruneAt[f] = 4 end
  local s = load(sk)
  if s == FOREIGN then return {-1} end
  if s ~= nil then
    gmax = s[1]
    for f = 1, NF do
      if s[3] ~= nil and s[3][f] ~= nil then vs.pruneAt[f] = s[3][f] end
      local entries = s[2][f] or {}
      for e = 1, #entries do
        local en = entries[e]
        vs.keys[f][e] = en[1]
        vs.occs[f][e] = {en[2], en[3]}
        vs.idx[f][en[1]] = e
      end
    end
  end
  local changed = false
  local stride = 2 + NF
  for k = 1, K do
    local o = base + (k - 1) * stride
    local t = A[o]
    if t < gmax - TOL then
      res[1] = res[1] + 1
    else
      changed = true
      local ev = A[o + 1]
      local inOrder = t >= gmax
      if inOrder then gmax = t end
      local cutoff = gmax - TOL - W
      for f = 1, NF do
        local v = A[o + 1 + f]
        local i = vs.idx[f][v]
        local oc
        if i == nil then
          -- Stale values go as new values arrive; doubling the trigger keeps it amortised O(1) (ValueIndex.pruneAt).
          if #vs.keys[f] >= vs.pruneAt[f] then
            pruneStale(vs, f, cutoff)
            vs.pruneAt[f] = math.max(4, #vs.keys[f] * 2)
          end
          if #vs.keys[f] >= ru.P1 then evictStalest(vs, f, cutoff, ru.P1, res) end
          oc = {{}, {}}
          local n = #vs.keys[f] + 1
          vs.keys[f][n] = v
          vs.occs[f][n] = oc
          vs.idx[f][v] = n
        else
          oc = vs.occs[f][i]
        end
        insertOccurrence(oc, t, (f == 1) and ev or '', W)
      end
      -- A window cannot hold N distinct values of a field that has fewer than N values stored.
      local enough = true
      for f = 1, NF do
        if #vs.keys[f] < N then enough = false end
      end
      local d = nil
      if enough then
        if inOrder then
          d = valuesWindow(vs, ru, t - W, t, cutoff)
        else
          -- Out of order: windows containing t end at t or at a stored occurrence in (t, t + W].
          local ends = {t}
          for f = 1, NF do
            for i = 1, #vs.keys[f] do
              local ts = vs.occs[f][i][1]
              for j = 1, #ts do
                local x = ts[j]
                if x > t and x <= t + W then ends[#ends + 1] = x end
              end
            end
          end
          table.sort(ends)
          for e = 1, #ends do
            local en = ends[e]
            if not (e > 1 and en == ends[e - 1]) then
              d = valuesWindow(vs, ru, en - W, en, cutoff)
              if d ~= nil then break end
            end
          end
        end
      end
      if d ~= nil then
        gmax = -math.huge
        cd = cd or newCooldown(g, ru)
        if not emit(cd, res, k, d) then return {-1} end
      end
    end
  end
  local empty = gmax == -math.huge
  local blob = nil
  if not empty then
    local fields = {}
    for f = 1, NF do
      local entries = {}
      for i = 1, #vs.keys[f] do entries[i] = {vs.keys[f][i], vs.occs[f][i][1], vs.occs[f][i][2]} end
      fields[f] = entries
    end
    blob = cmsgpack.pack({gmax, fields, vs.pruneAt})
  end
  return finish(sk, cd, ru, res, changed, empty, blob)
end

-- ---------------------------------------------------------------------------------------------------
-- temporal_ordered: per step, sorted times and evidence; greedy earliest match. Stride 3.

-- Number of elements < b (the JS lowerBound index).
local function lowerBound(ts, b)
  local lo, hi = 0, #ts
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if ts[mid + 1] < b then lo = mid + 1 else hi = mid end
  end
  return lo
end

local function applyTemporal(sk, g, ru, base, K)
  local cd = nil
  local W, TOL, NF, CAP = ru.W, ru.TOL, ru.NF, ru.CAP
  local counts = ru.counts
  local res = {0, 0, 0}
  local gmax = -math.huge
  local steps = {}
  for s = 1, NF do steps[s] = {{}, {}} end
  local st0 = load(sk)
  if st0 == FOREIGN then return {-1} end
  if st0 ~= nil then
    gmax = st0[1]
    for s = 1, NF do
      local x = st0[2][s]
      if x ~= nil then steps[s] = x end
    end
  end
  local changed = false
  for k = 1, K do
    local o = base + (k - 1) * 3
    local t = A[o]
    local step = A[o + 2]
    if step == nil or step < 0 or step >= NF then
      -- Cannot happen: the key carries the rule's fingerprint, so every engine agrees on its steps.
    elseif t < gmax - TOL then
      res[1] = res[1] + 1
    else
      changed = true
      local ev = A[o + 1]
      if t > gmax then gmax = t end
      local cutoff = gmax - TOL - W
      for s = 1, NF do
        local st = steps[s]
        local kk = 0
        while kk < #st[1] and st[1][kk + 1] < cutoff do kk = kk + 1 end
        if kk > 0 then
          st[1] = dropFirst(st[1], kk)
          st[2] = dropFirst(st[2], kk)
        end
      end
      local st = steps[step + 1]
      local p = #st[1]
      while p > 0 and st[1][p] > t do p = p - 1 end
      table.insert(st[1], p + 1, t)
      table.insert(st[2], p + 1, ev)
      if #st[1] > ru.P1 then
        table.remove(st[1], 1)
        table.remove(st[2], 1)
        res[2] = res[2] + 1
      end

      -- Candidate starts: events of the first step within [t - W, t], earliest first; greedy forward.
      local first = steps[1][1]
      for i = 1, #first do
        local s = first[i]
        if s > t then break end
        if s >= t - W then
          local picks = {}
          local b = s
          local ok = true
          local kst = 1
          while kst <= NF and ok do
            local times = steps[kst][1]
            local need = counts[kst]
            local j
            if kst == 1 then j = i else j = lowerBound(times, b) + 1 end
            local got = 0
            while j <= #times and got < need do
              picks[#picks + 1] = kst
              picks[#picks + 1] = j
              b = times[j]
              j = j + 1
              got = got + 1
            end
            if got < need or b > s + W then ok = false end
            kst = kst + 1
          end
          if ok then
            local total = #picks / 2
            local evl = {}
            if CAP > 0 then
              for q = 0, total - 1 do
                if not (total > CAP and q > 0 and q < total - (CAP - 1)) then
                  local sk2 = steps[picks[2 * q + 1]]
                  local pj = picks[2 * q + 2]
                  pushev(evl, sk2[1][pj], sk2[2][pj])
                end
              end
            end
            local d = {total, s, b, evl, total}
            for x = 1, NF do steps[x] = {{}, {}} end
            gmax = -math.huge
            cd = cd or newCooldown(g, ru)
            if not emit(cd, res, k, d) then return {-1} end
            break
          end
        end
      end
    end
  end
  local empty = gmax == -math.huge
  return finish(sk, cd, ru, res, changed, empty, (not empty) and cmsgpack.pack({gmax, steps}) or nil)
end

-- ---------------------------------------------------------------------------------------------------

local out = {}
a = 1
for g = 1, G do
  local ru = rules[A[a]]
  local K = A[a + 1]
  local base = a + 2
  local sk = KEYS[KPG * (g - 1) + 1]
  local r, stride
  if ru.kind == 0 then
    r = applyCount(sk, g, ru, base, K)
    stride = 2
  elseif ru.kind == 1 then
    r = applyValues(sk, g, ru, base, K)
    stride = 2 + ru.NF
  else
    r = applyTemporal(sk, g, ru, base, K)
    stride = 3
  end
  -- Only groups with something to say are in the reply (most groups of a batch have nothing).
  if #r > 3 or r[1] ~= 0 or r[2] ~= 0 or r[3] ~= 0 then out[#out + 1] = {g, r} end
  a = base + K * stride
end
return out
`;
