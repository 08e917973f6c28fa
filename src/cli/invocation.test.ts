import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliInvocation } from './invocation.js';

test('hints name a command that works where the CLI was started', () => {
  // `npm start` / `npm run cadre` / `npx cadre` in a checkout: there is no `cadre` on the PATH.
  assert.equal(cliInvocation({ npm_lifecycle_event: 'start', npm_command: 'start' }), 'npx cadre');
  assert.equal(cliInvocation({ npm_lifecycle_event: 'cadre', npm_command: 'run-script' }), 'npx cadre');
  assert.equal(cliInvocation({ npm_lifecycle_event: 'npx', npm_command: 'exec' }), 'npx cadre');
  assert.equal(cliInvocation({}), 'cadre');
});
