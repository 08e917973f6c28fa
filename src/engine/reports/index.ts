/**
 * The admin reports (console and `cadre report`): each reads the store, computes in src/core/reports and returns
 * plain data with flat rows; {@link reportCsv} and {@link reportJson} serialise any of them.
 */
import { iterateAudit } from '../../audit/query.js';
import { accessMatrixReport, type AccessReport } from '../../core/reports/access-matrix.js';
import type { AnyReport, Report } from '../../core/reports/common.js';
import { helpdeskReport, type HelpdeskAuditRow, type HelpdeskReport } from '../../core/reports/helpdesk.js';
import { leaversEnabledReport, leaverAccounts, type FailedOperation, type LeaverRow } from '../../core/reports/leavers.js';
import { licenceReport, type LicenceReport, type TargetLicences } from '../../core/reports/licences.js';
import { orphanReport, type OrphanRow } from '../../core/reports/orphans.js';
import { whoHasReport, type WhoHasRow } from '../../core/reports/who-has.js';
import type { Store } from '../../store/types.js';
import type { Engine } from '../engine.js';
import { loadReportInput, reportTargets } from './input.js';

export type { AccessMatrix, AccessReport, AccessRow } from '../../core/reports/access-matrix.js';
export type { AnyReport, Cell, Report } from '../../core/reports/common.js';
export type { HelpdeskEntry, HelpdeskReport, HelpdeskRow } from '../../core/reports/helpdesk.js';
export type { LeaverRow } from '../../core/reports/leavers.js';
export type { LicenceReport, LicenceRow } from '../../core/reports/licences.js';
export type { OrphanRow } from '../../core/reports/orphans.js';
export type { WhoHasRow } from '../../core/reports/who-has.js';
export { reportCsv, reportJson, reportText } from './format.js';

/** Common report options. */
export interface ReportOptions {
  /** Only this target. */
  readonly target?: string;
  /**
   * Read the stored account state only. By default every target the engine opened is listed live: the store keeps
   * only accounts linked to a person, so accounts nobody owns (orphans, hand-made accounts holding a group) are only
   * visible in the target itself.
   */
  readonly stored?: boolean;
}

const only = (opts: ReportOptions): { target?: string } => (opts.target !== undefined ? { target: opts.target } : {});

/**
 * Accounts in a target that match no HR person (excluded accounts are not listed). From the stored state (`stored`)
 * only the accounts linked to persons no longer in HR can show up.
 */
export async function orphanedAccounts(engine: Engine, opts: ReportOptions = {}): Promise<Report<OrphanRow>> {
  return orphanReport(await loadReportInput(engine, opts), only(opts));
}

/** Latest failed operation per (target, person) for the given persons, from the audit (indexed by person). */
async function failuresOf(store: Store, personIds: readonly string[]): Promise<Map<string, FailedOperation>> {
  const out = new Map<string, FailedOperation>();
  for (const personId of personIds) {
    for (const row of await store.audit.query({ personId, event: 'op.failed' }, { limit: 20 })) {
      const key = `${row.target ?? ''}\u0000${personId}`;
      if (out.has(key)) continue;
      let action = '?';
      let error = '';
      try {
        const p = JSON.parse(row.payload) as { action?: unknown; error?: { code?: unknown; message?: unknown } };
        action = typeof p.action === 'string' ? p.action : '?';
        error = [p.error?.code, p.error?.message].filter((x) => typeof x === 'string').join(': ');
      } catch {
        // a corrupt payload still names the failure
      }
      out.set(key, { at: row.at, action, error });
    }
  }
  return out;
}

/** Persons who have left (terminated or gone now) and still hold an enabled account, with when and why. */
export async function leaversWithEnabledAccounts(engine: Engine, opts: ReportOptions = {}): Promise<Report<LeaverRow>> {
  const input = await loadReportInput(engine, opts);
  const ids = [...new Set(leaverAccounts(input, only(opts)).map((l) => l.person.id))];
  const [reservations, holds, disabled, failures] = await Promise.all([
    engine.store.reservations.all(), engine.store.holds.all(), engine.store.accounts.disabled(), failuresOf(engine.store, ids),
  ]);
  return leaversEnabledReport({ ...input, targets: reportTargets(engine), reservations, holds, disabled, failures }, only(opts));
}

/** Department × entitlement per target, counting enabled accounts. */
export async function accessByDepartment(engine: Engine, opts: ReportOptions = {}): Promise<AccessReport> {
  return accessMatrixReport(await loadReportInput(engine, opts), only(opts));
}

