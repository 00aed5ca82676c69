-- POST one sealed 4 KiB message to one recipient
local f = assert(io.open(os.getenv("BENCH_DIR") .. "/message.spen", "rb"))
local body = f:read("*all")
f:close()
local path = "/api/mail/messages?to=" .. os.getenv("BENCH_RECIPIENT")
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_SENDER"), ["Content-Type"] = "application/octet-stream" }
request = function()
  return wrk.format("POST", path, headers, body)
end
