/**
 * `--approve [TARGET:ACTION[,…]]`: bare it approves every threshold breach, with scopes only the breaches they name.
 * node:util parseArgs has no optional option values, so the flag is taken out of argv first. A following word counts
 * as its value only when it looks like a scope (`ad:disable`), so `apply --approve plan.json` still reads the file.
 */
import type { CadreConfig } from '../config/schema.js';
import { parseApprovals, type Approvals } from '../engine/threshold-gate.js';

/** What the command line asked for. */
export interface ApproveFlags {
  readonly all: boolean;
  readonly scopes: readonly string[];
}

const SCOPES = /^[^\s:,-][^\s:,]*:[^\s:,]+(,[^\s:,]+:[^\s:,]+)*,?$/;

/** Remove every `--approve` from `args`. */
export function takeApprove(args: readonly string[]): { rest: string[]; approve?: ApproveFlags } {
  const rest: string[] = [];
  const scopes: string[] = [];
  let all = false;
  let seen = false;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a.startsWith('--approve=')) {
      seen = true;
      scopes.push(a.slice('--approve='.length));
    } else if (a === '--approve') {
      seen = true;
      const next = args[i + 1];
      if (next !== undefined && SCOPES.test(next)) {
        scopes.push(next);
        i += 1;
      } else all = true;
    } else rest.push(a);
  }
  return seen ? { rest, approve: { all, scopes } } : { rest };
}

/** Resolve the flags against the config (unknown targets or actions are usage errors). */
export function approvalsOf(flags: ApproveFlags | undefined, config: CadreConfig): Approvals | undefined {
  if (!flags) return undefined;
  const list = parseApprovals(flags.scopes, config);
  return flags.all ? true : list;
}
