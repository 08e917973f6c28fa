/**
 * Webhook delivery of the simulator: each company change becomes Personio's dataless envelope
 * (`{company_id, event_name, occurred_at, payload, meta}`) POSTed to every ENABLED webhook subscribed to the event,
 * with the webhook's token verbatim in `Authorization`. A time-out or a 5xx other than 501 is retried on
 * Personio's schedule (6 attempts of up to 2 fast requests each, 14 requests at most), compressed by `timeScale`.
 * Faults: late, duplicate and reordered deliveries.
 */
import { randomUUID } from 'node:crypto';
import { isRecord } from '../raw.js';
import type { SimCompany } from './company.js';
import { employmentOf } from './v2.js';
import type { SimWebhook } from './webhooks.js';

/** Delays of the 6 attempts after the event (ms at time scale 1): now, 1 min, 10 min, 1 h, 12 h, 3 d. */
export const RETRY_SCHEDULE_MS: readonly number[] = [0, 60_000, 600_000, 3_600_000, 43_200_000, 259_200_000];
const ACK_TIMEOUT_MS = 3000;

/** Delivery faults (switchable at runtime). */
export interface DeliveryFaults {
  /** Every delivery is sent twice. */
  webhookDuplicates: boolean;
  /** Extra delay before each delivery (late events). */
  webhookDelayMs: number;
  /** Events are held back in pairs and sent newest first. */
  webhookReorder: boolean;
}

/** One delivery attempt as the simulator saw it. */
export interface DeliveryAttempt { readonly webhookId: string; readonly eventName: string; readonly deliveryId: string; readonly status: number | 'timeout' | 'error'; readonly at: string }

/** Creates the deliverer over the live webhook registry. */
export function createDelivery(hooks: ReadonlyMap<string, SimWebhook>, faults: DeliveryFaults, opts: { companyId: string; timeScale: number; now: () => Date }) {
  const attempts: DeliveryAttempt[] = [];
  const pending = new Set<Promise<void>>();
  let heldBack: (() => void) | undefined;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  async function once(w: SimWebhook, body: string, eventName: string, deliveryId: string): Promise<boolean> {
    let status: DeliveryAttempt['status'];
    try {
      const res = await fetch(w.url, {
        method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
        headers: { 'content-type': 'application/json', ...(w.auth_type === 'TOKEN' && w.token ? { authorization: w.token } : {}) },
        body,
      });
      await res.arrayBuffer();
      status = res.status;
    } catch (e) {
      status = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'error';
    }
    attempts.push({ webhookId: w.id, eventName, deliveryId, status, at: opts.now().toISOString() });
    if (typeof status === 'number' && status >= 200 && status < 300) return true;
    // Only time-outs and 5xx (not 501) are retried; other answers end the delivery.
    if (typeof status === 'number' && (status < 500 || status === 501)) return true;
    return false;
  }

  async function deliver(w: SimWebhook, body: string, eventName: string, deliveryId: string): Promise<void> {
    if (faults.webhookDelayMs > 0) await sleep(faults.webhookDelayMs);
    for (const [i, delay] of RETRY_SCHEDULE_MS.entries()) {
      if (i > 0) await sleep(delay * opts.timeScale);
      for (let fast = 0; fast < 2; fast++) if (await once(w, body, eventName, deliveryId)) return;
    }
  }

  const track = (p: Promise<void>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  return {
    attempts,
    /** Sends one event to every enabled webhook subscribed to it. */
    emit(eventName: string, payload: Record<string, unknown>): void {
      const occurredAt = opts.now().toISOString();
      for (const w of hooks.values()) {
        if (w.status !== 'ENABLED' || !w.enabled_events.includes(eventName)) continue;
        const deliveryId = randomUUID();
        const body = JSON.stringify({ company_id: opts.companyId, event_name: eventName, occurred_at: occurredAt, payload, meta: { delivery_id: deliveryId, webhook_id: w.id } });
        const send = (): Promise<void> => {
          const p = deliver(w, body, eventName, deliveryId);
          track(p);
          if (faults.webhookDuplicates) track(deliver(w, body, eventName, deliveryId));
          return p;
        };
        if (faults.webhookReorder) {
          if (heldBack) {
            // The newer event goes first; the held-back older one only after it was delivered.
            const first = heldBack;
            heldBack = undefined;
            track(send().then(first));
          } else heldBack = () => { void send(); };
        } else void send();
      }
    },
    /** Sends anything held back for reordering, then waits for every delivery in flight. */
    async settle(): Promise<void> {
      if (heldBack) { const h = heldBack; heldBack = undefined; h(); }
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** Wraps the company's writes so every change (API writes, the mutator, `_sim` endpoints) fires Personio's events. */
export function watchCompany(company: SimCompany, emit: (eventName: string, payload: Record<string, unknown>) => void): void {
  // Every change of the company (API writes, the mutator, `_sim` endpoints) fires the events Personio would.
  const upsert = company.upsert;
  const remove = company.remove;
  const personKeys = ['first_name', 'last_name', 'preferred_name', 'email', 'gender'];
  company.upsert = (raw) => {
    const id = isRecord(raw) && isRecord(raw.attributes) && isRecord(raw.attributes.id) ? String(raw.attributes.id.value) : undefined;
    const before = id === undefined ? undefined : structuredClone(company.get(id));
    const saved = upsert(raw);
    const pid = String(saved.attributes.id?.value);
    const emp = employmentOf(saved);
    if (!before) {
      emit('person.created', { id: pid });
      emit('employment.created', { id: emp.id, person_id: pid });
    } else {
      const changed = (k: string): boolean => JSON.stringify(before.attributes[k]?.value) !== JSON.stringify(saved.attributes[k]?.value);
      if (personKeys.some(changed) || Object.keys(saved.attributes).some((k) => /^dynamic_\d+$/.test(k) && changed(k))) emit('person.updated', { id: pid });
      if (JSON.stringify(employmentOf(before)) !== JSON.stringify(emp)) emit('employment.updated', { id: emp.id, person_id: pid });
    }
    return saved;
  };
  company.remove = (id) => {
    const ok = remove(id);
    if (ok) emit('person.deleted', { id });
    return ok;
  };}
