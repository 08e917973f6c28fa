/** The dashboard: blocked plan with decisions, last runs and failures, upcoming lifecycle events, changes per day. */
import type { ThresholdBreach } from '../../core/model.js';
import type { BlockedPlan } from '../../engine/approvals.js';
import type { DayChanges, LastRuns, TargetOperations, UpcomingEvent } from '../../engine/dashboard.js';
import type { RunRecord } from '../../store/types.js';
import type { Translate } from '../i18n/index.js';
import { changesPerDayChart, operationsByTargetChart } from './charts.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/** What the dashboard shows. */
export interface DashboardData {
  readonly runs: LastRuns;
  readonly blocked?: BlockedPlan;
  readonly upcoming: readonly UpcomingEvent[];
  readonly changes: readonly DayChanges[];
  readonly byTarget: readonly TargetOperations[];
  /** Admins decide on blocked plans; auditors only see them. */
  readonly canDecide: boolean;
  readonly csrf: string;
  readonly notice?: 'approved' | 'rejected';
  readonly error?: string;
}

const when = (iso: string | undefined): string => (iso === undefined ? '' : iso.slice(0, 16).replace('T', ' '));

function statusBadge(status: RunRecord['status']): Html {
  const cls = status === 'ok' ? 'ok' : status === 'running' ? 'warn' : 'bad';
  return html`<span class="badge ${cls}">${status}</span>`;
}

function summary(s: RunRecord['summary']): string {
  if (!s) return '';
  return Object.entries(s).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
}

function runsTable(runs: readonly RunRecord[], caption: string, t: Translate): Html {
  return html`<div class="table-wrap"><table><caption class="visually-hidden">${caption}</caption>
<thead><tr><th scope="col">${t('dash.run.kind')}</th><th scope="col">${t('common.status')}</th><th scope="col">${t('dash.run.started')}</th><th scope="col">${t('dash.run.finished')}</th><th scope="col">${t('dash.run.summary')}</th></tr></thead>
<tbody>${runs.map((r) => html`<tr><td>${r.kind}</td><td>${statusBadge(r.status)}</td><td>${when(r.startedAt)}</td><td>${when(r.finishedAt)}</td><td>${summary(r.summary)}</td></tr>`)}</tbody></table></div>`;
}

function decision(b: ThresholdBreach, i: number, d: DashboardData, t: Translate): Html {
  const approved = d.blocked?.approvals.find((a) => a.target === b.target && a.action === b.action);
  const state = approved ? html`<p class="notice ok">${t('dash.breach.approved', { actor: approved.actor, until: when(approved.until), comment: approved.comment })}</p>` : html``;
  if (!d.canDecide) return state;
  return html`${state}<form method="post" action="/approvals" class="stack">
  ${csrfField(d.csrf)}<input type="hidden" name="target" value="${b.target}"><input type="hidden" name="action" value="${b.action}">
  <label for="comment-${i}">${t('common.comment')}<textarea id="comment-${i}" name="comment" rows="2" required maxlength="2000"></textarea></label>
  <div class="row"><button type="submit" name="decision" value="approve">${t('dash.approve')}</button>
  <button type="submit" name="decision" value="reject" class="secondary">${t('dash.reject')}</button></div>
</form>`;
}

function blockedPanel(d: DashboardData, t: Translate): Html {
  const b = d.blocked;
  if (!b) return html`<p>${t('dash.notBlocked')}</p>`;
  return html`<p class="notice error">${t('dash.blockedSince', { since: when(b.since) })}</p>
<div class="table-wrap"><table><caption class="visually-hidden">${t('dash.blocked')}</caption>
<thead><tr><th scope="col">${t('common.target')}</th><th scope="col">${t('common.action')}</th><th scope="col">${t('dash.breach.count')}</th><th scope="col">${t('dash.breach.limit')}</th><th scope="col">${t('dash.breach.decision')}</th></tr></thead>
<tbody>${b.breaches.map((x, i) => html`<tr><td>${x.target}</td><td>${x.action}</td><td>${x.count} / ${x.population}</td><td>${x.limit}${x.privileged ? html`<br><span class="muted">${x.privileged.join(', ')}</span>` : ''}</td><td>${decision(x, i, d, t)}</td></tr>`)}</tbody></table></div>`;
}

function upcomingTable(events: readonly UpcomingEvent[], t: Translate): Html {
  if (events.length === 0) return html`<p>${t('dash.noUpcoming')}</p>`;
  return html`<div class="table-wrap"><table><caption class="visually-hidden">${t('dash.upcoming')}</caption>
<thead><tr><th scope="col">${t('dash.date')}</th><th scope="col">${t('common.what')}</th><th scope="col">${t('common.person')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('common.details')}</th></tr></thead>
<tbody>${events.map((e) => html`<tr><td>${e.date}</td><td>${t(`dash.kind.${e.kind}`)}</td><td><a href="/persons/${encodeURIComponent(e.personId)}">${e.name}</a> <span class="muted">(${e.personId})</span></td><td>${e.targets.join(', ')}</td><td>${e.detail}</td></tr>`)}</tbody></table></div>`;
}

/** The admin/auditor dashboard. */
export function dashboardView(d: DashboardData, t: Translate): Html {
  return html`
${d.notice === 'approved' ? html`<p class="notice ok" role="status">${t('dash.approvedNotice')}</p>` : d.notice === 'rejected' ? html`<p class="notice" role="status">${t('dash.rejectedNotice')}</p>` : ''}
${d.error !== undefined ? html`<p class="notice error" role="alert">${d.error}</p>` : ''}
<section aria-labelledby="h-blocked"><h2 id="h-blocked">${t('dash.blocked')}</h2>${blockedPanel(d, t)}</section>
<div class="grid">
<section aria-labelledby="h-runs"><h2 id="h-runs">${t('dash.runs')}</h2>
${d.runs.lastOk ? html`<p>${t('dash.lastOk', { at: when(d.runs.lastOk.finishedAt ?? d.runs.lastOk.startedAt) })}</p>` : ''}
${d.runs.runs.length === 0 ? html`<p>${t('dash.noRuns')}</p>` : runsTable(d.runs.runs.slice(0, 10), t('dash.runs'), t)}</section>
<section aria-labelledby="h-failures"><h2 id="h-failures">${t('dash.failures')}</h2>
${d.runs.failures.length === 0 ? html`<p>${t('dash.noFailures')}</p>` : runsTable(d.runs.failures, t('dash.failures'), t)}</section>
</div>
<section aria-labelledby="h-upcoming"><h2 id="h-upcoming">${t('dash.upcoming')}</h2>${upcomingTable(d.upcoming, t)}</section>
<section aria-labelledby="h-changes"><h2 id="h-changes">${t('dash.changes')}</h2>
${changesPerDayChart(d.changes, t, { id: 'changes' })}</section>
<section aria-labelledby="h-bytarget"><h2 id="h-bytarget">${t('dash.byTarget')}</h2>
${operationsByTargetChart(d.byTarget, t, { id: 'bytarget' })}</section>`;
}
