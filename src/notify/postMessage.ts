export interface PostOptions {
  /** Tries before giving up (default 5). */
  maxTries?: number;
  /** First backoff after a failure without Retry-After, doubled each time (default 1 s). */
  baseDelayMs?: number;
  /** The longest Retry-After honoured (default 60 s); a longer one is waited this long. */
  maxRetryAfterMs?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PostResult {
  ok: boolean;
  tries: number;
  /** Why it failed (status or network error): never the URL, which is a secret. */
  error?: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs JSON with an Idempotency-Key header, retrying 429 (after its Retry-After), 408, 5xx and
 * network errors with backoff, at most `maxTries` times; other answers fail at once.
 */
export async function postMessage(url: string, body: unknown, idempotencyKey: string, options: PostOptions = {}): Promise<PostResult> {
  const { maxTries = 5, baseDelayMs = 1_000, maxRetryAfterMs = 60_000, timeoutMs = 10_000, sleep = sleepFor } = options;
  let error = '';
  for (let tries = 1; tries <= maxTries; tries++) {
    let wait = baseDelayMs * 2 ** (tries - 1);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, tries };
      error = `HTTP ${res.status}`;
      if (res.status !== 429 && res.status !== 408 && res.status < 500) return { ok: false, tries, error };
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0) wait = Math.min(retryAfter * 1000, maxRetryAfterMs);
    } catch (err) {
      // A fetch error's message can name the host; the cause's code cannot.
      const cause = (err as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
      const code = cause?.code ?? cause?.errors?.[0]?.code;
      error = typeof code === 'string' ? code : (err as { name?: string }).name === 'TimeoutError' ? 'timed out' : 'network error';
    }
    if (tries < maxTries) await sleep(wait);
  }
  return { ok: false, tries: maxTries, error };
}