/**
 * Licence usage per target with licences (Entra: `options.licences`): seats held by stored accounts (on disabled
 * accounts, on leavers), and purchased / consumed / unused where the connector can tell (`licenceCounts`).
 */
export async function licenceUsage(engine: Engine, opts: ReportOptions = {}): Promise<LicenceReport> {
  const input = await loadReportInput(engine, opts);
  const licences: Record<string, TargetLicences> = {};
  for (const [name, t] of Object.entries(engine.config.targets)) {
    if (!t.enabled || (opts.target !== undefined && name !== opts.target)) continue;
    const mapped = (t.options as { licences?: unknown }).licences;
    const names = mapped !== null && typeof mapped === 'object' ? Object.keys(mapped) : [];
    const connector = engine.targets.get(name);
    if (names.length === 0 && !connector?.licenceCounts) continue;
    if (!connector?.licenceCounts) {
      licences[name] = { names, seatsError: connector ? 'the target does not report licence seats' : 'the target was not opened' };
      continue;
    }
    try {
      licences[name] = { names, seats: await connector.licenceCounts() };
    } catch (err) {
      licences[name] = { names, seatsError: `${String((err as { code?: unknown }).code ?? 'ERROR')}: ${(err as Error).message}` };
    }
  }
  return licenceReport(input, licences);
}

/** Every account holding `entitlement`, with the rule that grants it to its owner, or why none does. */
export async function whoHas(engine: Engine, entitlement: string, opts: ReportOptions = {}): Promise<Report<WhoHasRow>> {
  const input = await loadReportInput(engine, opts);
  const reservations = await engine.store.reservations.all();
  return whoHasReport({ ...input, targets: reportTargets(engine), reservations }, entitlement, only(opts));
}

/** Helpdesk actions (`helpdesk.*` audit entries) in `[since, until)`, by actor and type; `target` narrows. */
export async function helpdeskActions(store: Store, opts: { since?: string; until?: string; target?: string; now?: Date } = {}): Promise<HelpdeskReport> {
  const rows: HelpdeskAuditRow[] = [];
  const filter = {
    event: 'helpdesk',
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    ...(opts.until !== undefined ? { until: opts.until } : {}),
    ...(opts.target !== undefined ? { target: opts.target } : {}),
  };
  for await (const page of iterateAudit(store, filter)) rows.push(...page);
  return helpdeskReport(rows, (opts.now ?? new Date()).toISOString(), opts);
}

/** The reports by name, as `cadre report` and the console's report pages name them. */
export const REPORT_NAMES = ['orphans', 'leavers-enabled', 'access-matrix', 'licences', 'who-has', 'helpdesk'] as const;
/** One of {@link REPORT_NAMES}. */
export type ReportName = (typeof REPORT_NAMES)[number];

/** True for a known report name (input from a URL or the command line). */
export function isReportName(s: string | undefined): s is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(s ?? '');
}

/** Parameters of {@link runReport}: `entitlement` for who-has; `since`/`until` (ISO) for helpdesk (default: 30 days). */
export interface ReportParams extends ReportOptions {
  readonly entitlement?: string;
  readonly since?: string;
  readonly until?: string;
}

/** Thrown for a report that lacks a parameter it needs. */
export class ReportParamError extends Error {
  readonly code = 'REPORT_PARAM';
}

/** Run a report by name (the console's report pages and `cadre report` dispatch through here). */
export async function runReport(engine: Engine, name: ReportName, p: ReportParams = {}): Promise<AnyReport> {
  const opts: ReportOptions = { ...(p.target !== undefined ? { target: p.target } : {}), ...(p.stored === true ? { stored: true } : {}) };
  switch (name) {
    case 'orphans': return orphanedAccounts(engine, opts);
    case 'leavers-enabled': return leaversWithEnabledAccounts(engine, opts);
    case 'access-matrix': return accessByDepartment(engine, opts);
    case 'licences': return licenceUsage(engine, opts);
    case 'who-has': {
      if (p.entitlement === undefined || p.entitlement.trim() === '') throw new ReportParamError('the who-has report needs an entitlement');
      return whoHas(engine, p.entitlement.trim(), opts);
    }
    case 'helpdesk': {
      const since = p.since ?? new Date(engine.now().getTime() - 30 * 86_400_000).toISOString();
      return helpdeskActions(engine.store, { since, ...(p.until !== undefined ? { until: p.until } : {}), ...(p.target !== undefined ? { target: p.target } : {}), now: engine.now() });
    }
  }
}
