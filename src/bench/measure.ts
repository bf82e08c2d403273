// What a bench child process reports of one piece of work: its wall time, the CPU time of every thread of
// the process (JS, garbage collector, DuckDB) and the process's peak RSS.
export async function measured<T>(
  work: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpuSeconds: number; maxRssMb: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const usage = process.resourceUsage();
  return {
    result,
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMb: usage.maxRSS / 1024,
  };
}
