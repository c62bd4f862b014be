import { InvalidInputError } from '../errors.js';
import type { EnforcerDeps } from './deps.js';
import { applyWave, type WaveResult } from './applyWave.js';
import { requireRollouts } from './rolloutAccess.js';
import type { GroupLister } from './rescanMembers.js';

export interface DueWaveResult {
  applied: WaveResult[];
  /** Waves of auto plans not yet due, with their dates (the next run picks them up). */
  waiting: Array<{ planId: string; wave: number; notBefore: string }>;
}

/**
 * The rollout timer: for every active plan made with --auto, apply its pending waves whose date
 * has come, in order, and none before its date; a wave that pauses its plan, or stops because it
 * lost its lease (it stays `applying`, picked up again next run), stops that plan for this run.
 */
export async function applyDueWaves(deps: EnforcerDeps, lister: GroupLister, failureThreshold: number): Promise<DueWaveResult> {
  const out: DueWaveResult = { applied: [], waiting: [] };
  const rollouts = requireRollouts(deps);
  // Plan rows first: only an active auto plan's waves and members are read (not every plan ever made, each tick).
  for (const head of await rollouts.listPlans()) {
    if (!head.auto || head.status !== 'active') continue;
    const record = await rollouts.get(head.id);
    if (!record || !record.plan.auto || record.plan.status !== 'active') continue;
    for (const wave of record.waves.filter((w) => w.status === 'pending' || w.status === 'applying')) {
      if (deps.clock().getTime() < Date.parse(wave.notBefore)) {
        out.waiting.push({ planId: record.plan.id, wave: wave.number, notBefore: wave.notBefore });
        break;
      }
      let result: WaveResult;
      try {
        result = await applyWave(deps, lister, { planId: record.plan.id, wave: wave.number, by: 'rollout timer', failureThreshold });
      } catch (err) {
        // Someone is applying it right now (or it changed state since it was read): the next run looks again.
        if (!(err instanceof InvalidInputError)) throw err;
        deps.log('warn', `rollout timer skipped ${record.plan.id} wave ${wave.number}: ${err.message}`, { planId: record.plan.id });
        break;
      }
      out.applied.push(result);
      // Paused, or stopped (its lease lost): the plan's next wave waits for this one.
      if (result.paused || result.stopped) break;
    }
  }
  return out;
}
