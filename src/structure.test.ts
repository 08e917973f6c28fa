/** Structural rules of the code base that a reviewer would otherwise check by hand. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
});
const imports = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1] as string);

test('the core imports nothing from src/targets/ (capabilities and sameValue live in the core)', () => {
  const bad = files(join(SRC, 'core')).flatMap((f) => imports(f).filter((i) => i.includes('/targets/')).map((i) => `${relative(SRC, f)} → ${i}`));
  assert.deepEqual(bad, []);
});

test('the Graph client does not import from its simulator', () => {
  const entra = join(SRC, 'targets', 'entra');
  const bad = files(entra).filter((f) => !f.includes(`${join(entra, 'simulator')}`)).flatMap((f) => imports(f).filter((i) => i.includes('simulator/')).map((i) => `${relative(SRC, f)} → ${i}`));
  assert.deepEqual(bad, []);
});

test('one password generator', () => {
  const defs = files(SRC).filter((f) => !f.endsWith('.test.ts') && /function generatePassword\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
  assert.deepEqual(defs, [join('util', 'password.ts')]);
});

test('apply.ts dispatches every operation alike: the write-back and notifications are effect handlers, not special cases', () => {
  const apply = readFileSync(join(SRC, 'engine', 'apply.ts'), 'utf8');
  // The pseudo-targets, their actions and what their handlers call (the run-level failure alert is no operation).
  const pseudo = /NOTIFY_TARGET|WRITEBACK_TARGET|['"`](?:notify|personio|writeBack)['"`]|notifyOperation|updateEmployee|effects\/(?:notify|personio-write-back)/g;
  assert.deepEqual([...apply.matchAll(pseudo)].map((m) => m[0]), []);
  const handlers = files(join(SRC, 'engine', 'effects')).filter((f) => !f.endsWith('.test.ts')).map((f) => relative(SRC, f)).sort();
  assert.deepEqual(handlers, ['engine/effects/contract.ts', 'engine/effects/index.ts', 'engine/effects/notify.ts', 'engine/effects/personio-write-back.ts']);
});
