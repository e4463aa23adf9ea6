import './quiet-output';
import { coldStartBench } from './cold-start.bench';
import { cryptoBench } from './crypto.bench';
import { loadBench } from './load.bench';
import { pushCostBench } from './push-cost.bench';
import { refreshBench } from './refresh.bench';
import { releaseBench } from './release.bench';
import { releaseFleetBench } from './release-fleet.bench';

/** `npm run bench [-- name…]`: runs the named benchmarks, or all of them. */
const BENCHES: Record<string, () => Promise<void>> = {
  'cold-start': coldStartBench,
  crypto: cryptoBench,
  load: loadBench,
  'push-cost': pushCostBench,
  refresh: refreshBench,
  release: releaseBench,
  'release-fleet': releaseFleetBench,
};

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
    console.log(`\n== bench: ${name} ==`);
    await BENCHES[name]!();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
