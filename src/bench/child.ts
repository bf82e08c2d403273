// One measured generation in its own process: prints the wall time, the CPU time (every thread of the
// process: JS, garbage collector, DuckDB) and the peak RSS as JSON. Like `sndsbench generate`, it
// runs itself again with one pool thread unless the environment chose a size (src/dataset/one-pool.ts):
// the figures are then the generating process's own.
import { generate, type GenerateOptions } from '../dataset/generate.js';
import { inGenerationProcess } from '../dataset/one-pool.js';
import { measured } from './measure.js';

const again = inGenerationProcess();
if (again) process.exit(await again);
const o = JSON.parse(process.argv[2]) as GenerateOptions;
const { result: m, ...figures } = await measured(() => generate(o));
console.log(JSON.stringify({ ...figures, files: m.files }));
