// Server-side Lua scripts of the Redis store. Each call applies the observations of ONE (rule, group) in
// arrival order, atomically: the script reads the group's state and cooldown, applies every observation
// with exactly the semantics of `RuleEngine.applyObservation` (packages/processor/src/engine/RuleEngine.ts,
// the coordinator of `InMemoryStateStore`), writes the state back and returns the detections. Both keys
// carry the hash tag `{rule:fingerprint:group}`, so a call touches one slot (Redis Cluster).
//
// The code below is a line-by-line port of the engine's `_applyCount`/`_countDetect`, `_applyValues`/
// `_valuesWindow`/`_evictStalestValue`/`insertOccurrence` and `_applyTemporal`, with JavaScript's 0-based
// indices rewritten for Lua's 1-based tables (comments name the JS index where it helps). The property test
// in test/RedisStateStore.test.ts checks the port against the engine on random streams.
//
// Calling convention (KEYS[1] = state, KEYS[2] = cooldown):
//   ARGV[1] window µs, [2] out-of-order tolerance µs, [3] threshold, [4] cooldown µs (0 = none),
//   [5] max evidence, [6] state TTL ms, [7] cooldown TTL ms, [8] max distinct values / max events per step,
//   [9] fields (value_count) / steps (temporal_ordered) / 0, then for temporal_ordered one count per step,
//   then the number of observations K and K observations of a fixed stride:
//   time µs, event-name token, trace id, span id, record uid ('' when absent), [step], [field values].
// Event-name token: the index of the name in the rule's event list, or '=' .. name.
// Reply: { late, evictions, suppressed, detection... } with detection =
//   { observation (1-based), count, first µs, last µs, evidence count, suppressed count,
//     { t, name token, trace, span, uid, ... }, { n, value..., n, value... } (value_count: distinct sample per field) }.
// Numbers are integers below 2^53 (µs since 1970 stay exact in Lua's doubles); every number written to Redis
// goes through cmsgpack (int64) or string.format('%.0f'), never tostring (which keeps 14 digits).

const PRELUDE = `
local W = tonumber(ARGV[1])
local TOL = tonumber(ARGV[2])
local N = tonumber(ARGV[3])
local SUP = tonumber(ARGV[4])
local CAP = tonumber(ARGV[5])
local TTL = tonumber(ARGV[6])
local CTTL = tonumber(ARGV[7])
local P1 = tonumber(ARGV[8])
local NF = tonumber(ARGV[9])
local late, evictions, suppressed = 0, 0, 0
local out = {0, 0, 0}

local function mkev(o)
  local tok = ARGV[o]
  local nm = tonumber(tok) or tok
  local tr, sp, uid = ARGV[o + 1], ARGV[o + 2], ARGV[o + 3]
  if tr == '' and sp == '' and uid == '' then return nm end
  return {nm, tr, sp, uid}
end

local function pushev(list, t, ev)
  local n = #list
  list[n + 1] = t
  if type(ev) == 'table' then
    list[n + 2] = ev[1]; list[n + 3] = ev[2]; list[n + 4] = ev[3]; list[n + 5] = ev[4]
  else
    list[n + 2] = ev; list[n + 3] = ''; list[n + 4] = ''; list[n + 5] = ''
  end
end

local function dropFirst(a, k)
  local r = {}
  for i = k + 1, #a do r[#r + 1] = a[i] end
  return r
end

-- RuleEngine._detected: the cooldown per rule and group, shared by the whole fleet (this key is the
-- fleet-wide deduplication: one alert per rule and group per cooldown, whichever instance completes it).
local cdUntil, cdCount, cdLoaded, cdDirty = nil, 0, false, false
local function cooldown(last)
  if SUP <= 0 then return 0 end
  if not cdLoaded then
    cdLoaded = true
    local raw = redis.call('GET', KEYS[2])
    if raw then
      local c = cmsgpack.unpack(raw)
      cdUntil = c[1]; cdCount = c[2]
    end
  end
  if cdUntil ~= nil and last < cdUntil then
    cdCount = cdCount + 1
    suppressed = suppressed + 1
    cdDirty = true
    return nil
  end
  local sc = 0
  if cdUntil ~= nil then sc = cdCount end
  cdUntil = last + SUP
  cdCount = 0
  cdDirty = true
  return sc
end

-- d = { count, first, last, evidence (flat), evidence count, distinct (flat) }
local function emit(k, d)
  local sc = cooldown(d[3])
  if sc == nil then return end
  out[#out + 1] = {k, d[1], d[2], d[3], d[5], sc, d[4], d[6] or {}}
end

local function finish(changed, empty, blob)
  if changed then
    if empty then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], blob, 'PX', TTL) end
  end
  if cdDirty then redis.call('SET', KEYS[2], cmsgpack.pack({cdUntil, cdCount}), 'PX', CTTL) end
  out[1] = late; out[2] = evictions; out[3] = suppressed
  return out
end
`;

