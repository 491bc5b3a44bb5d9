-- wrk script: each request takes a random path from the file named by $PATHS (one per line), and
-- the run ends with the shared JSON reporter (bench/lib/report.lua).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
dofile("bench/lib/report.lua")
