// One measured generation in its own process: prints the wall time, the CPU time (every thread of the
// process: JS, garbage collector, DuckDB) and the peak RSS as JSON. Like `sndsbench generate`, it
// runs itself again with one pool thread unless the environment chose a size (src/dataset/one-pool.ts):
// the figures are then the generating process's own.
import { generate, type GenerateOptions } from '../dataset/generate.js';
import { inGenerationProcess } from '../dataset/one-pool.js';

const again = inGenerationProcess();
if (again) process.exit(await again);
const o = JSON.parse(process.argv[2]) as GenerateOptions;
const started = process.hrtime.bigint();
const m = await generate(o);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMb: usage.maxRSS / 1024,
    files: m.files,
  }),
);