/** `event_count`: sorted event times and their evidence; reset on detection. Stride 5. */
export const EVENT_COUNT_LUA = `${PRELUDE}
local times, evs = {}, {}
local raw = redis.call('GET', KEYS[1])
if raw then
  local s = cmsgpack.unpack(raw)
  times = s[1]; evs = s[2]
end
local changed = false
local K = tonumber(ARGV[10])
for k = 1, K do
  local o = 10 + (k - 1) * 5
  local t = tonumber(ARGV[o + 1])
  local ev = mkev(o + 2)
  local n = #times
  local isLate = false
  if n > 0 then
    local max = times[n]
    if t < max - TOL then
      late = late + 1
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
          emit(k, d)
          break
        end
        i = i + 1
      end
    end
  end
end
local empty = #times == 0
return finish(changed, empty, (not empty) and cmsgpack.pack({times, evs}) or nil)
`;

/**
 * `value_count`: per field, the distinct values as parallel arrays (keys, occurrences) with swap-remove,
 * exactly like the engine's `ValueIndex` (the order decides ties between stalest values and the sample
 * reported in the alert). Stride 5 + fields.
 */
export const VALUE_COUNT_LUA = `${PRELUDE}
local gmax = -math.huge
local keys, occs, idx = {}, {}, {}
for f = 1, NF do keys[f] = {}; occs[f] = {}; idx[f] = {} end
local raw = redis.call('GET', KEYS[1])
if raw then
  local s = cmsgpack.unpack(raw)
  gmax = s[1]
  for f = 1, NF do
    local entries = s[2][f] or {}
    for e = 1, #entries do
      local en = entries[e]
      keys[f][e] = en[1]
      occs[f][e] = {en[2], en[3]}
      idx[f][en[1]] = e
    end
  end
end

-- ValueIndex.removeAt: the last entry takes the place of the removed one.
local function removeAt(f, i)
  local ks, os, ix = keys[f], occs[f], idx[f]
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
local function insertOccurrence(oc, t, ev)
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

local function evictStalest(f, cutoff)
  local stalest, stalestT = 0, math.huge
  for i = #keys[f], 1, -1 do
    local ts = occs[f][i][1]
    local last = ts[#ts]
    if last < cutoff then
      removeAt(f, i)
      -- The stalest so far was the last entry: it now sits at i.
      if stalest == #keys[f] + 1 then stalest = i end
    elseif last < stalestT then
      stalestT = last
      stalest = i
    end
  end
  if #keys[f] >= P1 and stalest >= 1 then
    removeAt(f, stalest)
    evictions = evictions + 1
  end
end

local function valuesWindow(lo, hi, cutoff)
  for f = 1, NF do
    if #keys[f] < N then return nil end
    local count = 0
    for i = #keys[f], 1, -1 do
      local ts = occs[f][i][1]
      if ts[#ts] < cutoff then
        removeAt(f, i)
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
    for i = 1, #keys[f] do
      local oc = occs[f][i]
      local j = latestInRange(oc[1], lo, hi)
      if j >= 1 then
        if #sample < 20 then sample[#sample + 1] = keys[f][i] end
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
  table.sort(pairs_, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    return a[3] < b[3]
  end)
  local evl = {}
  if CAP > 0 then
    local len = #pairs_
    if len > CAP then pushev(evl, pairs_[1][1], pairs_[1][2]) end
    local from = (len > CAP) and (len - (CAP - 1)) or 0
    for j = from, len - 1 do pushev(evl, pairs_[j + 1][1], pairs_[j + 1][2]) end
  end
  for f = 1, NF do keys[f] = {}; occs[f] = {}; idx[f] = {} end
  gmax = -math.huge
  -- The window end is an event time (the trigger, or a newer stored event): the newest event of the window.
  return {count0, first, hi, evl, count0, distinct}
end

local changed = false
local K = tonumber(ARGV[10])
local stride = 5 + NF
for k = 1, K do
  local o = 10 + (k - 1) * stride
  local t = tonumber(ARGV[o + 1])
  if t < gmax - TOL then
    late = late + 1
  else
    changed = true
    local ev = mkev(o + 2)
    local inOrder = t >= gmax
    if inOrder then gmax = t end
    local cutoff = gmax - TOL - W
    for f = 1, NF do
      local v = ARGV[o + 5 + f]
      local i = idx[f][v]
      local oc
      if i == nil then
        if #keys[f] >= P1 then evictStalest(f, cutoff) end
        oc = {{}, {}}
        local n = #keys[f] + 1
        keys[f][n] = v
        occs[f][n] = oc
        idx[f][v] = n
      else
        oc = occs[f][i]
      end
      insertOccurrence(oc, t, (f == 1) and ev or '')
    end
    -- A window cannot hold N distinct values of a field that has fewer than N values stored.
    local enough = true
    for f = 1, NF do
      if #keys[f] < N then enough = false end
    end
    local d = nil
    if enough then
      if inOrder then
        d = valuesWindow(t - W, t, cutoff)
      else
        -- Out of order: windows containing t end at t or at a stored occurrence in (t, t + W].
        local ends = {t}
        for f = 1, NF do
          for i = 1, #keys[f] do
            local ts = occs[f][i][1]
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
            d = valuesWindow(en - W, en, cutoff)
            if d ~= nil then break end
          end
        end
      end
    end
    if d ~= nil then emit(k, d) end
  end
end
local empty = gmax == -math.huge
local blob = nil
if not empty then
  local fields = {}
  for f = 1, NF do
    local entries = {}
    for i = 1, #keys[f] do entries[i] = {keys[f][i], occs[f][i][1], occs[f][i][2]} end
    fields[f] = entries
  end
  blob = cmsgpack.pack({gmax, fields})
end
return finish(changed, empty, blob)
`;

