#!/usr/bin/env node
// Finds test files and runs them with node's test runner through tsx.
// usage: node scripts/run-tests.mjs unit|integration|all [filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [kind = 'all', ...filters] = process.argv.slice(2);
const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  if (name === 'node_modules') return [];
  return statSync(p).isDirectory() ? walk(p) : [p];
});
const isTest = (p) => p.endsWith('.test.ts');
const unit = walk('src').filter(isTest);
const integration = walk('test').filter(isTest);
let files = kind === 'unit' ? unit : kind === 'integration' ? integration : [...unit, ...integration];
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no test files for ${kind} ${filters.join(' ')}`);
  process.exit(1);
}
// Integration suites share real servers (one Samba, one PostgreSQL): run them one file at a time.
const concurrency = kind === 'unit' ? '2' : '1'; // 'all' runs serially too
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
