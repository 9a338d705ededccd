// Caps per receiving domain (gmail.com, orange.fr, free.fr…), inside one sending process: how many
// messages to a domain may be in flight at once (its SMTP transactions: "connections"), and how
// many a minute may go to it. The rate is a token bucket holding one second of the rate (at least
// one message): a batch claims no more rows of a domain than its bucket holds, so a capped domain's
// rows wait in the database while the other domains keep flowing.

/** The caps of one receiving domain. */
export interface DomainCap {
  connections: number;
  ratePerMinute: number;
}

/** The campaign's caps: the defaults, and the domains with their own. */
export interface DomainCaps {
  defaults: DomainCap;
  domains: ReadonlyMap<string, DomainCap>;
}

/** The receiving domain of an address, lower-case (what follows the last @). */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

interface Bucket {
  tokens: number;
  at: number;
  inFlight: number;
  waiters: (() => void)[];
}

/** One process's view of the caps: token buckets and in-flight counts per domain. */
export class DomainThrottle {
  readonly #caps: DomainCaps;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(caps: DomainCaps, now: () => number = () => performance.now()) {
    this.#caps = caps;
    this.#now = now;
  }

  /** The caps that apply to a domain. */
  capOf(domain: string): DomainCap {
    return this.#caps.domains.get(domain) ?? this.#caps.defaults;
  }

  #capacity(domain: string): number {
    return Math.max(1, this.capOf(domain).ratePerMinute / 60);
  }

  #bucket(domain: string): Bucket {
    let b = this.#buckets.get(domain);
    const now = this.#now();
    if (!b) {
      b = { tokens: this.#capacity(domain), at: now, inFlight: 0, waiters: [] };
      this.#buckets.set(domain, b);
    } else {
      const perMs = this.capOf(domain).ratePerMinute / 60_000;
      b.tokens = Math.min(this.#capacity(domain), b.tokens + (now - b.at) * perMs);
      b.at = now;
    }
    return b;
  }

  /** Whole messages the domain may take now. */
  available(domain: string): number {
    return Math.floor(this.#bucket(domain).tokens + 1e-9);
  }

  /** Uses up n messages of the domain's bucket (rows just claimed for it). */
  take(domain: string, n: number): void {
    this.#bucket(domain).tokens -= n;
  }

  /**
   * What a claim may take: the domains it must skip (bucket empty) and the quota of every domain
   * this process knows or has caps for; a domain not listed takes the defaults' full bucket.
   */
  quotas(): { exhausted: string[]; domains: string[]; quotas: number[]; defaultQuota: number } {
    const known = new Set([...this.#buckets.keys(), ...this.#caps.domains.keys()]);
    const exhausted: string[] = [];
    const domains: string[] = [];
    const quotas: number[] = [];
    for (const domain of known) {
      const n = this.available(domain);
      if (n < 1) exhausted.push(domain);
      else {
        domains.push(domain);
        quotas.push(n);
      }
    }
    return { exhausted, domains, quotas, defaultQuota: Math.floor(Math.max(1, this.#caps.defaults.ratePerMinute / 60)) };
  }

  /** Milliseconds until the first of these domains has a message to give again. */
  msUntilNext(domains: readonly string[]): number {
    let best = Number.POSITIVE_INFINITY;
    for (const domain of domains) {
      const b = this.#bucket(domain);
      const missing = 1 - b.tokens;
      const ms = missing <= 0 ? 0 : missing / (this.capOf(domain).ratePerMinute / 60_000);
      best = Math.min(best, ms);
    }
    return Number.isFinite(best) ? Math.ceil(best) : 0;
  }

  /** True when one more message to the domain may be in flight now. */
  hasSlot(domain: string): boolean {
    return this.#bucket(domain).inFlight < this.capOf(domain).connections;
  }

  /** Takes an in-flight slot of the domain (the caller checked hasSlot); returns its release. */
  occupy(domain: string): () => void {
    const b = this.#bucket(domain);
    b.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      b.inFlight -= 1;
      for (const wake of b.waiters.splice(0)) wake();
    };
  }

  /** Resolves when a slot of one of these domains may have freed. */
  slotFreed(domains: Iterable<string>): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        resolve();
      };
      for (const domain of domains) this.#bucket(domain).waiters.push(once);
    });
  }
}
