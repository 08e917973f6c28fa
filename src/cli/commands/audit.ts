/** `cadre audit verify|export|report`. */
import { createWriteStream } from 'node:fs';
import { exportAudit } from '../../audit/export.js';
import { loadConfigOrThrow } from '../../config/load.js';
import { openEngine } from '../../engine/engine.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { commonOptions, configPath, parse } from '../args.js';
import type { Io } from '../io.js';
import { buildAuditReport, printAuditReport } from './audit-report.js';

export async function auditCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest, { ...commonOptions, format: { type: 'string' }, out: { type: 'string', short: 'o' }, since: { type: 'string' }, until: { type: 'string' }, person: { type: 'string' }, event: { type: 'string' }, actor: { type: 'string' }, target: { type: 'string' } });
  if (sub !== 'verify' && sub !== 'export' && sub !== 'report') throw new CadreError('USAGE', 'usage: cadre audit verify | cadre audit export --format csv|json|ndjson [--out FILE] [--since ISO] [--until ISO] [--person ID] [--actor A|PREFIX*] [--event NAME] [--target T] | cadre audit report [--since ISO] [--until ISO]', EXIT.usage);
  for (const [name, v] of [['since', values.since], ['until', values.until]] as const) {
    if (v !== undefined && Number.isNaN(Date.parse(v))) throw new CadreError('USAGE', `--${name} must be an ISO date or instant (got "${v}")`, EXIT.usage);
  }
  const config = await loadConfigOrThrow(configPath(values.config));
  const engine = await openEngine(config, { storeOnly: true });
  try {
    if (sub === 'verify') {
      const r = await engine.audit.verify();
      if (values.json) io.out(JSON.stringify(r, null, 2));
      else if (r.ok) io.out(io.c.green(`audit log intact: ${r.count} entries, hash chain verified`));
      else {
        io.out(io.c.red(`audit log TAMPERED: ${r.problems.length} problem(s) in ${r.count} entries`));
        for (const p of r.problems) io.out(`  #${p.seq} ${p.kind}: ${p.message}`);
      }
      return r.ok ? EXIT.ok : EXIT.failures;
    }
    if (sub === 'report') {
      const iso = (v: string | undefined) => (v === undefined ? undefined : new Date(Date.parse(v)).toISOString());
      const report = await buildAuditReport(engine, iso(values.since), iso(values.until));
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else printAuditReport(report, io);
      return report.chain.ok ? EXIT.ok : EXIT.failures;
    }
    const format = values.format ?? 'json';
    if (format !== 'csv' && format !== 'json' && format !== 'ndjson') throw new CadreError('USAGE', `--format must be csv, json or ndjson (got "${format}")`, EXIT.usage);
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    try {
      await exportAudit(engine.store, format, out, {
        ...(values.since ? { since: values.since } : {}), ...(values.until ? { until: values.until } : {}),
        ...(values.person ? { personId: values.person } : {}), ...(values.event ? { event: values.event } : {}),
        ...(values.actor ? { actor: values.actor } : {}), ...(values.target ? { target: values.target } : {}),
      });
    } catch (err) {
      // `cadre audit export | head`: the reader has what it wanted.
      if (!values.out && (err as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.ok;
      throw err;
    }
    if (values.out) await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
    return EXIT.ok;
  } finally {
    await engine.close();
  }
}
