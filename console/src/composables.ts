import { ElMessage } from 'element-plus';
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { describeError } from './api/client';
import { t } from './i18n';

export { formatTime, relativeTime } from './i18n/format';

/**
 * A long action bound to a button: `loading` while it runs, the API's message on failure
 * (toast and `error` for an inline alert), an optional toast on success.
 */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>, options: { success?: string | ((result: R) => string) } = {}) {
  const loading = ref(false);
  const error = ref<string>();
  async function run(...args: A): Promise<R | undefined> {
    loading.value = true;
    error.value = undefined;
    try {
      const result = await action(...args);
      const success = typeof options.success === 'function' ? options.success(result) : options.success;
      if (success) ElMessage.success(success);
      return result;
    } catch (caught) {
      // ElMessageBox rejects with 'cancel' or 'close' when the operator backs out: not an error.
      if (caught === 'cancel' || caught === 'close') return undefined;
      error.value = describeError(caught);
      ElMessage.error({ message: error.value, duration: 6000 });
      return undefined;
    } finally {
      loading.value = false;
    }
  }
  return { loading, error, run };
}

/** What a page (or tab) shows, loaded when it mounts and again on `run()` after a change. */
export function useLoader<R>(load: () => Promise<R>) {
  const loader = useAction(load);
  onMounted(() => void loader.run());
  return loader;
}

/**
 * Calls `tick` every `intervalMs` until `stop()` or unmount; one call at a time. The first tick
 * comes one interval after `start()`: the caller has just loaded what the tick fetches.
 */
export function usePolling(tick: () => Promise<boolean>, intervalMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let active = false;
  const loop = async () => {
    if (!active) return;
    const keepGoing = await tick().catch(() => true);
    if (active && keepGoing) timer = setTimeout(() => void loop(), intervalMs);
    else active = false;
  };
  const start = () => {
    if (active) return;
    active = true;
    timer = setTimeout(() => void loop(), intervalMs);
  };
  const stop = () => {
    active = false;
    clearTimeout(timer);
  };
  onBeforeUnmount(stop);
  return { start, stop };
}

/**
 * Pages of a list the API pages forward only (an opaque `nextCursor`): the cursors of the pages
 * before this one are kept, so "previous" replays one. `load` fetches the page at `cursor` and
 * sets `nextCursor`.
 */
export function useCursorPages(load: { run: () => Promise<unknown> }) {
  const before = ref<(string | undefined)[]>([]);
  const cursor = ref<string>();
  const nextCursor = ref<string>();
  return {
    cursor,
    nextCursor,
    /** 1 for the first page. */
    number: () => before.value.length + 1,
    /** Back to the first page (after a filter changed). */
    async restart(): Promise<void> {
      before.value = [];
      cursor.value = undefined;
      await load.run();
    },
    async next(): Promise<void> {
      before.value.push(cursor.value);
      cursor.value = nextCursor.value;
      await load.run();
    },
    async previous(): Promise<void> {
      cursor.value = before.value.pop();
      await load.run();
    },
  };
}

/** "20 · 18 released · 2 failed", with the apps a gray release has live for a share of users. */
export function releaseAppsSummary(release: { total: number; counts: Partial<Record<string, number>>; gray?: { percentage: number } }): string {
  const gray = release.counts.gray_released ?? 0;
  return [
    t('releaseApps.total', { n: release.total }),
    ...(gray ? [t('releaseApps.gray', { n: gray, pct: release.gray?.percentage ?? '?' })] : []),
    t('releaseApps.released', { n: release.counts.released ?? 0 }),
    t('releaseApps.failed', { n: release.counts.failed ?? 0 }),
  ].join(' · ');
}

export function readFileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(t('errors.fileUnreadable')));
    reader.readAsDataURL(file);
  });
}

/** One value per line (or comma), blanks dropped: how forms take domain and id lists. */
export const splitLines = (text: string): string[] => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
