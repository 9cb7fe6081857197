-- wrk script: each request asks PATH_TEMPLATE for a random line of CODES_FILE, and done()
-- prints one JSON line with the latency percentiles (microseconds).
-- A line is a code, or a code and a span: "CODE FIRST LAST", days counted from 1970-01-01
-- (bench/sampling.py writes them). In the template, {code} becomes the code and {date} a
-- random day of its span, both ends included, as YYYY-MM-DD.
local entries = {}
for line in io.lines(os.getenv("CODES_FILE")) do
  local code, first, last = line:match("^(%S+)%s*(%d*)%s*(%d*)")
  if code then
    entries[#entries + 1] = { code = code, first = tonumber(first), last = tonumber(last) }
  end
end
local template = os.getenv("PATH_TEMPLATE")

-- Each thread draws its own sequence (setup runs once per thread, before init).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  math.randomseed(2026 + id)
end

request = function()
  local entry = entries[math.random(#entries)]
  local path = template:gsub("{code}", entry.code)
  if entry.first then
    local day = math.random(entry.first, entry.last)
    path = path:gsub("{date}", os.date("!%Y-%m-%d", day * 86400))
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
