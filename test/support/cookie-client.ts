/**
 * A small HTTP client for tests that need a browser's cookie behaviour without a browser: one cookie jar per
 * origin (names and values only: path and expiry do not matter for tests), manual redirects, and a helper that
 * signs in at the test OIDC provider's devInteractions pages.
 */

/** A response as the client saw it. */
export interface ClientResponse {
  status: number;
  url: string;
  location?: string;
  headers: Headers;
  body: string;
}

/** The client. */
export interface CookieClient {
  /** One request, no redirect following. Relative `location` values are resolved against the request URL. */
  request(url: string, init?: { method?: string; form?: Record<string, string>; headers?: Record<string, string> }): Promise<ClientResponse>;
  /** Follow redirects from `url` until a non-redirect answer or a URL for which `stop(url)` is true (not requested). */
  follow(url: string, stop?: (url: URL) => boolean, max?: number): Promise<{ last: ClientResponse | undefined; url: string }>;
  /** Cookies held for an origin. */
  cookies(origin: string): Map<string, string>;
}

/** Create a client with an empty jar. */
export function cookieClient(): CookieClient {
  const jars = new Map<string, Map<string, string>>();
  const jar = (origin: string) => {
    let j = jars.get(origin);
    if (!j) jars.set(origin, (j = new Map()));
    return j;
  };
  const request: CookieClient['request'] = async (url, init = {}) => {
    const u = new URL(url);
    const j = jar(u.origin);
    const headers: Record<string, string> = { ...init.headers };
    if (j.size > 0) headers.cookie = [...j].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(u, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') j.delete(name);
      else j.set(name, value);
    }
    const location = res.headers.get('location');
    return { status: res.status, url: u.href, location: location ? new URL(location, u).href : undefined, headers: res.headers, body: await res.text() };
  };
  return {
    request,
    async follow(url, stop = () => false, max = 20) {
      let next = url;
      let last: ClientResponse | undefined;
      for (let i = 0; i < max; i++) {
        if (stop(new URL(next))) return { last, url: next };
        last = await request(next);
        if (!last.location || last.status < 300 || last.status >= 400) return { last, url: next };
        next = last.location;
      }
      throw new Error(`more than ${max} redirects from ${url}`);
    },
    cookies: (origin) => jar(origin),
  };
}

const formAction = (html: string, base: string): string => {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error(`no form on the provider page: ${html.slice(0, 300)}`);
  return new URL(m[1].replace(/&amp;/g, '&'), base).href;
};

/**
 * From an authorization URL at the test provider, sign in as `login` through its login and consent forms and
 * return the URL the provider redirects to at the end (the relying party's callback with `code` or `error`),
 * without requesting it. `abort` cancels at the login page instead (the provider answers `access_denied`).
 */
export async function signInAtProviderWithFetch(c: CookieClient, authorizationUrl: string, login: string, opts: { abort?: boolean } = {}): Promise<string> {
  const idp = new URL(authorizationUrl).origin;
  const away = (u: URL) => u.origin !== idp;
  let at = await c.follow(authorizationUrl, away);
  for (let step = 0; step < 4; step++) {
    if (away(new URL(at.url))) return at.url;
    const page = at.last;
    if (!page || page.status !== 200) throw new Error(`provider answered ${page?.status} at ${at.url}: ${page?.body.slice(0, 300)}`);
    if (opts.abort) {
      const m = /href="([^"]*\/abort)"/.exec(page.body);
      if (!m?.[1]) throw new Error('no abort link on the provider page');
      at = await c.follow(new URL(m[1], at.url).href, away);
      continue;
    }
    const prompt = /name="prompt" value="(\w+)"/.exec(page.body)?.[1];
    const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt ?? 'consent' };
    const posted = await c.request(formAction(page.body, at.url), { form });
    if (!posted.location) throw new Error(`provider did not redirect after ${prompt}: ${posted.status} ${posted.body.slice(0, 300)}`);
    at = await c.follow(posted.location, away);
  }
  throw new Error('the provider kept asking');
}
