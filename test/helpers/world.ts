import type { SimDraftSeed } from '../../local/wechat-sim/state';
import type { AuthorizeOptions } from '../../local/wechat-sim/modules/merchant-console';
import type { RecordedRequest, WeChatSimulator } from '../../local/wechat-sim/server';
import { startTestPlatform, type TestPlatform } from './platform';

type AppSpec = Omit<AuthorizeOptions, 'redirectUri'>;

export interface WorldOptions extends NonNullable<Parameters<typeof startTestPlatform>[0]> {
  /** Push a component_verify_ticket first, so anything needing the component token can get one. */
  ticket?: boolean;
  /** Run the token refresher once after the ticket, so the component token is already stored. */
  refresh?: boolean;
  /** Merchants who authorize through the simulator's page: a count, or one spec (nickname, funcInfo…) per app. */
  apps?: number | AppSpec[];
  /** Add a template to the library through the admin API: `true` for the simulator's seeded draft 1, or a draft to create first. */
  template?: true | SimDraftSeed;
}

/**
 * A running platform with what most whole-platform suites need before their first test: the
 * platform's own state is reached only through the gateway and the simulator, as in production.
 */
export interface World {
  platform: TestPlatform;
  sim: WeChatSimulator;
  /** The apps `apps` asked for, in the order given. */
  appIds: string[];
  /** The first of them, for suites that act for one merchant; reading it without `apps` is a mistake in the test. */
  readonly appId: string;
  /** The template `template` asked for; 0 when none was. */
  templateId: number;
  /** One more merchant authorizes through the simulator's page (redirect and push); answers its appid. */
  authorize(app?: AppSpec): Promise<string>;
  /** Adds a template through `POST /admin/templates` and answers its id (the newest in the library). */
  addTemplate(draft?: number | SimDraftSeed): Promise<number>;
  /** The requests the simulator recorded for one WeChat API path. */
  wechatCalls(path: string): RecordedRequest[];
}

/** The platform's redirect URI, where the simulator's authorization page sends the merchant back. */
export const authorizeRedirectUri = (platform: TestPlatform): string => `${platform.gatewayUrl}/wechat/authorize/callback`;

/** See {@link World.authorize}. */
export async function authorizeApp(platform: TestPlatform, app: AppSpec = {}): Promise<string> {
  return (await platform.simulator!.authorize({ redirectUri: authorizeRedirectUri(platform), ...app })).appId;
}

/** See {@link World.addTemplate}: a draft id already in the simulator, or a draft to create first (default: draft 1). */
export async function addTemplate(platform: TestPlatform, draft: number | SimDraftSeed = 1): Promise<number> {
  const draftId = typeof draft === 'number' ? draft : platform.simulator!.addDraft(draft).draftId;
  const added = await platform.admin('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId }) });
  if (added.status >= 300) throw new Error(`POST /admin/templates → ${added.status} ${await added.text()}`);
  const { templates } = (await (await platform.admin('/admin/templates')).json()) as { templates: { template_id: number }[] };
  return templates.at(-1)!.template_id;
}

/** Starts the platform and sets the world up in the order the options are listed. Stop it with `world.platform.stop()`. */
export async function startWorld({ ticket, refresh, apps, template, ...platformOptions }: WorldOptions = {}): Promise<World> {
  const platform = await startTestPlatform(platformOptions);
  try {
    const sim = platform.simulator!;
    if (ticket) await sim.ticketPusher.pushNow();
    if (refresh) {
      const run = await platform.scheduler.runNow('refreshTokens');
      if (!run?.ok) throw new Error(`the refresher failed: ${JSON.stringify(run)}`);
    }
    const appIds: string[] = [];
    for (const app of typeof apps === 'number' ? Array.from({ length: apps }, () => ({})) : (apps ?? [])) appIds.push(await authorizeApp(platform, app));
    const templateId = template === undefined ? 0 : await addTemplate(platform, template === true ? 1 : template);
    return {
      platform,
      sim,
      appIds,
      get appId() {
        if (!appIds[0]) throw new Error('world.appId is read but the world was started without apps');
        return appIds[0];
      },
      templateId,
      authorize: (app) => authorizeApp(platform, app),
      addTemplate: (draft) => addTemplate(platform, draft),
      wechatCalls: (path) => sim.requests.filter((r) => r.path === path),
    };
  } catch (error) {
    await platform.stop();
    throw error;
  }
}

/**
 * {@link startWorld} in `beforeAll` and a stop in `afterAll`, for a describe block that shares
 * one world. Read it inside tests and hooks only: it is empty until `beforeAll` has run.
 */
export function useWorld(options: WorldOptions = {}): World {
  const holder: { world?: World } = {};
  beforeAll(async () => {
    holder.world = await startWorld(options);
  });
  afterAll(() => holder.world?.platform.stop());
  const world = () => {
    if (!holder.world) throw new Error('the world is read before beforeAll started it');
    return holder.world;
  };
  return {
    get platform() {
      return world().platform;
    },
    get sim() {
      return world().sim;
    },
    get appIds() {
      return world().appIds;
    },
    get appId() {
      return world().appId;
    },
    get templateId() {
      return world().templateId;
    },
    authorize: (app) => world().authorize(app),
    addTemplate: (draft) => world().addTemplate(draft),
    wechatCalls: (path) => world().wechatCalls(path),
  };
}
