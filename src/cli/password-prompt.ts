/**
 * Reading a password for `cadre users`: from a terminal prompt without echo, or the first line of stdin
 * (`--password-stdin`, for scripts). Never from the command line, where `ps` and shell history would show it.
 */
import { CadreError, EXIT } from '../engine/errors.js';

/** The first line of stdin (trailing CR/LF removed). */
export async function readPasswordStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (line === '') throw new CadreError('USAGE', '--password-stdin: stdin is empty', EXIT.usage);
  return line;
}

/**
 * Prompt on the terminal with echo off, once per label. Raw mode is switched on before the first prompt shows and
 * kept until the last answer, so nothing typed early (or pasted) is ever echoed. Needs a TTY; otherwise tells the
 * caller to use --password-stdin.
 */
export async function promptPasswords(labels: readonly string[]): Promise<string[]> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new CadreError('USAGE', 'no terminal to prompt for the password on: pipe it in with --password-stdin', EXIT.usage);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const answers: string[] = [];
      let value = '';
      process.stderr.write(labels[0] ?? '');
      const onData = (data: string): void => {
        for (const ch of data) {
          if (ch === '\r' || ch === '\n') {
            process.stderr.write('\n');
            answers.push(value);
            value = '';
            if (answers.length === labels.length) {
              stdin.off('data', onData);
              resolve(answers);
              return;
            }
            process.stderr.write(labels[answers.length] ?? '');
          } else if (ch === '\u0003') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            reject(new CadreError('USAGE', 'cancelled', EXIT.usage));
            return;
          } else if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else if (ch >= ' ') value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

/** A new password: `--password-stdin`, or prompted twice on the terminal. */
export async function newPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readPasswordStdin();
  const [first, second] = await promptPasswords(['New password: ', 'Repeat it: ']);
  if (first !== second) throw new CadreError('USAGE', 'the passwords do not match', EXIT.usage);
  return first ?? '';
}
