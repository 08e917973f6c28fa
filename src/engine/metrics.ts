/**
 * Prometheus metrics for the daemon (prom-client): runs, operations, last sync time and duration.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SyncResult } from './sync.js';

/** The daemon's metrics and how a tick updates them. */
export interface CadreMetrics {
  readonly registry: Registry;
  /** Record one tick's outcome. */
  observe(kind: 'full' | 'incremental', seconds: number, result: SyncResult | undefined, error?: unknown): void;
}

/** A fresh registry with Cadre's metrics (and Node's default process metrics). */
export function createMetrics(): CadreMetrics {
  const registry = new Registry();
  const runs = new Counter({ name: 'cadre_runs_total', help: 'Sync runs by kind and outcome', labelNames: ['kind', 'status'], registers: [registry] });
  const ops = new Counter({ name: 'cadre_operations_total', help: 'Applied operations by target, action and status', labelNames: ['target', 'action', 'status'], registers: [registry] });
  const last = new Gauge({ name: 'cadre_last_sync_timestamp_seconds', help: 'End of the last successful sync by kind (Unix time)', labelNames: ['kind'], registers: [registry] });
  const blocked = new Gauge({ name: 'cadre_blocked', help: '1 while the last run was blocked by a safety threshold', registers: [registry] });
  const duration = new Histogram({ name: 'cadre_sync_duration_seconds', help: 'Duration of sync ticks', labelNames: ['kind'], buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900], registers: [registry] });
  registry.setDefaultLabels({ app: 'cadre' });
  return {
    registry,
    observe(kind, seconds, result, error) {
      duration.observe({ kind }, seconds);
      const code = (error as { code?: unknown } | undefined)?.code;
      const status = error ? (code === 'THRESHOLD_BLOCKED' ? 'blocked' : 'error') : (result?.report?.counts.failed ?? 0) > 0 ? 'failures' : 'ok';
      runs.inc({ kind, status });
      blocked.set(status === 'blocked' ? 1 : 0);
      if (!error) last.set({ kind }, Date.now() / 1000);
      for (const o of result?.report?.outcomes ?? []) ops.inc({ target: o.op.target, action: o.op.action, status: o.status });
    },
  };
}
