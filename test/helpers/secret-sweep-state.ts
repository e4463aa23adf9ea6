import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalSettings } from '../../local/settings';
import type { WeChatSimulator } from '../../local/wechat-sim/server';
import { findLeaks, type CapturedText, type Leak, type Secret } from './secret-leaks';

/**
 * The one place a secret is the answer: the authorization link carries its single-use, 10-minute
 * pre_auth_code, as WeChat's authorization page requires. Anywhere else (logs included) it is a leak.
 */
const ALLOWED: readonly { kind: string; where: string }[] = [{ kind: 'pre_auth_code', where: 'admin POST /admin/authorizations' }];

/** Beyond this much captured text per file, later output is not checked (a note says so). */
const MAX_CAPTURED_CHARS = 64 * 1024 * 1024;

/**
 * What one test file wrote and which secrets it used; filled by the jest setup file
 * (`secret-sweep.ts`), by `startTestPlatform` and by every simulator started in the file.
 */
class SecretSweep {
  private captured: CapturedText[] = [];
  private capturedChars = 0;
  truncated = false;
  readonly simulators = new Set<WeChatSimulator>();
  readonly platforms: { component: LocalSettings['component']; dataDir: string }[] = [];
  readonly extraSecrets: Secret[] = [];
  /** While set, console calls are recorded but not printed (a test leaking on purpose keeps CI output clean). */
  muted = false;

  record(where: string, text: string): void {
    if (!text) return;
    if (this.capturedChars + text.length > MAX_CAPTURED_CHARS) {
      this.truncated = true;
      return;
    }
    this.capturedChars += text.length;
    this.captured.push({ where, text });
  }

  /** Captured text so far (for tests of the sweep itself). */
  get texts(): readonly CapturedText[] {
    return this.captured;
  }

  secrets(): Secret[] {
    const secrets: Secret[] = [...this.extraSecrets];
    const addComponent = (component: LocalSettings['component']) => {
      secrets.push({ kind: 'component appsecret', value: component.appSecret }, { kind: 'EncodingAESKey', value: component.aesKey }, { kind: 'component message token', value: component.token });
    };
    for (const sim of this.simulators) {
      addComponent(sim.state.options.component);
      for (const { kind, value } of sim.issuedCredentials()) secrets.push({ kind, value });
    }
    for (const platform of this.platforms) {
      addComponent(platform.component);
      secrets.push(...paymentSecrets(platform.dataDir), ...tokenKey(platform.dataDir));
    }
    return secrets;
  }

  leaks(): Leak[] {
    return findLeaks(this.captured, this.secrets()).filter((leak) => !ALLOWED.some((allowed) => allowed.kind === leak.kind && allowed.where === leak.where));
  }

  /** Forgets what was captured (a test that leaked on purpose cleans up after itself). */
  forget(): void {
    this.captured = [];
    this.capturedChars = 0;
  }
}

/** The local token key (local/token-key.ts), as the file holds it (base64) and as hex. */
function tokenKey(dataDir: string): Secret[] {
  let encoded: string;
  try {
    encoded = readFileSync(path.join(dataDir, 'token-key'), 'utf8').trim();
  } catch {
    return [];
  }
  return [
    { kind: 'token key', value: encoded },
    { kind: 'token key', value: Buffer.from(encoded, 'base64').toString('hex') },
  ];
}

/** Keys and P12 passwords stored in the local Secrets Manager: whatever went there is secret. */
function paymentSecrets(dataDir: string): Secret[] {
  let file: { secrets?: { versions?: { secretString?: string }[] }[] };
  try {
    file = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as typeof file;
  } catch {
    return [];
  }
  const secrets: Secret[] = [];
  for (const secret of file.secrets ?? []) {
    for (const version of secret.versions ?? []) {
      let fields: Record<string, unknown>;
      try {
        fields = JSON.parse(version.secretString ?? '') as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const name of ['apiKey', 'apiV3Key', 'p12Password'] as const) {
        const value = fields[name];
        // A P12 password that is the mch_id (WeChat Pay's default) is public by nature.
        if (typeof value === 'string' && value !== fields.mchId) secrets.push({ kind: `payment ${name}`, value });
      }
    }
  }
  return secrets;
}

export const secretSweep = new SecretSweep();
