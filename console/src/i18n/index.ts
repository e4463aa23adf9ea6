import elementEn from 'element-plus/es/locale/lang/en';
import elementZhCn from 'element-plus/es/locale/lang/zh-cn';
import type { ConfigProviderContext } from 'element-plus';
import { computed, watch } from 'vue';
import { createI18n } from 'vue-i18n';
import { en } from './en';
import { zhCN } from './zh-CN';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language's name in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };

const STORAGE_KEY = 'weapp-fleet.console.locale';
const isLocale = (value: unknown): value is Locale => (LOCALES as readonly unknown[]).includes(value);

/** The operator's choice if they made one, else the browser's language: any zh* is Chinese, the rest English. */
export function detectLocale(stored = readStored(), languages: readonly string[] = navigator.languages?.length ? navigator.languages : [navigator.language]): Locale {
  if (isLocale(stored)) return stored;
  return languages[0]?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: detectLocale(),
  fallbackLocale: 'en',
  messages: { 'zh-CN': zhCN, en },
  // A key missing in one language is a test failure, not a console warning at run time.
  missingWarn: false,
  fallbackWarn: false,
});

/** The language in use, reactive: switching re-renders in place (no reload, no refetch). */
export const currentLocale = computed<Locale>(() => (isLocale(i18n.global.locale.value) ? i18n.global.locale.value : 'en'));

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

/** Element Plus' own texts (pagination, dialogs, empty tables, pickers) in the same language. */
export const elementLocale = computed(() => (currentLocale.value === 'zh-CN' ? elementZhCn : elementEn));
/**
 * Element Plus' global config, given to `app.use(ElementPlus, …)`: provided at the app level it
 * also reaches what Element Plus mounts outside the component tree (ElMessageBox, ElMessage),
 * which an <el-config-provider> in App.vue would not; Element Plus unrefs it, so it follows the switch.
 */
export const elementConfig = computed(() => ({ locale: elementLocale.value })) as unknown as ConfigProviderContext;

/** The t of the global composer, for code outside components (composables, the API client). */
export const t = (key: string, values?: Record<string, unknown>): string => (values ? i18n.global.t(key, values) : i18n.global.t(key));
export const te = (key: string): boolean => i18n.global.te(key, currentLocale.value);

watch(currentLocale, (locale) => (document.documentElement.lang = locale), { immediate: true });
