/**
 * Validates `targets.<name>.options` with each connector's own zod guard at config time, so
 * `cadre validate` reports option mistakes with their line instead of failing later at connect time.
 * Add a type here when its connector exports a guard.
 */
import type { z } from 'zod';
import { adTargetGuard, adTargetProblems } from '../targets/ad/guard.js';
import { entraTargetGuard } from '../targets/entra/guard.js';
import { restTargetGuard } from '../targets/rest/guard.js';
import { scimTargetGuard } from '../targets/scim/guard.js';
import { scimAttributeProblems } from '../targets/scim/map.js';
import { sqlTargetGuard } from '../targets/sql/guard.js';
import type { CadreConfig, TargetConfig } from './schema.js';
import { issuesToProblems, type RawProblem } from './issues.js';
import { isSecretRef } from './secrets.js';

/** Option guards by target type. Types without an entry are validated by their factory only. */
export const TARGET_OPTION_GUARDS: Readonly<Record<string, z.ZodType>> = {
  sql: sqlTargetGuard,
  ad: adTargetGuard,
  entra: entraTargetGuard,
  scim: scimTargetGuard,
  rest: restTargetGuard,
};

/** Checks of a whole target block by type (options against attributes, identifier kinds); paths relative to the target. */
export const TARGET_CHECKS: Readonly<Record<string, (target: TargetConfig, config: CadreConfig) => readonly { path: readonly (string | number)[]; message: string }[]>> = {
  ad: (t, c) => adTargetProblems(t.options, t.attributes, Object.keys(c.identifiers)),
  scim: (t) => scimAttributeProblems(Object.keys(t.attributes)),
};

/** Problems in target options, with full config paths. Issues on `env:`/`file:` references are left to secret resolution. */
export function checkTargetOptions(config: CadreConfig, guards: Readonly<Record<string, z.ZodType>> = TARGET_OPTION_GUARDS): RawProblem[] {
  const out: RawProblem[] = [];
  for (const [name, t] of Object.entries(config.targets)) {
    for (const p of TARGET_CHECKS[t.type]?.(t, config) ?? []) out.push({ path: ['targets', name, ...p.path], message: p.message });
    const guard = guards[t.type];
    if (!guard) continue;
    const r = guard.safeParse(t.options);
    if (r.success) continue;
    for (const p of issuesToProblems(r.error.issues, t.options, guard)) {
      if (isSecretRef(valueAt(t.options, p.path))) continue;
      out.push({ path: ['targets', name, 'options', ...p.path], message: p.message });
    }
  }
  return out;
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let cur = input;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(s)];
  }
  return cur;
}
