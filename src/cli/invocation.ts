/**
 * How the user can run the CLI again from the shell they started it in, for hints such as "Try in another shell".
 * `npm start` runs the demo from a checkout where no `cadre` is on the PATH; `npx cadre` finds the checkout's own bin.
 */
export function cliInvocation(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event !== undefined || env.npm_command !== undefined ? 'npx cadre' : 'cadre';
}
