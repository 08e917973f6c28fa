/**
 * The daily digest (`notifications.digest`): from the configured time of day (in `lifecycle.timezone`) on, one mail
 * summarising the 24 hours before that time: joiners, movers, leavers, failed operations and threshold blocks, read
 * from the audit log. A store row (`meta.claim`) makes it once per day however many processes tick.
 */
import { addDays, localDate } from '../core/lifecycle.js';
import type { DigestEntry, DigestMail, MailFailure } from '../notify/index.js';
import type { Engine } from './engine.js';
import { mailAdmins } from './notify-admins.js';

const LEAVER_SOURCES = new Set(['terminated', 'gone', 'rehire-gap', 'missing-from-source']);

/** Offset of a zone at an instant, in ms (local wall time minus UTC). */
function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const n = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local date and `HH:MM` in a zone (DST: the offset at that instant). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, mi);
  const first = wall - offsetMs(wall, timeZone);
  return new Date(wall - offsetMs(first, timeZone));
}

/** What {@link sendDigest} did. */
export type DigestOutcome = 'off' | 'not-due' | 'already-sent' | 'sent' | 'failed';

/** Send today's digest if it is due and nobody sent it yet. */
export async function sendDigest(engine: Engine, now: Date = engine.now()): Promise<DigestOutcome> {
  const cfg = engine.config.notifications.digest;
  if (!cfg || !engine.notifier.configured) return 'off';
  const tz = engine.config.lifecycle.timezone;
  const today = localDate(now.toISOString(), tz);
  const until = zonedInstant(today, cfg.at, tz);
  if (now < until) return 'not-due';
  const since = zonedInstant(addDays(today, -1), cfg.at, tz);
  const key = `notifications.digest.${today}`;
  if (!(await engine.store.meta.claim(key, now.toISOString()))) return 'already-sent';
  try {
    const mail = await digestOf(engine, localDate(new Date(until.getTime() - 1).toISOString(), tz), since.toISOString(), until.toISOString());
    const r = await mailAdmins(engine, cfg.to, mail);
    if (r.ok) return 'sent';
    engine.log.warn({ code: r.code }, 'daily digest not sent; retried on the next tick');
  } catch (err) {
    engine.log.warn({ err: (err as Error).message }, 'daily digest failed; retried on the next tick');
  }
  // Free the day again so the next tick (of any process) retries.
  await engine.store.meta.remove(key);
  return 'failed';
}

/** The digest of the audit rows in [since, until). */
export async function digestOf(engine: Pick<Engine, 'store'>, day: string, since: string, until: string): Promise<DigestMail> {
  const joiners = new Map<string, Set<string>>();
  const movers = new Map<string, Set<string>>();
  const leavers = new Map<string, Set<string>>();
  const failures: MailFailure[] = [];
  let blocks = 0;
  const put = (m: Map<string, Set<string>>, pid: string | undefined, target: string | undefined): void => {
    if (pid === undefined) return;
    const s = m.get(pid) ?? new Set<string>();
    if (target) s.add(target);
    m.set(pid, s);
  };
  for (const event of ['op', 'plan.blocked']) {
    let afterSeq: number | undefined;
    for (;;) {
      const rows = await engine.store.audit.query({ event, since, until }, { limit: 500, order: 'asc', ...(afterSeq !== undefined ? { afterSeq } : {}) });
      for (const r of rows) {
        if (r.event === 'plan.blocked') { blocks++; continue; }
        const p = JSON.parse(r.payload) as { action?: string; reason?: { source?: string }; error?: { code?: string; message?: string } };
        if (r.target === 'notify' || r.target === 'personio') continue;
        if (r.event === 'op.failed') {
          failures.push({ action: p.action ?? '', target: r.target ?? '', personId: r.personId ?? '', code: p.error?.code ?? '', message: (p.error?.message ?? '').slice(0, 200) });
        } else if (r.event === 'op.done') {
          if (p.action === 'create' || (p.action === 'enable' && p.reason?.source === 'rehire')) put(joiners, r.personId, r.target);
          else if (p.action === 'disable' && LEAVER_SOURCES.has(p.reason?.source ?? '')) put(leavers, r.personId, r.target);
          else if (p.action === 'move' || p.action === 'grant' || p.action === 'revoke') put(movers, r.personId, r.target);
        }
      }
      if (rows.length < 500) break;
      afterSeq = rows[rows.length - 1]?.seq;
    }
  }
  const entries = async (m: Map<string, Set<string>>): Promise<DigestEntry[]> => {
    const out: DigestEntry[] = [];
    for (const [pid, targets] of m) {
      const p = await engine.store.persons.get(pid);
      out.push({ personId: pid, name: p ? `${p.preferredName ?? p.firstName} ${p.lastName}` : `person ${pid}`, targets: [...targets].sort() });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  };
  // A joiner's first grants are part of joining, not a move.
  for (const pid of joiners.keys()) movers.delete(pid);
  return { kind: 'digest', day, joiners: await entries(joiners), movers: await entries(movers), leavers: await entries(leavers), failures: failures.slice(0, 100), blocks };
}
