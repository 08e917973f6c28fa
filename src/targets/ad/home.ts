/**
 * Home directories: the `homeDirectory` UNC path from a template, `homeDrive`, and the folder itself.
 *
 * The folder is created under `shareRoot` (a local path or a mounted share on the Cadre host) with mode 0700.
 * When the account name resolves to a local uid (e.g. through winbind / sssd on a Linux file server) the folder is
 * chowned to it; otherwise ownership and ACLs are left to the file server (on Windows shares use inheritable ACLs
 * on the share root). On delete the folder is moved to `archiveRoot/<name>-<timestamp>`, never deleted.
 */
import { execFile } from 'node:child_process';
import { chown, mkdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { AdTargetError } from './errors.js';
import type { AdTargetOptions } from './guard.js';

const run = promisify(execFile);

type HomeOptions = NonNullable<AdTargetOptions['homeDirectory']>;

/** Render the UNC template: `{{ id.username }}`, `{{ username }}` and `{{ sAMAccountName }}` become the account name. */
export function renderHomeDirectory(template: string, username: string): string {
  return template.replace(/\{\{\s*(id\.username|username|sAMAccountName)\s*\}\}/g, () => username);
}

/** The folder name for an account: the sAMAccountName, refused when it could escape the share root. */
function folderName(username: string): string {
  if (username === '' || username === '.' || username === '..' || basename(username) !== username || /[\\/\0]/.test(username)) {
    throw new AdTargetError('AD_HOME_DIRECTORY', `unsafe home folder name "${username}"`);
  }
  return username;
}

async function lookupId(flag: '-u' | '-g', name: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('id', [flag, name], { timeout: 5000 });
    const n = Number(stdout.trim());
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Create the home folder (idempotent). Returns the local path, or undefined when no shareRoot is configured. */
export async function createHomeFolder(home: HomeOptions, username: string): Promise<string | undefined> {
  if (home.shareRoot === undefined) return undefined;
  const path = join(home.shareRoot, folderName(username));
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
    const uid = await lookupId('-u', username);
    if (uid !== undefined) {
      const gid = (await lookupId('-g', username)) ?? -1;
      await chown(path, uid, gid);
    }
  } catch (e) {
    if (e instanceof AdTargetError) throw e;
    throw new AdTargetError('AD_HOME_DIRECTORY', `home folder ${path}: ${(e as Error).message}`);
  }
  return path;
}

/** Move the home folder to the archive (no-op when it does not exist). Returns the archive path. */
export async function archiveHomeFolder(home: HomeOptions, username: string, now = new Date()): Promise<string | undefined> {
  if (home.shareRoot === undefined || home.archiveRoot === undefined) return undefined;
  const from = join(home.shareRoot, folderName(username));
  try {
    await stat(from);
  } catch {
    return undefined;
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const to = join(home.archiveRoot, `${folderName(username)}-${stamp}`);
  try {
    await mkdir(home.archiveRoot, { recursive: true, mode: 0o700 });
    await rename(from, to);
  } catch (e) {
    throw new AdTargetError('AD_HOME_DIRECTORY', `archive home folder ${from} → ${to}: ${(e as Error).message}`);
  }
  return to;
}
