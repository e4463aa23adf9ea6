import { assertAllowed, FINAL_STATES, IllegalTransitionError, MOVES, openTargets, TARGET_STATES, TERMINAL_STATES, TRANSITIONS, type TargetMove, type TargetState } from '../../../../functions/lib/release/target-lifecycle';

/** Every move the code can name: the fixed ones, and the parametrised ones for each state they accept. */
function everyMove(): [string, TargetMove][] {
  const moves: [string, TargetMove][] = [];
  for (const [name, value] of Object.entries(MOVES)) if (typeof value !== 'function') moves.push([name, value]);
  for (const from of ['audit_passed', 'held'] as const) for (const gray of [false, true]) moves.push([`goLive(${from}, ${gray})`, MOVES.goLive(from, gray)]);
  for (const from of ['released', 'gray_released'] as const) moves.push([`rollBack(${from})`, MOVES.rollBack(from)]);
  // What recordFailure and cancel pass: a target the pipeline has not finished with.
  for (const from of TARGET_STATES.filter((s) => !TERMINAL_STATES.has(s))) moves.push([`fail(${from})`, MOVES.fail(from)]);
  for (const from of TARGET_STATES.filter((s) => !FINAL_STATES.has(s))) moves.push([`cancel(${from})`, MOVES.cancel(from)]);
  return moves;
}

describe('Module: target-lifecycle', () => {
  it('the table names every state, and only states', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...TARGET_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const to of targets) expect(TARGET_STATES).toContain(to);
  });

  it.each(everyMove())('%s is a move the table allows', (_name, move) => {
    expect(() => assertAllowed(move)).not.toThrow();
  });

  it('every edge of the table is a move some caller makes (no dead rule)', () => {
    const used = new Set(everyMove().flatMap(([, m]) => m.from.map((from) => `${from}>${m.to}`)));
    const edges = Object.entries(TRANSITIONS).flatMap(([from, targets]) => targets.map((to) => `${from}>${to}`));
    expect(edges.filter((edge) => !used.has(edge))).toEqual([]);
  });

  it('a move the table does not allow throws IllegalTransitionError naming it', () => {
    expect(() => assertAllowed({ from: ['pending'], to: 'released' })).toThrow(IllegalTransitionError);
    expect(() => assertAllowed({ from: ['domains_set', 'rolled_back'], to: 'failed' })).toThrow(expect.objectContaining({ from: 'rolled_back', to: 'failed' }));
    // Held and gray-released apps wait for an operator; cancelling a release leaves them.
    expect(() => assertAllowed({ from: ['held'], to: 'cancelled' })).toThrow(IllegalTransitionError);
  });

  it('cancelled and rolled back are dead ends; released only rolls back; failed only retries', () => {
    expect(TRANSITIONS.cancelled).toEqual([]);
    expect(TRANSITIONS.rolled_back).toEqual([]);
    expect(TRANSITIONS.released).toEqual(['rolled_back']);
    expect(TRANSITIONS.failed).toEqual(['pending']);
  });

  it('openTargets counts what is not terminal, held and gray-released included', () => {
    const counts: Partial<Record<TargetState, number>> = { released: 2, failed: 1, held: 1, gray_released: 1, audit_submitted: 1 };
    expect(openTargets({ total: 6, counts })).toBe(3);
  });
});
