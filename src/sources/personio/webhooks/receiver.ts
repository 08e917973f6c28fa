/**
 * Personio webhook intake: checks the `Authorization` token (constant time; Personio sends it verbatim), reads
 * the dataless envelope and queues the event DURABLY before the caller acknowledges. A repeated delivery of the
 * same event collapses into one queued row; unknown events are logged and acknowledged without work.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { isRecord } from '../raw.js';

const entityId = z.union([z.string().min(1).max(100), z.number().int()]);

/** Personio's envelope (`company_id`, `event_name`, `occurred_at`, `payload` required; `meta` optional). */
export const webhookEnvelopeGuard = z.object({
  company_id: z.union([z.string().max(100), z.number()]),
  event_name: z.string().min(1).max(100),
  occurred_at: z.string().max(64).refine((v) => !Number.isNaN(Date.parse(v)), 'occurred_at is not a date-time'),
  payload: z.record(z.string(), z.unknown()),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** Events that trigger a person-scoped sync. */
export const PERSON_EVENTS: ReadonlySet<string> = new Set([
  'person.created', 'person.updated', 'person.deleted',
  'employment.created', 'employment.updated', 'employment.deleted', 'employment.started', 'employment.terminated',
]);

/** The queue the intake writes to (the store's `sourceEvents.enqueue`). */
export type EnqueueEvent = (e: { key: string; deliveryId?: string; eventName: string; personId?: string; occurredAt: string; receivedAt: string }) => Promise<boolean>;

/** Outcome of one delivery: the HTTP status to answer and what happened. */
export interface IntakeResult { readonly status: 200 | 202 | 400 | 401; readonly outcome: 'queued' | 'duplicate' | 'ignored' | 'unauthorized' | 'invalid' }

/** Constant-time comparison of the received header with the configured token. */
export function tokenMatches(received: string | undefined, expected: string): boolean {
  // Hash both so lengths never leak through an early return.
  const a = createHash('sha256').update(received ?? '').digest();
  const b = createHash('sha256').update(expected).digest();
  return received !== undefined && expected !== '' && timingSafeEqual(a, b);
}

/** Handles one delivery; the caller answers `status` only after this resolved (the event is then stored). */
export async function acceptWebhook(
  input: { authorization: string | undefined; body: unknown; token: string; now: () => Date },
  enqueue: EnqueueEvent, log: { warn: (o: Record<string, unknown>, m: string) => void; info: (o: Record<string, unknown>, m: string) => void },
): Promise<IntakeResult> {
  if (!tokenMatches(input.authorization, input.token)) return { status: 401, outcome: 'unauthorized' };
  const parsed = webhookEnvelopeGuard.safeParse(input.body);
  if (!parsed.success) return { status: 400, outcome: 'invalid' };
  const b = parsed.data;
  if (!PERSON_EVENTS.has(b.event_name)) {
    log.warn({ event: b.event_name }, 'Personio webhook event not handled; acknowledged');
    return { status: 200, outcome: 'ignored' };
  }
  const p = b.payload;
  const personId = entityId.safeParse(b.event_name.startsWith('person.') ? p.id : p.person_id ?? (isRecord(p.person) ? p.person.id : undefined));
  const pid = personId.success ? String(personId.data) : undefined;
  const occurredAt = new Date(Date.parse(b.occurred_at)).toISOString();
  // The event's identity: the same event delivered again has the same name, entity and time.
  const key = createHash('sha256').update(JSON.stringify([b.event_name, p.id ?? null, pid ?? null, occurredAt])).digest('hex').slice(0, 32);
  const meta = b.meta ?? {};
  const queued = await enqueue({
    key, eventName: b.event_name, occurredAt, receivedAt: input.now().toISOString(),
    ...(pid !== undefined ? { personId: pid } : {}), ...(typeof meta.delivery_id === 'string' ? { deliveryId: meta.delivery_id } : {}),
  });
  if (pid === undefined) log.warn({ event: b.event_name }, 'Personio webhook event names no person; the next full sync covers it');
  return { status: 202, outcome: queued ? 'queued' : 'duplicate' };
}
