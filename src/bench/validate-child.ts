// One measured validation in its own process: prints the wall time, the CPU time (every thread of the
// process: JS, garbage collector, DuckDB), the peak RSS and the checks' outcome as JSON.
import { validate } from '../dataset/validate.js';
import { measured } from './measure.js';

const [dir, memoryLimit] = process.argv.slice(2);
const { result: checks, ...figures } = await measured(() => validate(dir, { memoryLimit }));
console.log(JSON.stringify({ ...figures, checks: checks.length, failed: checks.filter((c) => !c.ok).length }));
