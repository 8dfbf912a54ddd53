-- wrk script for bench/run.sh.
--   BENCH_BODY_FILE set: every request is a POST of that file (OTLP/HTTP JSON), else the URL is fetched with GET.
--   BENCH_TOKENS_FILE set: one bearer token a line; every request carries the next one (each thread starts at its own
--   offset), so a cache of verified tokens smaller than the file never hits.
--   BENCH_EXPECT_STATUS set (the forged cases: 401): answers with any other status are counted as "unexpected".
--   At the end one machine-readable line is printed: "BENCH key=value ...", latencies in microseconds.
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
   local f = assert(io.open(body_file, "rb"))
   wrk.method = "POST"
   wrk.body = f:read("*a")
   f:close()
   wrk.headers["Content-Type"] = "application/json"
end

-- Every thread, for the counts they keep in their own Lua state; each starts at its own offset in the tokens.
local threads = {}
function setup(thread)
   thread:set("offset", #threads * 7919)
   threads[#threads + 1] = thread
end

local expect_status = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "")
if expect_status then
   unexpected = 0
   function response(status, headers, body)
      if status ~= expect_status then unexpected = unexpected + 1 end
   end
end

local tokens_file = os.getenv("BENCH_TOKENS_FILE")
if tokens_file and tokens_file ~= "" then
   local tokens = {}
   for line in io.lines(tokens_file) do
      if line ~= "" then tokens[#tokens + 1] = "Bearer " .. line end
   end
   assert(#tokens > 0, "no tokens in " .. tokens_file)
   local i = 0
   function request()
      i = i + 1
      local headers = {}
      for k, v in pairs(wrk.headers) do headers[k] = v end
      headers["Authorization"] = tokens[((offset or 0) + i) % #tokens + 1]
      return wrk.format(nil, nil, headers)
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   local wrong = 0
   for _, thread in ipairs(threads) do wrong = wrong + (thread:get("unexpected") or 0) end
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f "
         .. "non2xx=%d unexpected=%d connect_err=%d read_err=%d write_err=%d timeouts=%d bytes=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      e.status, wrong, e.connect, e.read, e.write, e.timeout, summary.bytes))
end
