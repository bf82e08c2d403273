#!/usr/bin/env node
// The sndsbench command line (package.json's bin): the commands are wired in cli/main.ts.
import './cli/main.js';
