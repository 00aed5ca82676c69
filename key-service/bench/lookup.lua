-- GET a directory lookup (bundle + inclusion proof + tree head) for bench-0..N-1, round robin
local token = os.getenv("BENCH_PASSPORT")
local count = tonumber(os.getenv("BENCH_ADDRESSES"))
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/keys/directory/bench-" .. (counter % count) .. "@sealpost.test",
    { ["Authorization"] = "Bearer " .. token })
end
