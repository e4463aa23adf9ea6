// One cold start, in a fresh `node` as Lambda runs it: no tsx, no jest, only the bundle.
// argv: <bundle index.mjs> <event JSON file or ''> <function name> <result file>
// Times the `await import()` of the bundle (module init: index.mjs and the chunks it imports
// statically; chunks behind `await import()` load later, inside the first call if it reaches
// them) and the first handler invocation, wall and CPU, and writes them as JSON to the result
// file (stdout belongs to the handler's logs).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, name, resultFile] = process.argv.slice(2);
const cpuMs = (u) => (u.user + u.system) / 1000;

try {
  const initStart = process.hrtime.bigint();
  const initCpu = process.cpuUsage();
  const { handler } = await import(pathToFileURL(bundle).href);
  const initMs = Number(process.hrtime.bigint() - initStart) / 1e6;
  const initCpuMs = cpuMs(process.cpuUsage(initCpu));

  const result = { initMs, initCpuMs };
  if (eventFile) {
    const event = JSON.parse(readFileSync(eventFile, 'utf8'));
    const deadline = Date.now() + 60_000;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
      awsRequestId: `cold-${process.pid}`,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {},
      fail() {},
      succeed() {},
    };
    const invokeStart = process.hrtime.bigint();
    const invokeCpu = process.cpuUsage();
    try {
      const answer = await handler(event, context);
      result.outcome = answer && typeof answer === 'object' && 'statusCode' in answer ? String(answer.statusCode) : 'returned';
    } catch (error) {
      result.outcome = `threw: ${String(error && error.message).slice(0, 40)}`;
    }
    result.invokeMs = Number(process.hrtime.bigint() - invokeStart) / 1e6;
    result.invokeCpuMs = cpuMs(process.cpuUsage(invokeCpu));
  }
  writeFileSync(resultFile, JSON.stringify(result));
  // Lambda freezes the process here; open sockets (keep-alive) must not keep it alive.
  process.exit(0);
} catch (error) {
  writeFileSync(resultFile, JSON.stringify({ error: String(error && error.stack) }));
  process.exit(1);
}
