import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * Issue messages are written when a schema refuses input, in the locale configured then.
 * Classic zod registers English when it loads; zod/mini (the schemas on the callbacks' cold-start
 * path, kept small) registers none and would write a bare "Invalid input". The modules that turn
 * those messages into text (the HTTP error handler, the WeChat client's shape errors) call this
 * when they load, so a function that never loads classic zod writes them as it always did.
 * Only when no locale is set yet, as classic does. (`en` is imported by name: `z.locales.en`
 * made esbuild keep every locale.)
 */
export function useEnglishZodMessages(): void {
  if (!z.config().localeError) z.config(en());
}
