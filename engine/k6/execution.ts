/** k6/execution: the current VU, scenario, instance and test, read from the VU of this async chain. */
import { runtime, TestAbortError } from '../runtime.ts';
import { currentVu } from '../vu.ts';

function vuTags(): Record<string, string> {
  const v = currentVu();
  return new Proxy(v.customTags, {
    set(t, k, value) { t[k as string] = String(value); v.refreshTags(); return true; },
    deleteProperty(t, k) { delete t[k as string]; v.refreshTags(); return true; },
  });
}

const vu = {
  get idInInstance() { return currentVu().idInInstance; },
  get idInTest() { return currentVu().idInTest; },
  get iterationInInstance() { return Math.max(0, currentVu().iterationInInstance); },
  get iterationInScenario() { return Math.max(0, currentVu().iterationInScenario); },
  /** Writable: `exec.vu.tags.flow = 'checkout'` tags this VU's later samples, as in k6. */
  get tags() { return vuTags(); },
  get metrics() { return { tags: vuTags(), metadata: {} }; },
};

function scenarioOf() {
  const s = currentVu().scenario;
  if (!s) throw new Error('k6/execution: scenario information is available only inside a scenario (not in the init context, setup or teardown).');
  return s;
}

const scenario = {
  get name() { return scenarioOf().name; },
  get executor() { return scenarioOf().executor; },
  get startTime() { return scenarioOf().startedAt; },
  get progress() { return scenarioOf().progress(); },
  get iterationInInstance() { return Math.max(0, currentVu().iterationInTest); },
  get iterationInTest() { return Math.max(0, currentVu().iterationInTest); },
};

const instance = {
  get iterationsCompleted() { return runtime().iterationsCompleted; },
  get iterationsInterrupted() { return runtime().iterationsInterrupted; },
  get vusActive() { return runtime().activeVus; },
  get vusInitialized() { return runtime().allocatedVus; },
  get currentTestRunDuration() { return Date.now() - runtime().testStartedAt; },
};

const test = {
  /** Stops the whole test; teardown still runs and the exit code is 108. */
  abort(reason = ''): never {
    throw new TestAbortError(reason);
  },
  get options() { return runtime().options; },
  fail(): void { runtime().markedFailed = true; },
};

export { vu, scenario, instance, test };
export default { vu, scenario, instance, test };
