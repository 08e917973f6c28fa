/**
 * What a run does with the first credentials it produces (`notifications.passwordDelivery`):
 * - `mail-separate`: initial passwords go to the run's secrets, for the separate password mail on the start date;
 * - `console` and `tap`: they are sealed for the console instead (never mailed);
 * - `tap`: after the planned create in the Entra target (its `firstSignIn`), a Temporary Access Pass is created
 *   and sealed for the console; that account's random initial password is handed to nobody.
 * Values stay in memory until the run has executed, then are sealed (`flush`); the audit gets only metadata
 * (`credential.tap.created` / `.failed`, then `credential.stored`).
 */
import { tapTarget } from '../../core/first-sign-in.js';
import type { Operation, Person } from '../../core/model.js';
import type { OperationResult, TargetConnector } from '../../targets/contract.js';
import type { Engine } from '../engine.js';
import { depositCredential, type ProducedCredential } from './vault.js';

/** Collects a run's credentials. */
export interface CredentialCollector {
  /** An initial password was set: true when it is kept for the console (then it must not go into the mail). */
  takePassword(op: Operation, login: string, secret: string): boolean;
  /** After a target operation: a create carrying `firstSignIn` gets its Temporary Access Pass. */
  afterOperation(connector: TargetConnector, op: Operation, result: OperationResult, login: string): Promise<OperationResult>;
  /** Seal everything collected and audit it; call once after the operations ran. */
  flush(persons: ReadonlyMap<string, Person>, actor: string, runId: string): Promise<void>;
}

/** A collector for one run. */
export function credentialCollector(engine: Engine): CredentialCollector {
  const delivery = engine.config.notifications.passwordDelivery;
  const tapIn = tapTarget(engine.config);
  const produced: ProducedCredential[] = [];
  const events: { personId: string; target: string; event: string; payload: Record<string, unknown> }[] = [];
  return {
    takePassword(op, login, secret) {
      if (delivery === 'mail-separate') return false;
      // With a TAP, that account's password is never handed out: the pass is the first sign-in.
      if (!(delivery === 'tap' && op.target === tapIn && op.action === 'create')) {
        produced.push({ personId: op.personId, target: op.target, login, kind: 'password', secret });
      }
      return true;
    },
    async afterOperation(connector, op, result, login) {
      if (op.action !== 'create' || !op.firstSignIn || !result.ok || result.adopted === true || !result.anchor) return result;
      const req = op.firstSignIn;
      if (!connector.issueTemporaryAccessPass) {
        events.push({ personId: op.personId, target: op.target, event: 'credential.tap.failed', payload: { opId: op.id, code: 'NOT_SUPPORTED', message: `${op.target} cannot create Temporary Access Passes` } });
        return { ...result, note: `${result.note ?? 'created'}; no temporary access pass: NOT_SUPPORTED` };
      }
      const t = await connector.issueTemporaryAccessPass(result.anchor, req);
      if (!t.ok) {
        events.push({ personId: op.personId, target: op.target, event: 'credential.tap.failed', payload: { opId: op.id, anchor: result.anchor, ...req, code: t.error.code, message: t.error.message } });
        return { ...result, note: `${result.note ?? 'created'}; temporary access pass failed: ${t.error.code} (ask the helpdesk for one)` };
      }
      const { pass, ...facts } = t.tap;
      produced.push({ personId: op.personId, target: op.target, login, kind: 'tap', secret: pass, ...(facts.startDateTime !== '' ? { validFrom: facts.startDateTime } : {}) });
      events.push({ personId: op.personId, target: op.target, event: 'credential.tap.created', payload: { opId: op.id, anchor: result.anchor, login, ...facts } });
      return { ...result, note: `${result.note ?? 'created'}; temporary access pass from ${facts.startDateTime || 'now'} for ${facts.lifetimeInMinutes} min` };
    },
    async flush(persons, actor, runId) {
      for (const e of events.splice(0)) await engine.audit.record({ actor, event: e.event, personId: e.personId, target: e.target, runId, payload: e.payload });
      for (const c of produced.splice(0)) {
        const person = persons.get(c.personId) ?? await engine.store.persons.get(c.personId);
        await depositCredential(engine, c, { ...(person ? { person } : {}), actor, runId });
      }
    },
  };
}
