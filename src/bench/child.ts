// One measured generation in its own process: prints the wall time and the peak RSS as JSON.
import { generate, type GenerateOptions } from '../generate.js';

const o = JSON.parse(process.argv[2]) as GenerateOptions;
const started = process.hrtime.bigint();
const m = await generate(o);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, files: m.files }));
