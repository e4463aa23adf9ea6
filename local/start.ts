import { accessLogLine } from './gateway';
import { installLogFormat } from './log-format';
import { startLocalPlatform } from './platform';
import { restrictNewFiles } from './private-data';
import { localSettings } from './settings';

/**
 * `npm start`: the whole platform on this machine. Prints where everything is and what it
 * is doing; Ctrl-C stops it, and the data under .local/ survives for the next start.
 */
async function main(): Promise<void> {
  // The SDK versions are pinned and Lambda runs Node 24; the SDK's Node 20 notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Everything written under .local/ from here on (DynamoDB Local, s3rver) is private too.
  restrictNewFiles();
  // The handlers log JSON as in Lambda; here each line becomes one readable line.
  const settings = localSettings();
  installLogFormat({ metrics: settings.logMetrics ?? 'hide' });
  const faults = settings.simulatorFaults;
  const say = (line: string) => process.stdout.write(`[weapp-fleet] ${line}\n`);
  say('starting DynamoDB Local, the WeChat simulator and the gateway…');
  let announcedToken = false;
  const platform = await startLocalPlatform(settings, {
    ...(faults ? { simulator: { faults } } : {}),
    onRequest: (entry) => say(accessLogLine(entry)),
    onScheduleRun: (run) => {
      if (!run.ok) return say(`scheduled ${run.function} failed: ${run.error}`);
      const result = run.result as { component?: string } | undefined;
      if (result?.component === 'refreshed' || (!announcedToken && result?.component === 'fresh')) {
        announcedToken = true;
        say('component_access_token obtained and stored (see GET /admin/component)');
      } else if (result?.component === 'no_ticket') {
        say('no verify ticket stored yet; asked WeChat to push one');
      }
    },
  });
  say(`gateway       ${platform.gatewayUrl}`);
  say(`  callback    POST ${platform.gatewayUrl}/wechat/component/events`);
  say(`  admin       GET  ${platform.gatewayUrl}/admin/health · /admin/component · POST /admin/authorizations · /openapi.json`);
  say(`  admin token ${settings.adminToken}   (Authorization: Bearer <token>; set ADMIN_TOKEN to choose one)`);
  say(`  operator    ${settings.operatorToken}   (per-app operations and releases to listed apps; OPERATOR_TOKEN)`);
  say(`  viewer      ${settings.viewerToken}   (read only; VIEWER_TOKEN)`);
  say(`  health      curl -H "Authorization: Bearer ${settings.adminToken}" ${platform.gatewayUrl}/admin/health`);
  say(`console       ${platform.gatewayUrl}/console/   (sign in with one of the tokens)`);
  say(`WeChat API    ${platform.wechatBase}${platform.simulator ? '   (simulator, pushing a verify ticket every ' + settings.ticketPushIntervalMs / 1000 + ' s)' : '   (external)'}`);
  if (faults && platform.simulator) say(`WeChat faults ${JSON.stringify(faults)}   (WECHAT_SIM_FAULTS)`);
  say(`DynamoDB      ${platform.dynamoDbEndpoint}   table ${settings.tableName}, data in ${settings.dataDir}`);
  say(`component     ${settings.component.appId}`);
  say(`try: curl -H "Authorization: Bearer ${settings.adminToken}" ${platform.gatewayUrl}/admin/component`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`[weapp-fleet] failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
