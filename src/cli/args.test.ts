import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hoistGlobalOptions } from './args.js';

test('global options before the command move behind it, as git and kubectl accept them', () => {
  assert.deepEqual(hoistGlobalOptions(['--config', 'prod.yaml', 'plan', '--at', '2026-01-01']), ['plan', '--config', 'prod.yaml', '--at', '2026-01-01']);
  assert.deepEqual(hoistGlobalOptions(['--json', '-c', 'a.yaml', 'explain', '1001']), ['explain', '--json', '--config', 'a.yaml', '1001']);
  assert.deepEqual(hoistGlobalOptions(['--config=a.yaml', 'validate']), ['validate', '--config', 'a.yaml']);
  assert.deepEqual(hoistGlobalOptions(['plan', '--json']), ['plan', '--json']);
  assert.deepEqual(hoistGlobalOptions(['--no-color', 'audit', 'verify']), ['audit', '--no-color', 'verify']);
});

test('sub-commands keep their place; init takes the file as --path', () => {
  assert.deepEqual(hoistGlobalOptions(['--json', 'sim', 'graph', '--port', '1']), ['sim', 'graph', '--json', '--port', '1']);
  assert.deepEqual(hoistGlobalOptions(['--config', 'x.yaml', 'init', '--force']), ['init', '--path', 'x.yaml', '--force']);
  assert.deepEqual(hoistGlobalOptions(['--help']), ['--help']);
});

test('unknown or incomplete global options are usage errors', () => {
  assert.throws(() => hoistGlobalOptions(['--frobnicate', 'plan']), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /unknown global option/.test(e.message));
  assert.throws(() => hoistGlobalOptions(['--config']), /needs a value/);
});
