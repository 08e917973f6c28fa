/** Effect handler of `writeBack` operations: computed values written back to Personio (pseudo-target `personio`). */
import { WRITEBACK_TARGET } from '../../core/plan-input.js';
import type { PersonioClient } from '../../sources/personio/client.js';
import type { CadreConfig } from '../../config/schema.js';
import { writeBackCommit } from '../write-back-echo.js';
import type { EffectHandler } from './contract.js';

/**
 * The Personio write-back, through the source client (v1 or v2 PATCH). Each done write is remembered with the stored
 * person (see `writeBackCommit`), so its echo starts no plan and a value Personio holds is never written again.
 */
export function personioWriteBack(source: Pick<PersonioClient, 'updateEmployee'>, config: Pick<CadreConfig, 'source'>): EffectHandler {
  return {
    name: WRITEBACK_TARGET,
    concurrency: 1,
    async apply(op) {
      if (op.action !== 'writeBack') return { ok: false, error: { code: 'NOT_SUPPORTED', message: `${op.action} is not a Personio write-back`, transient: false } };
      const fields: Record<string, string | null> = {};
      for (const c of op.changes) fields[c.attribute] = c.to === undefined || c.to === null ? null : String(c.to);
      try {
        await source.updateEmployee(op.personId, fields);
        return { ok: true };
      } catch (err) {
        const code = String((err as { code?: unknown }).code ?? 'PERSONIO_WRITEBACK_FAILED');
        return { ok: false, error: { code, message: `write-back for person ${op.personId}: ${(err as Error).message}`, transient: /RATE|UNAVAILABLE/.test(code) } };
      }
    },
    commit: (op, ctx) => (op.action === 'writeBack' ? writeBackCommit(config, op, ctx.runId, ctx.at, ctx.person) : undefined),
  };
}
