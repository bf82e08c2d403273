import { readFileSync } from 'node:fs';
import { projectPath } from './paths.js';

/** The package's version, as package.json states it. */
export const VERSION: string = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).version;
