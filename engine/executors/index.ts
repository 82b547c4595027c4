/** The executor types by their k6 type string. */
import { constantArrivalRate } from './constant-arrival-rate.ts';
import { constantVus } from './constant-vus.ts';
import { perVuIterations } from './per-vu-iterations.ts';
import { rampingArrivalRate } from './ramping-arrival-rate.ts';
import { rampingVus } from './ramping-vus.ts';
import { sharedIterations } from './shared-iterations.ts';
import type { BaseConfig, ExecutorType } from './types.ts';

export const EXECUTORS: Record<string, ExecutorType<BaseConfig>> = Object.fromEntries(
  [sharedIterations, perVuIterations, constantVus, rampingVus, constantArrivalRate, rampingArrivalRate].map((e) => [e.type, e as unknown as ExecutorType<BaseConfig>]),
);