/** `temporal_ordered`: per step, sorted times and evidence; greedy earliest match. Stride 6. */
export const TEMPORAL_LUA = `${PRELUDE}
local counts = {}
for s = 1, NF do counts[s] = tonumber(ARGV[9 + s]) end
local gmax = -math.huge
local steps = {}
for s = 1, NF do steps[s] = {{}, {}} end
local raw = redis.call('GET', KEYS[1])
if raw then
  local st = cmsgpack.unpack(raw)
  gmax = st[1]
  for s = 1, NF do
    local x = st[2][s]
    if x ~= nil then steps[s] = x end
  end
end

-- Number of elements < b (the JS lowerBound index).
local function lowerBound(ts, b)
  local lo, hi = 0, #ts
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if ts[mid + 1] < b then lo = mid + 1 else hi = mid end
  end
  return lo
end

local changed = false
local base = 9 + NF
local K = tonumber(ARGV[base + 1])
for k = 1, K do
  local o = base + 1 + (k - 1) * 6
  local t = tonumber(ARGV[o + 1])
  local step = tonumber(ARGV[o + 6])
  if step == nil or step < 0 or step >= NF then
    -- An observation from an engine with other steps than this rule (cannot happen: the key has the rule's fingerprint).
  elseif t < gmax - TOL then
    late = late + 1
  else
    changed = true
    local ev = mkev(o + 2)
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
    if #st[1] > P1 then
      table.remove(st[1], 1)
      table.remove(st[2], 1)
      evictions = evictions + 1
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
                local sk = steps[picks[2 * q + 1]]
                local pj = picks[2 * q + 2]
                pushev(evl, sk[1][pj], sk[2][pj])
              end
            end
          end
          local d = {total, s, b, evl, total}
          for x = 1, NF do steps[x] = {{}, {}} end
          gmax = -math.huge
          emit(k, d)
          break
        end
      end
    end
  end
end
local empty = gmax == -math.huge
return finish(changed, empty, (not empty) and cmsgpack.pack({gmax, steps}) or nil)
`;

/**
 * Shared block list, one call per block: KEYS[1] = entries (hash: field -> details JSON), KEYS[2] = expiries
 * (sorted set: field -> expiry ms). ARGV: field, details JSON, now ms, requested expiry ms, channel, max entries.
 * Extends an existing block, never shortens it (as `BlockList.block`). Reply: the expiry kept (ms).
 */
export const BLOCK_LUA = `
local field, details, now, exp = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local maxEntries = tonumber(ARGV[6])
local cur = tonumber(redis.call('ZSCORE', KEYS[2], field) or '0')
if cur > now and cur > exp then exp = cur end
local expS = string.format('%.0f', exp)
-- Housekeeping (bounded per call): expired blocks go first, then the ones expiring soonest beyond the cap.
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now), 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
end
redis.call('ZADD', KEYS[2], expS, field)
redis.call('HSET', KEYS[1], field, details)
local over = redis.call('ZCARD', KEYS[2]) - maxEntries
if over > 0 then
  local drop = redis.call('ZRANGE', KEYS[2], 0, math.min(over, 100) - 1)
  redis.call('ZREM', KEYS[2], unpack(drop))
  redis.call('HDEL', KEYS[1], unpack(drop))
end
-- Both keys vanish when the last block has expired.
local lastExp = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
if lastExp then
  redis.call('PEXPIREAT', KEYS[1], lastExp)
  redis.call('PEXPIREAT', KEYS[2], lastExp)
end
redis.call('PUBLISH', ARGV[5], cjson.encode({'b', field, expS, details}))
return expS
`;

/** Lifts a block: KEYS as {@link BLOCK_LUA}; ARGV: field, channel. Reply: 1 when there was one. */
export const UNBLOCK_LUA = `
local n = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], cjson.encode({'u', ARGV[1]}))
return n
`;
