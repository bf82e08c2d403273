// One measured validation in its own process: prints the wall time, the CPU time (every thread of the
// process: JS, garbage collector, DuckDB), the peak RSS and the checks' outcome as JSON.
import { validate } from '../dataset/validate.js';

const [dir, memoryLimit] = process.argv.slice(2);
const started = process.hrtime.bigint();
const checks = await validate(dir, { memoryLimit });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMb: usage.maxRSS / 1024,
    checks: checks.length,
    failed: checks.filter((c) => !c.ok).length,
  }),
);
