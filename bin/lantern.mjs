#!/usr/bin/env node
// Runs the TypeScript command line directly: Lantern ships its sources and runs them with tsx.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
const code = await run(process.argv.slice(2));
// A refused command may leave a database pool open: stop at once with its code.
if (code !== 0) process.exit(code);
