/** Options of {@link ShopClient}. */
export interface ShopClientOptions {
  /** Base URL of the shop, e.g. `http://127.0.0.1:3000`. Always a loopback address in the demo. */
  target: string;
  /**
   * Simulated client address, sent as `X-Forwarded-For`. The shop honours it only in its explicit demo mode
   * (`SHOP_DEMO_TRUST_FORWARDED=1`, peer on loopback); the TCP connection itself stays on 127.0.0.1.
   */
  clientAddress: string;
  /** User-Agent header. Default `Mozilla/5.0 (secmon demo browser)`. */
  userAgent?: string;
}

/** One HTTP exchange as the simulator saw it. */
export interface ShopResponse {
  status: number;
  body: unknown;
  /** The `Retry-After` header, when the shop sent one (its block list refusals do). */
  retryAfter?: string;
}

/** Request options. */
export interface ShopRequest {
  body?: unknown;
  /** Extra headers (e.g. a hostile User-Agent). */
  headers?: Record<string, string>;
}

/** A browser-like client with its own cookie jar and simulated address. */
export class ShopClient {
  readonly clientAddress: string;
  private readonly _target: string;
  private readonly _userAgent: string;
  private _cookie: string | undefined;

  constructor(options: ShopClientOptions) {
    this._target = options.target.replace(/\/$/, '');
    this.clientAddress = options.clientAddress;
    this._userAgent = options.userAgent ?? 'Mozilla/5.0 (secmon demo browser)';
  }

  get loggedIn(): boolean {
    return this._cookie !== undefined;
  }

  async request(method: string, path: string, options: ShopRequest = {}): Promise<ShopResponse> {
    const headers: Record<string, string> = {
      'x-forwarded-for': this.clientAddress,
      'user-agent': this._userAgent,
      accept: 'application/json',
      ...options.headers,
    };
    if (this._cookie) headers.cookie = this._cookie;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${this._target}${path}`, { method, headers, body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const pair = setCookie.split(';', 1)[0] ?? '';
      const [name, value] = pair.split('=', 2);
      if (name !== 'sid') continue;
      this._cookie = value ? `sid=${value}` : undefined;
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(setCookie)) this._cookie = undefined;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. an HTML 404 page): keep the text
    }
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, body: parsed, ...(retryAfter !== null ? { retryAfter } : {}) };
  }

  login(username: string, password: string, extra: Record<string, unknown> = {}): Promise<ShopResponse> {
    return this.request('POST', '/login', { body: { username, password, ...extra } });
  }

  async logout(): Promise<ShopResponse> {
    const response = await this.request('POST', '/logout');
    this._cookie = undefined;
    return response;
  }

  pay(amountCents: number, card: { number: string; expiry: string; cvc: string }): Promise<ShopResponse> {
    return this.request('POST', '/payments', { body: { amountCents, currency: 'EUR', card } });
  }
}
