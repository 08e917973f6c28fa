/**
 * Every ```yaml snippet in the README is accepted by the config schema: on its own when it is a whole file,
 * else merged into the `cadre init` example plus the AD, Entra and REST targets the snippets name. A README key
 * the schema refuses (renamed, removed, mistyped) fails here rather than on a new user's machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { exampleConfig } from './example.js';
import { validateConfigText } from './load.js';

const README = new URL('../../README.md', import.meta.url);

/** The README's ```yaml blocks with the line each starts on. */
export function yamlSnippets(markdown: string): { line: number; text: string }[] {
  const lines = markdown.split('\n');
  const out: { line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```yaml') continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) body.push(lines[i] ?? '');
    out.push({ line: start, text: body.join('\n') });
  }
  return out;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);
function merge(base: unknown, over: unknown): unknown {
  if (!isTree(base) || !isTree(over)) return over;
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** Targets the snippets refer to by name (fragments such as `targets: [ad]` need them to exist). */
const namedTargets = {
  targets: {
    ad: {
      type: 'ad',
      options: {
        url: 'ldaps://dc1.example.com', bindDN: 'CN=svc-cadre,OU=Service Accounts,DC=example,DC=com', bindPassword: 'env:AD_PASSWORD',
        baseDN: 'DC=example,DC=com', usersOU: 'OU=People,DC=example,DC=com', upnSuffix: 'example.com',
      },
      managedEntitlements: ['GG-*'],
    },
    entra: { type: 'entra', options: { tenantId: 'example.onmicrosoft.com', clientId: 'cadre', clientSecret: 'env:ENTRA_CLIENT_SECRET' } },
    'offboarding-hook': {
      type: 'rest',
      options: {
        baseUrl: 'https://hooks.example.com', secret: 'env:HOOK_SECRET', list: { url: '/users', itemsPath: 'items' },
        actions: { create: { method: 'POST', url: '/users' }, update: { method: 'PATCH', url: '/users/{{ anchor }}' }, offboard: { method: 'POST', url: '/offboard' } },
      },
    },
  },
};

test('the README has yaml snippets to check', () => {
  assert.ok(yamlSnippets(readFileSync(README, 'utf8')).length >= 5);
});

test('the base the fragments are merged into is valid itself', () => {
  const base = merge(parse(exampleConfig()), namedTargets);
  assert.deepEqual(validateConfigText(stringify(base)).problems, []);
});

test('every README yaml snippet validates (whole, or merged into the init example)', () => {
  const base = merge(parse(exampleConfig()), namedTargets);
  const failures: string[] = [];
  for (const s of yamlSnippets(readFileSync(README, 'utf8'))) {
    const snippet: unknown = parse(s.text);
    const merged = validateConfigText(stringify(merge(base, snippet)));
    for (const p of merged.problems) failures.push(`README.md:${s.line}  ${p.path}: ${p.message}`);
  }
  assert.deepEqual(failures, []);
});
