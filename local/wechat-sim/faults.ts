import { z } from 'zod';
import { SeededRandom } from './seeded-random';

const Rate = z.number().min(0).max(1);

/** What an API path suffers; every rate is per request, drawn from the simulator's seeded PRNG. */
export const ApiFaultRule = z
  .object({
    /** Share of requests answered with one of `errors` instead of being served. */
    errorRate: Rate.default(0),
    /** errcode `-1` (system busy) or `45009` (daily API quota), or an HTTP status 500–599; picked at random. */
    errors: z
      .array(z.union([z.literal(-1), z.literal(45009), z.number().int().min(500).max(599)]))
      .min(1)
      .default([-1]),
    /** Added before every answer on this path, ms. */
    latencyMs: z.number().int().min(0).default(0),
    /** Share of requests that never get an answer in time. */
    timeoutRate: Rate.default(0),
    /** `hold`: answer after `holdMs` (longer than the client waits); `destroy`: reset the connection. */
    timeoutMode: z.enum(['hold', 'destroy']).default('destroy'),
    holdMs: z.number().int().min(0).default(15_000),
    /**
     * `before`: the request is lost before WeChat acts on it; `after`: WeChat acts, only the
     * answer is lost (the harder case for the caller: the effect happened, it does not know).
     */
    timeoutPhase: z.enum(['before', 'after']).default('before'),
    /** Stop injecting on this path after this many faults (e.g. only the first request fails). */
    maxFaults: z.number().int().min(1).optional(),
  })
  .strict();
export type ApiFaultRule = z.infer<typeof ApiFaultRule>;

export const PUSH_KINDS = ['ticket', 'audit', 'authorization', 'fastRegistration'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/**
 * Fault settings for the whole simulator: `api` by exact path (`/wxa/commit`) or `*` for every
 * WeChat API path (an exact path wins); `dropPushes` by kind, per delivery attempt.
 */
export const FaultSettings = z
  .object({
    seed: z.number().int().default(1),
    api: z.record(z.string().regex(/^(\*|\/.*)$/, 'a path starting with / or *'), ApiFaultRule).default({}),
    dropPushes: z.object({ ticket: Rate, audit: Rate, authorization: Rate, fastRegistration: Rate }).partial().strict().default({}),
  })
  .strict();
export type FaultSettings = z.infer<typeof FaultSettings>;
export type FaultSettingsInput = z.input<typeof FaultSettings>;

export type ApiFault =
  | { kind: 'error'; errcode: number }
  | { kind: 'http'; status: number }
  | { kind: 'timeout'; mode: 'hold' | 'destroy'; holdMs: number; phase: 'before' | 'after' };

export interface ApiFaultDecision {
  latencyMs: number;
  fault: ApiFault | undefined;
}

/** Counts of what was injected, for tests and for the `npm start` log. */
export interface FaultCounts {
  errors: number;
  http: number;
  timeouts: number;
  droppedPushes: Record<PushKind, number>;
}

/** Decides, per request and per push attempt, whether the simulator misbehaves. */
export class FaultInjector {
  private settings: FaultSettings;
  private random: SeededRandom;
  readonly counts: FaultCounts = emptyCounts();
  private readonly injectedByRule = new Map<string, number>();

  constructor(settings: FaultSettingsInput = {}) {
    this.settings = FaultSettings.parse(settings);
    this.random = new SeededRandom(this.settings.seed);
  }

  /** Replaces every fault setting (validated) and restarts the PRNG from the seed. */
  configure(settings: FaultSettingsInput): void {
    this.settings = FaultSettings.parse(settings);
    this.random = new SeededRandom(this.settings.seed);
    Object.assign(this.counts, emptyCounts());
    this.injectedByRule.clear();
  }

  forApi(path: string): ApiFaultDecision {
    const key = path in this.settings.api ? path : '*';
    const rule = this.settings.api[key];
    if (!rule) return { latencyMs: 0, fault: undefined };
    const injected = this.injectedByRule.get(key) ?? 0;
    if (rule.maxFaults !== undefined && injected >= rule.maxFaults) return { latencyMs: rule.latencyMs, fault: undefined };
    // One draw decides between error, timeout and normal service, so the rates add up as stated.
    const draw = this.random.next();
    if (draw < rule.errorRate + rule.timeoutRate) this.injectedByRule.set(key, injected + 1);
    if (draw < rule.errorRate) {
      const chosen = this.random.pick(rule.errors);
      if (chosen >= 500 && chosen <= 599) {
        this.counts.http++;
        return { latencyMs: rule.latencyMs, fault: { kind: 'http', status: chosen } };
      }
      this.counts.errors++;
      return { latencyMs: rule.latencyMs, fault: { kind: 'error', errcode: chosen } };
    }
    if (draw < rule.errorRate + rule.timeoutRate) {
      this.counts.timeouts++;
      return { latencyMs: rule.latencyMs, fault: { kind: 'timeout', mode: rule.timeoutMode, holdMs: rule.holdMs, phase: rule.timeoutPhase } };
    }
    return { latencyMs: rule.latencyMs, fault: undefined };
  }

  /** True when this delivery attempt of a push is lost on the way (the platform never sees it). */
  dropPush(kind: PushKind): boolean {
    const dropped = this.random.chance(this.settings.dropPushes[kind] ?? 0);
    if (dropped) this.counts.droppedPushes[kind]++;
    return dropped;
  }
}

function emptyCounts(): FaultCounts {
  return { errors: 0, http: 0, timeouts: 0, droppedPushes: { ticket: 0, audit: 0, authorization: 0, fastRegistration: 0 } };
}

/** `WECHAT_SIM_FAULTS` (JSON) for `npm start`; undefined when unset, an error naming the problem when invalid. */
export function faultSettingsFromEnv(value: string | undefined): FaultSettings | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error('WECHAT_SIM_FAULTS is not valid JSON');
  }
  const parsed = FaultSettings.safeParse(json);
  if (!parsed.success) throw new Error(`WECHAT_SIM_FAULTS: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
