/**
 * Licence usage: per licence entitlement, the seats Cadre's stored accounts hold (and how many of those sit on
 * disabled accounts or leavers), against what the target says was bought and is consumed, where it can tell.
 */
import { lifecycleAt } from '../lifecycle.js';
import { cmp, ownerIndex, type Report, type ReportInput } from './common.js';

/** Seats of one licence as the target reports them (Entra `subscribedSkus`). */
export interface LicenceSeats {
  readonly name?: string;
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly purchased: number;
  readonly consumed: number;
}

/** Licences of one target: the entitlement names that are licences, and the seat counts when the target has them. */
export interface TargetLicences {
  /** Entitlement names that are licences (Entra `options.licences` keys). */
  readonly names: readonly string[];
  /** From the connector (`licenceCounts()`); absent: the target cannot tell. */
  readonly seats?: readonly LicenceSeats[];
  /** Why the seats are missing (the connector failed or has no such method). */
  readonly seatsError?: string;
}

/** One licence. `null`: the target cannot tell. */
export type LicenceRow = {
  readonly target: string;
  readonly licence: string;
  readonly sku: string;
  readonly purchased: number | null;
  readonly consumed: number | null;
  /** Stored accounts holding it. */
  readonly assigned: number;
  /** Of those: disabled accounts (a seat that does nothing). */
  readonly assignedDisabled: number;
  /** Of those: accounts of persons who have left (terminated or gone). */
  readonly assignedLeavers: number;
  /** Purchased but not consumed. */
  readonly unused: number | null;
  /** Consumed beyond what Cadre's accounts hold (assigned outside Cadre). */
  readonly outsideCadre: number | null;
};

/** The report, with the reason seats are missing per target. */
export interface LicenceReport extends Report<LicenceRow> {
  readonly seatsErrors: Readonly<Record<string, string>>;
}

/**
 * One row per licence entitlement of each target, plus subscribed SKUs no entitlement maps (seats only). Leavers are
 * judged by the lifecycle state at `at`.
 */
export function licenceReport(input: ReportInput, licences: Readonly<Record<string, TargetLicences>>): LicenceReport {
  const owners = ownerIndex(input.config, input.persons);
  const rows: LicenceRow[] = [];
  const seatsErrors: Record<string, string> = {};
  const leaver = new Map<string, boolean>();
  const isLeaver = (personId: string): boolean => {
    let v = leaver.get(personId);
    if (v === undefined) {
      const p = owners.persons.get(personId);
      const s = p ? lifecycleAt(p, input.at, input.config.lifecycle, input.history?.[p.id]).state : undefined;
      leaver.set(personId, (v = s === 'terminated' || s === 'gone'));
    }
    return v;
  };
  for (const target of Object.keys(licences).sort(cmp)) {
    const t = licences[target] as TargetLicences;
    if (t.seatsError !== undefined) seatsErrors[target] = t.seatsError;
    const accounts = input.accounts.filter((a) => a.target === target);
    const seatsOf = (name: string): LicenceSeats | undefined => t.seats?.find((s) => s.name?.toLowerCase() === name.toLowerCase());
    for (const name of [...t.names].sort(cmp)) {
      const key = name.toLowerCase();
      const holders = accounts.filter((a) => [...a.entitlements, ...(a.unmanaged ?? [])].some((e) => e.toLowerCase() === key));
      const seats = seatsOf(name);
      const assigned = holders.length;
      const owner = (a: (typeof holders)[number]) => owners.ownerOf(a);
      rows.push({
        target, licence: name, sku: seats?.skuPartNumber ?? '',
        purchased: seats?.purchased ?? null,
        consumed: seats?.consumed ?? null,
        assigned,
        assignedDisabled: holders.filter((a) => !a.enabled).length,
        assignedLeavers: holders.filter((a) => { const o = owner(a); return o.kind === 'person' && isLeaver(o.person.id); }).length,
        unused: seats ? Math.max(0, seats.purchased - seats.consumed) : null,
        outsideCadre: seats ? Math.max(0, seats.consumed - assigned) : null,
      });
    }
    for (const s of t.seats ?? []) {
      if (s.name !== undefined && t.names.some((n) => n.toLowerCase() === s.name?.toLowerCase())) continue;
      rows.push({
        target, licence: '', sku: s.skuPartNumber, purchased: s.purchased, consumed: s.consumed,
        assigned: 0, assignedDisabled: 0, assignedLeavers: 0, unused: Math.max(0, s.purchased - s.consumed), outsideCadre: s.consumed,
      });
    }
  }
  return {
    report: 'licences', at: input.at,
    columns: ['target', 'licence', 'sku', 'purchased', 'consumed', 'assigned', 'assignedDisabled', 'assignedLeavers', 'unused', 'outsideCadre'],
    rows, seatsErrors,
  };
}
