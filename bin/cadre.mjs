#!/usr/bin/env -S node --max-semi-space-size=64
// A larger young generation: planning allocates many short-lived objects (about 15 % faster at 30,000 people).
// Entry point: runs the TypeScript sources through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
