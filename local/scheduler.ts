import { FUNCTIONS, type FunctionName } from '../infra/manifest';

type ScheduledHandler = () => Promise<unknown>;

export interface ScheduleRun {
  function: FunctionName;
  at: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/**
 * Stands in for EventBridge: invokes every scheduled function of the manifest on its local
 * interval, never overlapping runs of the same function.
 */
export class LocalScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<FunctionName>();

  constructor(
    private readonly load: (name: FunctionName) => ScheduledHandler,
    private readonly onRun: (run: ScheduleRun) => void = () => undefined,
  ) {}

  start(): void {
    for (const [name, definition] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      if (!('schedule' in definition)) continue;
      const timer = setInterval(() => void this.runNow(name), definition.schedule.localIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    this.timers.splice(0).forEach(clearInterval);
  }

  async runNow(name: FunctionName): Promise<ScheduleRun | undefined> {
    if (this.running.has(name)) return undefined;
    this.running.add(name);
    const at = Date.now();
    let run: ScheduleRun;
    try {
      run = { function: name, at, ok: true, result: await this.load(name)() };
    } catch (error) {
      run = { function: name, at, ok: false, error: (error as Error).message };
    } finally {
      this.running.delete(name);
    }
    this.onRun(run);
    return run;
  }
}
