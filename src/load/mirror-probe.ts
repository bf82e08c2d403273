// The probe of the new host while double hosting: one ListObjectsV2 of the run prefix every `everyMs`,
// kept as what changed since the previous listing (a run of minutes lists thousands of keys hundreds of
// times). A listing that fails is counted and skipped: the next one tells the same story later.
import type { S3Access } from '../hosts/s3node.js';
import { list } from '../hosts/sync.js';
import { plainEtag, type ProbeRound } from './mirror-lag.js';

export class Probe {
  readonly rounds: ProbeRound[] = [];
  /** The last listing: key → ETag. */
  readonly state = new Map<string, string>();
  failed = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly to: S3Access,
    private readonly prefix: string,
    readonly everyMs = 250,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const start = Date.now();
        await this.round(start).catch(() => this.failed++);
        await new Promise((r) => setTimeout(r, Math.max(0, start + this.everyMs - Date.now())));
      }
    })();
  }

  /** Ends the loop after the listing under way. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async round(start: number): Promise<void> {
    const listed = await list(this.to, this.prefix);
    const end = Date.now();
    const changes: ProbeRound['changes'] = [];
    for (const [key, [, etag]] of listed) {
      const e = plainEtag(etag);
      if (this.state.get(key) !== e) changes.push([key, e]);
    }
    for (const key of this.state.keys()) if (!listed.has(key)) changes.push([key, null]);
    for (const [key, e] of changes) {
      if (e === null) this.state.delete(key);
      else this.state.set(key, e);
    }
    this.rounds.push({ start, end, changes });
  }

  /** The time between listings answered, in milliseconds at the 99th percentile: how finely a lag is measured. */
  resolution(): number {
    const gaps = this.rounds.slice(1).map((r, i) => r.end - this.rounds[i].end);
    gaps.sort((a, b) => a - b);
    return gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.99))] : this.everyMs;
  }
}
