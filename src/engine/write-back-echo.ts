/**
 * Write-back bookkeeping around the plan: each successful write is remembered (value, time, run) together with the
 * stored person record, and a change Personio then reports that is only the echo of such a write (the `updated_since`
 * poll, a `person.updated` webhook) starts no plan of its own. Called from the poll and the webhook drain.
 */
import type { CadreConfig } from '../config/schema.js';
import type { Operation, Person } from '../core/model.js';
import { isWriteBackEcho, withWrittenValues, writeBackForm, writeBackKey, type WriteBackRecord } from '../core/write-back.js';
import type { Store } from '../store/types.js';
import type { Engine } from './engine.js';
import { SourceUnusableError } from './errors.js';

/**
 * How long after a write a reported change can be its echo. Polls see it within the `updated_since` overlap (5 min),
 * webhooks within seconds; a later one (a delivery retried for hours) is planned, which finds nothing to do.
 */
export const ECHO_WINDOW_MS = 60 * 60 * 1000;

/**
 * The store writes that go with a successful `writeBack` operation, in its commit transaction: the write is
 * remembered, and the stored person gets the written values, so a plan from the stored record (an incremental run
 * planning someone it did not re-read) sees what Personio holds and never writes the same value again.
 */
export function writeBackCommit(config: Pick<CadreConfig, 'source'>, op: Operation, runId: string, at: string, person: Person | undefined): (tx: Store) => Promise<void> {
  const aliases = config.source.customAttributes;
  const values: Record<string, string | null> = {};
  for (const c of op.changes) values[writeBackKey(c.attribute, aliases)] = writeBackForm(c.to);
  const records: WriteBackRecord[] = Object.entries(values).map(([attribute, value]) => ({ personId: op.personId, attribute, value, writtenAt: at, runId }));
  return async (tx) => {
    await tx.writeBacks.record(records);
    const stored = (await tx.persons.get(op.personId)) ?? person;
    if (stored) await tx.persons.upsertMany([withWrittenValues(stored, values, aliases)]);
  };
}

/**
 * Of the persons just read from Personio, the ids of those whose change is only the echo of Cadre's own write-back
 * (see `isWriteBackEcho`), and whose writing run left nothing failed for them (otherwise the re-plan is the retry).
 */
export async function writeBackEchoes(engine: Pick<Engine, 'config' | 'store' | 'log'>, fresh: readonly Person[], at: string): Promise<Set<string>> {
  const out = new Set<string>();
  if (!engine.config.writeBack.enabled || fresh.length === 0) return out;
  const writes = await engine.store.writeBacks.byPersons(fresh.map((p) => p.id));
  if (writes.length === 0) return out;
  const byPerson = new Map<string, WriteBackRecord[]>();
  for (const w of writes) byPerson.set(w.personId, [...(byPerson.get(w.personId) ?? []), w]);
  const opts = { at, windowMs: ECHO_WINDOW_MS, aliases: engine.config.source.customAttributes };
  const unfinished = new Map<string, Set<string>>();
  const leftOpen = async (runId: string): Promise<Set<string>> => {
    let s = unfinished.get(runId);
    if (!s) {
      s = new Set((await engine.store.journal.entries(runId)).filter((e) => e.status !== 'done').map((e) => e.personId));
      unfinished.set(runId, s);
    }
    return s;
  };
  for (const p of fresh) {
    const mine = byPerson.get(p.id);
    if (!mine || !isWriteBackEcho(p, await engine.store.persons.get(p.id), mine, opts)) continue;
    let open = false;
    for (const runId of new Set(mine.map((w) => w.runId))) if ((await leftOpen(runId)).has(p.id)) open = true;
    if (open) continue;
    out.add(p.id);
  }
  if (out.size > 0) engine.log.debug({ persons: [...out] }, 'Personio reported only our own write-back; nothing to plan for them');
  return out;
}

/**
 * The webhook drain's read: each named person fresh from Personio, without the echoes of our own write-back. `ids`
 * are the persons to plan (one Personio no longer knows stays, as with a read by id); `persons` those read.
 */
export async function readWithoutEchoes(engine: Pick<Engine, 'config' | 'store' | 'log' | 'source'>, ids: readonly string[], at: string): Promise<{ ids: string[]; persons: Person[] }> {
  const persons: Person[] = [];
  try {
    for (const id of ids) {
      const p = await engine.source.fetchOne(id);
      if (p) persons.push(p);
    }
  } catch (err) {
    throw new SourceUnusableError(`Personio could not be read: ${(err as Error).message}`);
  }
  const echoes = await writeBackEchoes(engine, persons, at);
  return { ids: ids.filter((id) => !echoes.has(id)), persons: persons.filter((p) => !echoes.has(p.id)) };
}
