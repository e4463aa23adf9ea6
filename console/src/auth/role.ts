import { reactive } from 'vue';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';

/** `viewer` ⊂ `operator` ⊂ `admin`, as the admin API enforces them (403 `forbidden`). */
export type Role = paths['/admin/me']['get']['responses']['200']['content']['application/json']['role'];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The signed-in user's role, from `GET /admin/me`; unknown (nothing mutating shown) until it answers. */
export const access = reactive<{ role: Role | undefined }>({ role: undefined });

export async function loadRole(): Promise<void> {
  access.role = undefined;
  access.role = unwrap(await api().GET('/admin/me')).role;
}

export function forgetRole(): void {
  access.role = undefined;
}

/**
 * Whether the signed-in role may use an action that needs `needed`: the console hides what it
 * may not (the API refuses it anyway). `viewer` reads; `operator` changes one app and releases
 * to listed apps; `admin` everything else.
 */
export function can(needed: Role): boolean {
  return access.role !== undefined && RANK[access.role] >= RANK[needed];
}
