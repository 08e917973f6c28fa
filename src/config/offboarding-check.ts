/**
 * Cross-checks of `lifecycle.offboarding`: every step names targets that exist and whose type can carry it out.
 * Pure: config in, problems out (the live schema check of AD address-list hiding is `validate --live`).
 */
import type { RawProblem } from './issues.js';
import type { CadreConfig } from './schema.js';

const RECIPIENT = /^(manager|person|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;
/** Which target types carry out each step. */
const TYPES: Readonly<Record<string, readonly string[]>> = {
  removeLicences: ['entra'],
  removeGroups: ['ad', 'entra', 'sql', 'scim', 'rest'],
  hideFromAddressLists: ['ad'],
  revokeSessions: ['entra'],
  webhook: ['rest'],
  homeFolder: ['ad'],
};

/** Problems of the offboarding steps. */
export function offboardingCheck(config: CadreConfig): RawProblem[] {
  const out: RawProblem[] = [];
  const typeOf = (t: string): string | undefined => config.targets[t]?.type;
  const expect = (path: (string | number)[], target: string, types: readonly string[], step: string): void => {
    const type = typeOf(target);
    if (type === undefined) out.push({ path, message: `unknown target "${target}" (targets: ${Object.keys(config.targets).join(', ') || 'none defined'})` });
    else if (!types.includes(type)) out.push({ path, message: `the ${step} step needs a target of type ${types.join(' or ')}; "${target}" is ${type}` });
    else if (type === 'rest' && (step === 'webhook' || step === 'homeFolder') && !hasOffboardAction(config, target)) {
      out.push({ path, message: `the REST target "${target}" declares no options.actions.offboard request for the ${step} step` });
    }
  };
  config.lifecycle.offboarding.forEach((s, i) => {
    const at = ['lifecycle', 'offboarding', i];
    if ('targets' in s && s.targets !== undefined) s.targets.forEach((t, j) => expect([...at, 'targets', j], t, TYPES[s.step] ?? [], s.step));
    if (s.step === 'webhook') expect([...at, 'target'], s.target, TYPES['webhook'] ?? [], 'webhook');
    if (s.step === 'homeFolder') {
      expect([...at, 'target'], s.target, TYPES['homeFolder'] ?? [], 'homeFolder');
      if (s.webhook !== undefined) expect([...at, 'webhook'], s.webhook, ['rest'], 'homeFolder');
    }
    const recipients = s.step === 'notify' ? s.to : s.step === 'homeFolder' ? s.notify : [];
    recipients.forEach((r, j) => {
      if (!RECIPIENT.test(r)) out.push({ path: [...at, s.step === 'notify' ? 'to' : 'notify', j], message: `expected "manager", "person" or an e-mail address, got "${r.slice(0, 80)}"` });
    });
  });
  const dup = config.lifecycle.offboarding.map((s) => s.step).filter((s, i, all) => s !== 'webhook' && all.indexOf(s) !== i);
  for (const s of new Set(dup)) out.push({ path: ['lifecycle', 'offboarding'], message: `the ${s} step is listed twice` });
  return out;
}

function hasOffboardAction(config: CadreConfig, target: string): boolean {
  const actions = (config.targets[target]?.options as { actions?: Record<string, unknown> } | undefined)?.actions;
  return actions !== undefined && actions['offboard'] !== undefined;
}
