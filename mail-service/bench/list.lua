-- GET the newest 50 messages of a 100,000-message inbox
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_READER") }
request = function()
  return wrk.format("GET", "/api/mail/folders/inbox/messages?limit=50", headers)
end
