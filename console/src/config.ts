import type { InjectionKey } from 'vue';
import { z } from 'zod';
import { t } from './i18n';
import { ConsoleConfigSchema, type ConsoleConfig } from './config-schema';

export type { CognitoConfig, ConsoleConfig } from './config-schema';

/** Read once at start: the same build runs locally (token) and in AWS (Cognito). */
export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(t('app.configHttp', { status: response.status }));
  const parsed = ConsoleConfigSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error(t('app.configInvalid', { reason: z.prettifyError(parsed.error) }));
  return parsed.data;
}

/** How pages reach the config loaded at start. */
export const CONSOLE_CONFIG: InjectionKey<ConsoleConfig> = Symbol('console config');
