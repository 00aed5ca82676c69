-- GET a page of 50 of the reader's own security log (10,000 of their events among 10 million)
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_READER") }
request = function()
  return wrk.format("GET", "/api/audit/me/events?limit=50", headers)
end
