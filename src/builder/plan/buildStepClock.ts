import { BUILD_STEPS, type BuildStep, type StepStatus, type StepTime } from '../../model/artifact/buildStats.js';

/** Times the steps of one build as it moves from one to the next. */
export interface BuildStepClock {
  /** The step now running ends, `step` begins (a step begun again goes on: autoreconf, then configure). */
  begin(step: BuildStep): void;
  /** The step now running ends; `step` had nothing to do. */
  skip(step: BuildStep): void;
  /** The step running now, if any: the one a failure happened in. */
  current(): BuildStep | undefined;
  /** Ends the step running and gives every step's time (a step never reached: skipped). */
  finish(): StepTime[];
}

export function startStepClock(onBegin?: (step: BuildStep) => void): BuildStepClock {
  const times = new Map<BuildStep, StepTime>();
  let running: { step: BuildStep; began: number } | undefined;
  const stop = () => {
    if (running === undefined) return;
    times.set(running.step, { step: running.step, status: 'ran', seconds: (performance.now() - running.began) / 1000 });
    running = undefined;
  };
  return {
    begin(step) {
      if (running?.step === step) return;
      stop();
      running = { step, began: performance.now() };
      onBegin?.(step);
    },
    skip(step) {
      stop();
      times.set(step, { step, status: 'skipped', seconds: 0 });
    },
    current: () => running?.step,
    finish() {
      stop();
      return BUILD_STEPS.map((step) => times.get(step) ?? { step, status: 'skipped', seconds: 0 });
    },
  };
}

/** The steps of a build that did not run here: every one cached, or fetched. */
export function untimedSteps(status: Exclude<StepStatus, 'ran'>): StepTime[] {
  return BUILD_STEPS.map((step) => ({ step, status, seconds: 0 }));
}
