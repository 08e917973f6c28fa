/**
 * `cadre validate` checks access review scopes (real CLI, Personio simulator, SQLite targets): an unknown target or
 * an entitlement nothing can match is a config problem with its path; `--live` reads Personio and reports a scope
 * department nobody is in, with the closest real one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const templates = (scope: string) => `reviews:
  templates:
    - { id: q4, name: Q4, scope: ${scope}, reviewers: { fallback: root } }
`;

describe('cadre validate: review scopes', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-review-validate-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 1, first: 'Sina', last: 'Sales', department: 'Sales', office: 'Berlin' })] });
  });
  after(async () => {
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const validate = async (name: string, scope: string, ...flags: string[]) => {
    const sub = join(dir, name);
    mkdirSync(sub, { recursive: true });
    const file = writeEngineConfig({ dir: sub, personioUrl: personio.url, extra: templates(scope) });
    const r = await runCli(['validate', '--json', ...flags, '--config', file], { timeoutMs: 120_000 });
    return { code: r.code, json: JSON.parse(r.stdout) as { valid: boolean; problems: { path: string; message: string }[]; live?: { code: string; severity: string; message: string }[] } };
  };

  test('unknown targets and entitlements are errors with the path', async () => {
    const ok = await validate('ok', '{ entitlements: ["role:sales", "role:*"], targets: [erp] }');
    assert.equal(ok.code, 0, JSON.stringify(ok.json.problems));
    const bad = await validate('bad', '{ entitlements: ["role:sales", "role:slaes"], targets: [erp, crm] }');
    assert.equal(bad.code, 2);
    assert.deepEqual(bad.json.problems.map((p) => p.path).sort(), ['reviews.templates[0].scope.entitlements[1]', 'reviews.templates[0].scope.targets[1]']);
    assert.match(bad.json.problems.find((p) => p.path.endsWith('targets[1]'))?.message ?? '', /unknown target "crm"/);
    assert.match(bad.json.problems.find((p) => p.path.endsWith('entitlements[1]'))?.message ?? '', /"role:slaes" matches no entitlement Cadre knows in erp/);
  });

  test('--live: a scope department nobody in Personio is in is an error naming the closest one', async () => {
    const r = await validate('live', '{ departments: [Sales, Slaes] }', '--live');
    assert.equal(r.code, 2);
    const found = (r.json.live ?? []).filter((f) => f.code === 'REVIEW_DEPARTMENT_UNKNOWN');
    assert.equal(found.length, 1, JSON.stringify(r.json.live));
    assert.match(found[0]?.message ?? '', /^reviews\.templates\[0\]\.scope\.departments\[1\]: q4: nobody in Personio is in department "Slaes" \(did you mean "Sales"\?\)/);
    const fine = await validate('live-ok', '{ departments: [sales] }', '--live');
    assert.ok((fine.json.live ?? []).some((f) => f.code === 'REVIEW_DEPARTMENTS'), JSON.stringify(fine.json.live));
    assert.ok(!(fine.json.live ?? []).some((f) => f.code === 'REVIEW_DEPARTMENT_UNKNOWN'));
  });
});
