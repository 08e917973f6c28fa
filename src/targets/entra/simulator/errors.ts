/**
 * Graph-shaped error bodies and responses for the simulator.
 * Shape: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"},"details"?}}`.
 */
import { randomUUID } from 'node:crypto';

/** A response produced by the simulator's dispatcher (also used per item inside `$batch`). */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** One `details[]` entry of a Graph error. */
export interface GraphErrorDetail {
  readonly target?: string;
  readonly code: string;
  readonly message?: string;
}

/** Raised inside handlers; the dispatcher turns it into a Graph error response. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly GraphErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Build the JSON error body Graph returns. */
export function errorBody(code: string, message: string, clientRequestId: string | undefined, details?: readonly GraphErrorDetail[]): unknown {
  const requestId = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
      ...(details && details.length > 0 ? { details } : {}),
    },
  };
}

/** A complete error response. */
export function errorResponse(status: number, code: string, message: string, clientRequestId?: string, details?: readonly GraphErrorDetail[], headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: errorBody(code, message, clientRequestId, details) };
}

// Messages as Graph sends them (Microsoft Graph docs: errors, user-post-users, group-post-members).
export const MSG = {
  invalidValues: 'One or more properties contains invalid values.',
  conflict: (prop: string) => `Another object with the same value for property ${prop} already exists.`,
  notFound: (id: string) => `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  emptyToken: 'Access token is empty.',
  alreadyMember: "One or more added object references already exist for the following modified properties: 'members'.",
  usageLocation: 'License assignment cannot be done for user with invalid usage location.',
  noSeats: (skuId: string) => `Subscription ${skuId} does not have any available licenses.`,
  badSku: (skuId: string) => `License ${skuId} does not correspond to a valid company License.`,
  noSuchLicence: 'User does not have a corresponding license.',
  inheritedLicence: 'User license is inherited from group membership and cannot be removed directly from the user.',
  pageSize: (top: string) => `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
  skip: "'$skip' is not supported by the service.",
  forbidden: 'Insufficient privileges to complete the operation.',
  upnDomain: 'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
  password: 'The specified password does not comply with password complexity requirements. Please provide a different password.',
  throttled: (app: string) => `Too many requests from Identifier:${app} under category:throttle.aad.ags.appId.large. Please try again later.`,
  readOnly: (prop: string) => `Property '${prop}' is read-only and cannot be set.`,
} as const;
