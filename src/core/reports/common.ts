/**
 * Shared shapes of the admin reports (orphans, leavers with enabled accounts, access matrix, licences, who has X,
 * helpdesk actions). Pure: every report is computed from plain inputs the engine loads from the store.
 */
import type { CadreConfig } from '../../config/schema.js';
import { correlationCodec, type CorrelationCodec } from '../correlation.js';
import { secondaryCorrelationValue } from '../desired.js';
import { accountName, exclusionTest, type ExclusionTest } from '../exclusions.js';
import type { AccountState, Person } from '../model.js';
import type { EmploymentHistory } from '../periods.js';

/** A report cell: flat, so every report serialises to CSV as well as JSON. */
export type Cell = string | number | boolean | null;

/** A report: named columns and flat rows (plus report-specific extras in the concrete types). */
export interface Report<R extends Readonly<Record<string, Cell>>> {
  /** Report name (`orphans`, `leavers-enabled`, …). */
  readonly report: string;
  /** Instant the report describes. */
  readonly at: string;
  readonly columns: readonly (keyof R & string)[];
  readonly rows: readonly R[];
}

/** Any report, for serialisers. */
export interface AnyReport {
  readonly report: string;
  readonly at: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

/** What the reports read: the stored snapshot and account state. */
export interface ReportInput {
  readonly at: string;
  readonly config: CadreConfig;
  readonly persons: readonly Person[];
  /** Stored account state of every target. */
  readonly accounts: readonly AccountState[];
  readonly history?: EmploymentHistory;
}

/** How an account belongs to a person. */
export type Ownership =
  | { readonly kind: 'person'; readonly person: Person; readonly via: 'link' | 'correlation' | 'secondary' }
  | { readonly kind: 'excluded'; readonly rule: string }
  | { readonly kind: 'none'; readonly why: string };

/** Resolves accounts to HR persons the way the planner matches them: store link, correlation id, secondary value. */
export interface OwnerIndex {
  ownerOf(account: AccountState): Ownership;
  readonly persons: ReadonlyMap<string, Person>;
}

/** Build an {@link OwnerIndex} over the persons and each target's correlation template and exclusions. */
export function ownerIndex(config: CadreConfig, persons: readonly Person[]): OwnerIndex {
  const byId = new Map(persons.map((p) => [p.id, p]));
  const codecs = new Map<string, CorrelationCodec>();
  const tests = new Map<string, ExclusionTest | undefined>();
  const secondary = new Map<string, Map<string, Person[]>>();
  const codecOf = (t: string): CorrelationCodec => {
    let c = codecs.get(t);
    if (!c) codecs.set(t, (c = correlationCodec(config.targets[t]?.correlation?.value)));
    return c;
  };
  const testOf = (t: string): ExclusionTest | undefined => {
    if (!tests.has(t)) tests.set(t, exclusionTest(t, config.targets[t]?.exclude ?? []));
    return tests.get(t);
  };
  const secondaryOf = (t: string): Map<string, Person[]> => {
    let m = secondary.get(t);
    if (!m) {
      m = new Map();
      const sc = config.targets[t]?.secondaryCorrelation;
      if (sc) {
        for (const p of persons) {
          const v = secondaryCorrelationValue(sc.value, p)?.toLowerCase();
          if (v !== undefined) m.set(v, [...(m.get(v) ?? []), p]);
        }
      }
      secondary.set(t, m);
    }
    return m;
  };
  return {
    persons: byId,
    ownerOf(a) {
      const rule = testOf(a.target)?.(a);
      if (rule !== undefined) return { kind: 'excluded', rule };
      if (a.personId !== undefined) {
        const p = byId.get(a.personId);
        return p ? { kind: 'person', person: p, via: 'link' } : { kind: 'none', why: `linked to person ${a.personId}, who is not in HR` };
      }
      if (a.correlation !== undefined && a.correlation !== '') {
        const id = codecOf(a.target).parse(a.correlation);
        const p = id === undefined ? undefined : byId.get(id);
        if (p) return { kind: 'person', person: p, via: 'correlation' };
        return { kind: 'none', why: id === undefined ? `correlation value "${a.correlation}" is not of the form ${codecOf(a.target).template}` : `correlation id ${id} matches no HR person` };
      }
      const sc = config.targets[a.target]?.secondaryCorrelation;
      const v = sc ? a.attributes[sc.attribute] : undefined;
      if (sc && typeof v === 'string' && v !== '') {
        const claimants = secondaryOf(a.target).get(v.toLowerCase()) ?? [];
        if (claimants.length === 1) return { kind: 'person', person: claimants[0] as Person, via: 'secondary' };
        if (claimants.length > 1) return { kind: 'none', why: `${sc.attribute} matches ${claimants.length} persons (${claimants.map((p) => p.id).join(', ')}): ambiguous` };
      }
      return { kind: 'none', why: 'no correlation id and no HR person matches it' };
    },
  };
}

/** Enabled targets of the config, sorted. */
export function enabledTargets(config: CadreConfig, only?: string): string[] {
  return Object.entries(config.targets).filter(([name, t]) => t.enabled && (only === undefined || name === only)).map(([name]) => name).sort();
}

/** Person display name. */
export const nameOf = (p: Person): string => `${p.preferredName ?? p.firstName} ${p.lastName}`.trim();

/** Byte-order compare for stable sorting. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A short name for an account in a report: its login (AD, Entra, or a SQL target's `username`) or naming attribute. */
export function accountLabel(a: AccountState): string {
  const login = Object.entries(a.attributes).find(([k]) => k.toLowerCase() === 'username')?.[1];
  const ad = a.attributes['sAMAccountName'] ?? a.attributes['userPrincipalName'];
  if (typeof ad !== 'string' && typeof login === 'string' && login !== '') return login;
  return accountName(a) ?? '';
}
