/** `lifecycle.offboarding` cross-checks: targets exist and can carry the step out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { config } from '../core/test-support.js';
import { offboardingCheck } from './offboarding-check.js';

const withSteps = (steps: unknown[]): ReturnType<typeof config> => config({
  lifecycle: { timezone: 'Europe/Berlin', offboarding: steps },
  targets: {
    ad: { type: 'ad' },
    hook: { type: 'rest', options: { actions: { offboard: { method: 'POST', url: '/off' } } } },
    plain: { type: 'rest', options: { actions: {} } },
  },
});

test('each step names existing targets of a type that can carry it out', () => {
  assert.deepEqual(offboardingCheck(withSteps([
    { step: 'hideFromAddressLists', targets: ['ad'] }, { step: 'webhook', target: 'hook' }, { step: 'homeFolder', target: 'ad', webhook: 'hook' },
    { step: 'notify', to: ['manager', 'it@example.com'] },
  ])), []);
  const problems = offboardingCheck(withSteps([
    { step: 'revokeSessions', targets: ['ad'] }, { step: 'webhook', target: 'plain' }, { step: 'homeFolder', target: 'nope' },
    { step: 'notify', to: ['IT team'] }, { step: 'removeGroups' }, { step: 'removeGroups' },
  ]));
  assert.deepEqual(problems.map((p) => `${p.path.join('.')}: ${p.message}`), [
    'lifecycle.offboarding.0.targets.0: the revokeSessions step needs a target of type entra; "ad" is ad',
    'lifecycle.offboarding.1.target: the REST target "plain" declares no options.actions.offboard request for the webhook step',
    'lifecycle.offboarding.2.target: unknown target "nope" (targets: ad, hook, plain)',
    'lifecycle.offboarding.3.to.0: expected "manager", "person" or an e-mail address, got "IT team"',
    'lifecycle.offboarding: the removeGroups step is listed twice',
  ]);
});
