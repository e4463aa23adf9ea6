/**
 * One knob for every wait in the suite. Waits are ceilings: a passing test returns as soon as
 * the event it waits for happens and never sits out a ceiling, so generous ceilings cost
 * nothing. `TEST_TIME_SCALE=2` doubles all of them for a machine slower or busier than two
 * shared cores.
 */
export const TIME_SCALE = parseScale(process.env.TEST_TIME_SCALE);

/** A wait ceiling in ms, scaled by TEST_TIME_SCALE. */
export const scaled = (ms: number): number => Math.round(ms * TIME_SCALE);

/**
 * The local gateway enforces each function's Lambda timeout; under jest a handler's first call
 * also pays for transforming its modules (swc), which a bundled Lambda never does, so tests
 * give handlers four times their deployed timeout.
 */
export const FUNCTION_TIMEOUT_SCALE = 4 * TIME_SCALE;

function parseScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`TEST_TIME_SCALE must be a positive number, not "${raw}"`);
  return value;
}
