/** Orphaned accounts: in a target, but matching no HR person (excluded accounts are not orphans: they are declared). */
import { accountLabel, cmp, enabledTargets, ownerIndex, type Report, type ReportInput } from './common.js';

/** One orphaned account. */
export type OrphanRow = {
  readonly target: string;
  readonly anchor: string;
  readonly name: string;
  readonly dn: string;
  readonly enabled: boolean;
  readonly correlation: string;
  /** Why it matches nobody. */
  readonly why: string;
};

/** Every stored account of the enabled targets (or `target`) that no HR person owns, by target and name. */
export function orphanReport(input: ReportInput, opts: { target?: string } = {}): Report<OrphanRow> {
  const owners = ownerIndex(input.config, input.persons);
  const targets = new Set(enabledTargets(input.config, opts.target));
  const rows: OrphanRow[] = [];
  for (const a of input.accounts) {
    if (!targets.has(a.target)) continue;
    const o = owners.ownerOf(a);
    if (o.kind !== 'none') continue;
    rows.push({ target: a.target, anchor: a.anchor, name: accountLabel(a), dn: a.dn ?? '', enabled: a.enabled, correlation: a.correlation ?? '', why: o.why });
  }
  rows.sort((x, y) => cmp(x.target, y.target) || cmp(x.name.toLowerCase(), y.name.toLowerCase()) || cmp(x.anchor, y.anchor));
  return { report: 'orphans', at: input.at, columns: ['target', 'anchor', 'name', 'dn', 'enabled', 'correlation', 'why'], rows };
}
