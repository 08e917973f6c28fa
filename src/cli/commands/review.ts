/**
 * `cadre review start|list|report|close|exceptions|lift`: access review campaigns for admins (reviewers decide in the
 * console), and the exceptions closed campaigns left (kept removed although a rule grants them) with their lifting.
 */
import { reviewCsv, reviewJson, reviewRows } from '../../core/reviews/report.js';
import { ruleOwnerLabels } from '../../config/schema-reviews.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { exceptionsFor, liftException } from '../../engine/access-exceptions.js';
import { campaignReport, closeCampaign, listCampaigns, startCampaign } from '../../engine/reviews/index.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';

const USAGE = 'usage: cadre review start TEMPLATE | cadre review list [--json] | cadre review report CAMPAIGN [--format table|csv|json] | cadre review close CAMPAIGN | cadre review exceptions [--json] | cadre review lift CAMPAIGN ITEM --reason TEXT';

const actor = (): string => (process.env.USER ? `cli:${process.env.USER}` : 'cli');

export async function reviewCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, { ...commonOptions, format: { type: 'string', short: 'f' }, reason: { type: 'string' } }, true);
  const one = (): string => {
    const id = positionals[0];
    if (id === undefined || positionals.length > 1) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return id;
  };
  const path = configPath(values.config);
  if (sub === 'start') {
    const template = one();
    // Items come from the live listing of each target (memberships Cadre does not manage are reviewed too).
    return withEngine(path, async (engine) => {
      const { campaign, items } = await startCampaign(engine, { template, actor: actor() });
      if (values.json) io.out(JSON.stringify({ campaign, items: items.length }, null, 2));
      else io.out(`review ${campaign.id} started: ${items.length} item(s), deadline ${campaign.deadline}`);
      return EXIT.ok;
    });
  }
  if (sub === 'list') {
    if (positionals.length > 0) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(path, async (engine) => {
      const list = await listCampaigns(engine);
      if (values.json) { io.out(JSON.stringify(list, null, 2)); return EXIT.ok; }
      if (list.length === 0) { io.out('No review campaigns.'); return EXIT.ok; }
      for (const c of list) io.out(`${c.id}  ${c.status}  "${c.name}"  started ${c.startedAt} by ${c.startedBy}, deadline ${c.deadline}${c.closedAt ? `, closed ${c.closedAt} by ${c.closedBy ?? '?'}` : ''}`);
      return EXIT.ok;
    }, { storeOnly: true });
  }
  if (sub === 'report') {
    const id = one();
    const format = values.format ?? (values.json ? 'json' : 'table');
    if (!['table', 'csv', 'json'].includes(format)) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(path, async (engine) => {
      const { campaign, items } = await campaignReport(engine, id);
      const owners = ruleOwnerLabels(engine.config.reviews);
      await engine.audit.record({ actor: actor(), event: 'review.exported', payload: { campaign: id, format, items: items.length } });
      if (format === 'csv') { io.out(reviewCsv(items, owners).trimEnd()); return EXIT.ok; }
      if (format === 'json') { io.out(reviewJson(campaign, items, owners)); return EXIT.ok; }
      io.out(`review ${campaign.id} "${campaign.name}" (${campaign.status}), deadline ${campaign.deadline}`);
      for (const r of reviewRows(items, owners)) {
        io.out(`#${r.item} ${r.person} (${r.personId})  ${r.target} ${r.entitlement}  [${r.reason}${r.source ? ` ${r.source}` : ''}]  ${r.decision || 'undecided'}${r.decidedBy ? ` by ${r.decidedBy} ${r.decidedAt}` : ''}${r.comment ? `: ${r.comment}` : ''}${r.flag ? `  — ${r.flag}` : ''}`);
      }
      return EXIT.ok;
    }, { storeOnly: true });
  }
  if (sub === 'close') {
    const id = one();
    return withEngine(path, async (engine) => {
      const r = await closeCampaign(engine, { campaignId: id, actor: actor() });
      if (values.json) io.out(JSON.stringify({ campaign: r.campaign, removed: r.removed.length, defaulted: r.defaulted, flagged: r.flagged.length }, null, 2));
      else io.out(`review ${id} closed: ${r.removed.length} removal(s) go into the next plan (\`cadre plan\` shows them), ${r.defaulted} item(s) took the default, ${r.flagged.length} rule grant(s) flagged to the rule owner.`);
      return EXIT.ok;
    }, { storeOnly: true });
  }
  if (sub === 'exceptions') {
    if (positionals.length > 0) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(path, async (engine) => {
      const list = await exceptionsFor(engine, { id: actor(), role: 'admin' });
      if (values.json) { io.out(JSON.stringify(list.map((x) => ({ campaign: x.campaign.id, item: x.item.seq, personId: x.item.personId, person: x.item.personName, target: x.item.target, entitlement: x.item.entitlement, rule: x.rule ?? null, owner: x.owner, detail: x.detail })), null, 2)); return EXIT.ok; }
      if (list.length === 0) { io.out('No review exceptions in force.'); return EXIT.ok; }
      for (const x of list) io.out(`${x.campaign.id} #${x.item.seq}  ${x.item.personName} (${x.item.personId})  ${x.item.target} ${x.item.entitlement}  [${x.rule !== undefined ? `rule ${x.rule}, owner ${x.owner}` : 'unmanaged'}]  ${x.detail}`);
      return EXIT.ok;
    }, { storeOnly: true });
  }
  if (sub === 'lift') {
    const [campaignId, seqText] = positionals;
    const seq = Number(seqText);
    if (campaignId === undefined || positionals.length !== 2 || !Number.isInteger(seq) || seq < 1) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(path, async (engine) => {
      const it = await liftException(engine, { campaignId, seq, reason: values.reason ?? '', actor: actor() });
      io.out(`exception ${campaignId} #${seq} lifted: ${it.entitlement} in ${it.target} for ${it.personName} (${it.personId}) is no longer kept removed; the next plan follows the rules again.`);
      return EXIT.ok;
    }, { storeOnly: true });
  }
  throw new CadreError('USAGE', USAGE, EXIT.usage);
}
