/** Counts for one API path of one app: every request, and those WeChat answered errcode 0 (acted on). */
export interface PathCalls {
  calls: number;
  ok: number;
}

/**
 * Local-only: per mini program and API path, how many requests the simulator received and how
 * many it answered with success. Unlike `requests` (the last 5,000), it keeps counts for every
 * app, so a benchmark of 10,000 apps can check that none was committed, submitted or released
 * twice. Requests that name no app (component APIs) are counted under `componentLevel`.
 */
export class ApiCallLog {
  readonly byApp = new Map<string, Map<string, PathCalls>>();
  readonly componentLevel = new Map<string, PathCalls>();

  record(appId: string | undefined, path: string, succeeded: boolean): void {
    let paths = this.componentLevel;
    if (appId) {
      paths = this.byApp.get(appId) ?? new Map<string, PathCalls>();
      this.byApp.set(appId, paths);
    }
    const entry = paths.get(path) ?? { calls: 0, ok: 0 };
    entry.calls++;
    if (succeeded) entry.ok++;
    paths.set(path, entry);
  }

  /** The counts of one app and path (zeros when never called). */
  of(appId: string, path: string): PathCalls {
    return this.byApp.get(appId)?.get(path) ?? { calls: 0, ok: 0 };
  }

  clear(): void {
    this.byApp.clear();
    this.componentLevel.clear();
  }
}
