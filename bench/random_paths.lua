-- wrk script: each request asks PATH_TEMPLATE (with %s) for a random code from CODES_FILE,
-- and done() prints one JSON line with the latency percentiles (microseconds).
local codes = {}
for line in io.lines(os.getenv("CODES_FILE")) do
  if #line > 0 then codes[#codes + 1] = line end
end
local template = os.getenv("PATH_TEMPLATE")
math.randomseed(2026)

request = function()
  local path = template
  if string.find(template, "%%s") then
    path = string.format(template, codes[math.random(#codes)])
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, "p50": %f, "p95": %f, "p99": %f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
