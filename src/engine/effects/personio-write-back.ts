/** Effect handler of `writeBack` operations: computed values written back to Personio (pseudo-target `personio`). */
import { WRITEBACK_TARGET } from '../../core/plan-input.js';
import type { PersonioClient } from '../../sources/personio/client.js';
import type { EffectHandler } from './contract.js';

/** The Personio write-back, through the source client. */
export function personioWriteBack(source: Pick<PersonioClient, 'updateEmployee'>): EffectHandler {
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
  };
}
