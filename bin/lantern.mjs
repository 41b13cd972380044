#!/usr/bin/env node
// Runs the TypeScript command line directly: Lantern ships its sources and runs them with tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
