/** `cadre report <name>`: the admin reports (accounts listed live from the targets, or `--stored`), as a table, CSV or JSON. */
import { CadreError, EXIT } from '../../engine/errors.js';
import { isReportName, REPORT_NAMES, reportCsv, reportJson, reportText, runReport, type ReportName } from '../../engine/reports/index.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';

const USAGE = `usage: cadre report <${REPORT_NAMES.join('|')}> [ENTITLEMENT for who-has] [--target T] [--since ISO] [--until ISO] [--format table|csv|json] [--stored]`;

/** Reads only the audit log: no target is opened. */
const AUDIT_ONLY: ReadonlySet<ReportName> = new Set(['helpdesk']);

function instant(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new CadreError('USAGE', `--${name} must be an ISO date or instant (got "${v}")`, EXIT.usage);
  return new Date(ms).toISOString();
}

export async function reportCommand(args: string[], io: Io): Promise<number> {
  const [name, ...rest] = args;
  if (!isReportName(name)) throw new CadreError('USAGE', name === undefined ? USAGE : `unknown report "${name}"\n${USAGE}`, EXIT.usage);
  const { values, positionals } = parse(rest, {
    ...commonOptions, target: { type: 'string', short: 't' }, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, stored: { type: 'boolean' },
  }, true);
  const entitlement = positionals[0];
  if (name === 'who-has' ? entitlement === undefined || positionals.length > 1 : positionals.length > 0) throw new CadreError('USAGE', USAGE, EXIT.usage);
  const format = values.format ?? (values.json ? 'json' : 'table');
  if (format !== 'table' && format !== 'csv' && format !== 'json') throw new CadreError('USAGE', `--format must be table, csv or json (got "${format}")`, EXIT.usage);
  const since = instant('since', values.since);
  const until = instant('until', values.until);
  if (values.stored === true && name === 'helpdesk') throw new CadreError('USAGE', '--stored does not apply to the helpdesk report (it reads the audit log)', EXIT.usage);
  if ((since !== undefined || until !== undefined) && name !== 'helpdesk') throw new CadreError('USAGE', '--since and --until apply to the helpdesk report only', EXIT.usage);

  return withEngine(configPath(values.config), async (engine) => {
    const target = values.target;
    if (target !== undefined && engine.config.targets[target]?.enabled !== true) {
      throw new CadreError('USAGE', `--target ${target} is not an enabled target (known: ${Object.keys(engine.config.targets).join(', ') || 'none'})`, EXIT.usage);
    }
    const report = await runReport(engine, name, {
      ...(target !== undefined ? { target } : {}), ...(values.stored === true ? { stored: true } : {}),
      ...(entitlement !== undefined ? { entitlement } : {}), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}),
    });
    if (format === 'json') io.out(reportJson(report).trimEnd());
    else if (format === 'csv') process.stdout.write(reportCsv(report));
    else {
      io.out(report.rows.length === 0 ? `${title(name, entitlement)}: nothing to report.` : `${title(name, entitlement)} (${report.rows.length} row(s), as of ${report.at})\n`);
      if (report.rows.length > 0) io.out(reportText(report));
    }
    return EXIT.ok;
  // --stored: no target is contacted, except for the licence seats, which only the target knows.
  }, AUDIT_ONLY.has(name) || (values.stored === true && name !== 'licences') ? { storeOnly: true } : {});
}

function title(name: ReportName, entitlement: string | undefined): string {
  switch (name) {
    case 'orphans': return 'Orphaned accounts (no HR person)';
    case 'leavers-enabled': return 'Leavers with enabled accounts';
    case 'access-matrix': return 'Access by department (enabled accounts)';
    case 'licences': return 'Licence usage';
    case 'who-has': return `Who has ${entitlement ?? ''}`;
    case 'helpdesk': return 'Helpdesk actions';
  }
}
