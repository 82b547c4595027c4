/**
 * Load profiles, chosen with `-e PROFILE=<name>` (shipcheck passes its --profile). One shape
 * serves every size: the shape (ramp, hold, spike) stays, the numbers change.
 *
 * - `test`: seconds and a handful of VUs, so the test suite can run every shape.
 * - `ci`: each part ≤ 2 minutes; reaches the target's real sizing (all its users held, an
 *   hour's requests at a constant arrival rate) so a deploy gate proves it.
 * - `full`: the sizing at real durations (the users for 10 min, the hourly rate for 60 min).
 * - `soak`: hours, to find leaks and slow drift.
 */
import type { Profile } from '../../harness/target/types.ts';

export type ProfileName = Profile;

export const PROFILES: readonly ProfileName[] = ['test', 'ci', 'full', 'soak'];

function readProfile(): ProfileName {
  const raw = (__ENV.PROFILE ?? '').trim();
  if (raw === '') return 'ci';
  if ((PROFILES as readonly string[]).includes(raw)) return raw as ProfileName;
  throw new Error(`PROFILE=${JSON.stringify(raw)} is not a profile: use one of ${PROFILES.join(', ')} (default ci).`);
}

/** The profile of this run (`__ENV.PROFILE`, default `ci`). */
export const PROFILE: ProfileName = readProfile();

/** Picks this run's value: `byProfile({ test: 5, ci: 500, full: 500, soak: 500 })`. */
export function byProfile<T>(values: Record<ProfileName, T>): T {
  return values[PROFILE];
}

/**
 * Think time scales with the profile: real users pause seconds between clicks; the test
 * profile keeps the same rhythm twenty times faster so a run lasts seconds.
 */
export const THINK_SCALE: number = byProfile({ test: 0.05, ci: 1, full: 1, soak: 1 });

/**
 * Share of scheduled arrivals an open-model scenario may drop (no free VU when due): 1 % in
 * real runs. The test profile lasts seconds on whatever machine runs the test suite, where one
 * stalled second drops a tenth; it checks the scenario works, not the machine's speed.
 */
export const DROP_BUDGET: number = byProfile({ test: 0.1, ci: 0.01, full: 0.01, soak: 0.01 });

function readInstances(): number {
  const raw = (__ENV.PARALLELISM ?? '').trim();
  if (raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PARALLELISM=${JSON.stringify(raw)} must be a whole number ≥ 1 (the number of k6 instances sharing the test).`);
  return n;
}

/**
 * How many k6 instances share this test (k6-operator `parallelism`, passed as
 * `-e PARALLELISM=N` by `shipcheck manifest`). Each instance runs its execution segment and
 * judges thresholds on its own share, so count targets are divided among them.
 */
export const INSTANCES: number = readInstances();

/** This instance's share of a count target (rounded down, so the shares never exceed the whole). */
export function perInstance(total: number): number {
  return Math.floor(total / INSTANCES);
}
