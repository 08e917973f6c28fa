/**
 * Operations read back from JSON (the journal). Cadre before the typed operations (2026-12) kept action-specific
 * fields in an untyped `data` bag; a run interrupted before the upgrade still has such rows, and the next run must
 * close them (and send their pending notifications). Pure.
 */
import type { AttrValue, LifecycleState, NotifyEvent, Operation } from './model.js';

const LIFECYCLE_STATES: readonly LifecycleState[] = ['future', 'prehire', 'active', 'leave', 'terminated', 'gone'];
const NOTIFY_EVENTS: readonly NotifyEvent[] = ['joiner', 'mover', 'leaver', 'password'];

type Bag = Readonly<Record<string, AttrValue | undefined>>;

const str = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: AttrValue | undefined): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The typed fields an old `data` bag carried for an operation's action; unknown keys are dropped. */
function liftData(action: string, data: Bag): Record<string, unknown> {
  switch (action) {
    case 'create': {
      const identifiers: Record<string, string> = {};
      for (const [k, v] of Object.entries(data)) if (k.startsWith('id.') && typeof v === 'string') identifiers[k.slice(3)] = v;
      return defined({
        // As the old executor read it for the desired state: only an explicit `true` was enabled.
        enabled: data['enabled'] === true,
        container: str(data['container']),
        password: data['password'] === true ? true : undefined,
        identifiers: Object.keys(identifiers).length > 0 ? identifiers : undefined,
        endDate: str(data['endDate']),
      });
    }
    case 'adopt':
      return defined({ resumed: data['resumed'] === true ? true : undefined, via: str(data['via']) });
    case 'disable': {
      const lifecycle = LIFECYCLE_STATES.find((s) => s === data['lifecycle']);
      return defined({ endDate: str(data['endDate']), lifecycle, description: str(data['reason']) });
    }
    case 'notify':
      return defined({
        // The old executor sent an unknown event as a mover mail.
        event: NOTIFY_EVENTS.find((e) => e === data['event']) ?? 'mover',
        to: strings(data['to']),
        targets: strings(data['targets']),
        endDate: str(data['endDate']),
        resumed: data['resumed'] === true ? true : undefined,
      });
    default:
      return {};
  }
}

/**
 * An operation from its stored JSON form: the current shape as is, an old one with a `data` bag lifted into the
 * typed fields of its action. Throws on a value that is not an operation at all.
 */
export function operationFromJson(value: unknown): Operation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('an operation is a JSON object');
  const { data, ...rest } = value as Record<string, unknown>;
  if (typeof rest['id'] !== 'string' || typeof rest['action'] !== 'string' || typeof rest['target'] !== 'string') {
    throw new TypeError('an operation has a string id, action and target');
  }
  if (data === undefined || data === null || typeof data !== 'object' || Array.isArray(data)) {
    return defaultsFor(rest) as unknown as Operation;
  }
  return defaultsFor({ ...rest, ...liftData(rest['action'], data as Bag) }) as unknown as Operation;
}

/** Fields the typed shape requires that an old row may lack. */
function defaultsFor(op: Record<string, unknown>): Record<string, unknown> {
  const out = { ...op };
  if (!Array.isArray(out['changes'])) out['changes'] = [];
  if (!Array.isArray(out['dependsOn'])) out['dependsOn'] = [];
  if (out['action'] === 'create' && typeof out['enabled'] !== 'boolean') out['enabled'] = false;
  if (out['action'] === 'notify') {
    if (!NOTIFY_EVENTS.some((e) => e === out['event'])) out['event'] = 'mover';
    if (!Array.isArray(out['to'])) out['to'] = [];
    if (!Array.isArray(out['targets'])) out['targets'] = [];
  }
  if (out['action'] === 'offboard' && typeof out['step'] !== 'string') out['step'] = 'webhook';
  if ((out['action'] === 'grant' || out['action'] === 'revoke') && typeof out['entitlement'] !== 'string') out['entitlement'] = '';
  return out;
}
