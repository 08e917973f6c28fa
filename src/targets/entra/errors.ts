/**
 * Coded errors of the Entra connector. Graph responses are mapped to {@link TargetError}s whose
 * messages name the operation and the person; secrets and tokens never appear in them.
 */
import type { TargetError } from '../contract.js';

/** A Graph (or token endpoint) answer as the HTTP layer hands it over. */
export interface GraphResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Thrown inside the connector; `apply` converts it into a failed result. */
export class EntraError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient = false,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'EntraError';
  }

  toTargetError(): TargetError {
    return this.retryAfter === undefined
      ? { code: this.code, message: this.message, transient: this.transient }
      : { code: this.code, message: this.message, transient: this.transient, retryAfter: this.retryAfter };
  }
}

/** `{error:{code,message,details}}` of a Graph error body, if present. */
export function graphErrorOf(body: unknown): { code: string; message: string; details: { target?: string; code?: string }[] } | undefined {
  const e = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof e !== 'object' || e === null) return undefined;
  const o = e as Record<string, unknown>;
  return {
    code: typeof o.code === 'string' ? o.code : 'unknown',
    message: typeof o.message === 'string' ? o.message : '',
    details: Array.isArray(o.details) ? (o.details as { target?: string; code?: string }[]) : [],
  };
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date). */
export function retryAfterSeconds(headers: Record<string, string>): number | undefined {
  const v = headers['retry-after'];
  if (v === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/** Map a failed Graph response to a coded error; `what` names the operation and person. */
export function mapGraphError(res: GraphResponse, what: string): EntraError {
  const g = graphErrorOf(res.body);
  const msg = g?.message ?? `HTTP ${res.status}`;
  const text = `${what}: ${msg}`;
  if (res.status === 429) return new EntraError('ENTRA_THROTTLED', text, true, retryAfterSeconds(res.headers) ?? 1);
  if (res.status >= 500 || res.status === 408) {
    const ra = retryAfterSeconds(res.headers);
    return new EntraError('ENTRA_UNAVAILABLE', text, true, ra);
  }
  if (res.status === 401) return new EntraError('ENTRA_UNAUTHORIZED', text);
  if (res.status === 403) return new EntraError('ENTRA_FORBIDDEN', text);
  if (res.status === 404) return new EntraError('ENTRA_NOT_FOUND', text);
  if (res.status === 424) return new EntraError('ENTRA_FAILED_DEPENDENCY', text);
  const conflict = g?.details.find((d) => d.code === 'ObjectConflict');
  const conflictProp = conflict?.target ?? /same value for property (\w+)/.exec(msg)?.[1];
  if (conflictProp) return new EntraError('ENTRA_CONFLICT', `${what}: ${conflictProp} is already used by another object (${msg})`);
  if (/does not have any available licenses/i.test(msg)) return new EntraError('ENTRA_LICENCE_NO_SEATS', text);
  if (/invalid usage location/i.test(msg)) return new EntraError('ENTRA_USAGE_LOCATION_MISSING', text);
  return new EntraError('ENTRA_INVALID', text);
}
