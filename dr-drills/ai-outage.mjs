#!/usr/bin/env -S node --import=tsx
/**
 * AI provider outage. The API generates through an OpenAI-compatible provider the drill
 * controls. The provider first fails with errors, then hangs until the API's timeout. The
 * circuit breaker must open, generation must then fail fast with the documented 503
 * (AI_PROVIDER_CIRCUIT_OPEN, with Retry-After; the app has no fallback content), reads must
 * stay within their SLOs throughout, and the breaker must close once the provider recovers.
 */
import { drillArgs } from './lib/args.ts'
import { startDrill } from './lib/drill.ts'
import { appDatabase, createCluster, guardDatabaseUrl } from './lib/clusters.ts'
import { seedDataset } from './lib/dataset.ts'
import { startApi, probe } from './lib/api.ts'
import { FakeAiProvider } from './lib/fake-ai-provider.ts'
import { Traffic, generateRequest, isOk, percentile, readRequest } from './lib/traffic.ts'
import { sleep } from './lib/writer.ts'
import { secondsBetween } from './lib/progress.ts'
import { fail } from '../harness/errors.ts'

const args = drillArgs('ai-outage', {
  'steady-seconds': 2,        // healthy generation before the outage
  'error-seconds': 3,         // the provider answers HTTP 500
  'timeout-seconds': 4,       // then it hangs past AI_PROVIDER_TIMEOUT_MS
  'provider-timeout-ms': 500, // the app's per-attempt provider timeout
  'breaker-threshold': 3,     // consecutive failed generations that open the breaker
  'breaker-reset-ms': 2000,   // how long it stays open before a trial call
  'read-rate': 40,            // reads per second throughout
  'generate-rate': 4,         // generations per second throughout
  'read-p95-ms': 200,         // the API's reads SLO (slo.groups.reads in shipcheck.config.ts)
  'read-p99-ms': 500,
  'fail-fast-ms': 250,        // a generation rejected by the open breaker answers within this (p95)
  'close-target': 30,         // seconds from provider recovery to the breaker closed
}, ['provider-stays-down', 'no-breaker'])
if (guardDatabaseUrl('ai-outage', args)) throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: 'ai-outage', what: 'a cluster of its own', hint: 'drop --database-url.' })

const drill = startDrill({
  name: 'ai-outage',
  title: 'AI provider outage: errors, then timeouts; the circuit breaker opens and closes again',
  hypothesis: `When the generation provider fails, the breaker opens after ${args['breaker-threshold']} failures, generation fails fast (p95 ≤ ${args['fail-fast-ms']} ms) with a clear 503, reads keep their SLO (p95 ≤ ${args['read-p95-ms']} ms, no errors), and the breaker closes within ${args['close-target']} s of the provider recovering.`,
  out: args.out,
  targets: { recoverySeconds: args['close-target'], failFastSeconds: args['fail-fast-ms'] / 1000 },
  sabotage: args.sabotage,
})

// ─── Steady state ───────────────────────────────────────────────────────────
const provider = new FakeAiProvider()
const steady = await drill.step('Steady state: the API generating through a provider that answers', async (say) => {
  const providerUrl = await provider.start()
  drill.defer('stop the fake provider', () => provider.stop())
  say(`fake OpenAI-compatible provider at ${providerUrl}`)
  const cluster = await createCluster(drill, 'db', { say })
  const url = await appDatabase(cluster)
  const api = await startApi(drill, url, {
    keys: 20,
    env: {
      AI_PROVIDER_URL: providerUrl,
      AI_PROVIDER_KEY: 'drill-fake-provider-key',
      AI_PROVIDER_TIMEOUT_MS: String(args['provider-timeout-ms']),
      AI_PROVIDER_ATTEMPTS: '2',
      AI_PROVIDER_BACKOFF_MS: '50',
      CIRCUIT_BREAKER_THRESHOLD: String(args.sabotage === 'no-breaker' ? 1_000_000 : args['breaker-threshold']),
      CIRCUIT_BREAKER_RESET_MS: String(args['breaker-reset-ms']),
      RATE_LIMIT_READS_PER_MIN: '1000000',
      RATE_LIMIT_GENERATIONS_PER_HOUR: '10000000',
    },
  })
  if (args.sabotage === 'no-breaker') say('sabotage: circuit breaker threshold set out of reach')
  await seedDataset(url, 1000, say)
  const ids = Array.from({ length: 1000 }, (_, i) => i + 1)
  const reads = new Traffic('reads', readRequest(api.url, api.apiKeys, () => ids), args['read-rate']).start()
  const generations = new Traffic('generations', generateRequest(api.url, api.apiKeys), args['generate-rate'], 200).start()
  await sleep(args['steady-seconds'] * 1000)
  const gen = generations.samples
  drill.require({ name: 'generation works before the outage', target: 'every generation → 201 via the provider', observed: `${gen.filter((s) => s.status === 201).length} of ${gen.length}`, passed: gen.length > 0 && gen.every((s) => s.status === 201) && provider.calls.ok > 0 })
  return { api, reads, generations }
})
const { api, reads, generations } = steady

// ─── Disaster ───────────────────────────────────────────────────────────────
const outage = await drill.step(`Disaster: the provider fails with HTTP 500 for ${args['error-seconds']} s, then hangs for ${args['timeout-seconds']} s`, async (say) => {
  const errorsAt = Date.now()
  provider.mode = 'error'
  let openedAt
  const watchOpen = async (until) => {
    while (Date.now() < until) {
      if (!openedAt) {
        const h = await probe(`${api.url}/api/v1/health`)
        const state = h.body?.checks?.ai_provider?.details?.circuit_breaker
        if (state === 'open') { openedAt = Date.now(); say(`breaker open ${secondsBetween(errorsAt, openedAt)} s after the errors began (health: ${h.status} ${h.body?.status})`) }
      }
      await sleep(50)
    }
  }
  await watchOpen(errorsAt + args['error-seconds'] * 1000)
  const hangAt = Date.now()
  provider.mode = 'hang'
  say(`provider now hangs (calls so far: ${provider.calls.error} failed)`)
  await watchOpen(hangAt + args['timeout-seconds'] * 1000)
  say(`provider calls during the outage: ${provider.calls.error} answered 500, ${provider.calls.hang} hung`)
  return { errorsAt, hangAt, openedAt }
})

// ─── Restore ────────────────────────────────────────────────────────────────
const recovery = await drill.step('Restore: the provider answers again; wait for the breaker to close', async (say) => {
  const at = Date.now()
  if (args.sabotage !== 'provider-stays-down') provider.mode = 'ok'
  else say('sabotage: the provider stays down')
  const deadline = at + args['close-target'] * 1000 + 1000
  let closedAt
  while (!closedAt && Date.now() < deadline) {
    const ok = generations.samples.find((s) => s.at >= at && s.status === 201)
    const h = await probe(`${api.url}/api/v1/health`)
    if (ok && h.status === 200) closedAt = Date.now()
    else await sleep(100)
  }
  say(closedAt ? `breaker closed and health 200 ${secondsBetween(at, closedAt)} s after the provider recovered` : 'breaker still not closed')
  await sleep(500)
  await Promise.all([reads.stop(), generations.stop()])
  return { at, closedAt }
})

// ─── Verify ─────────────────────────────────────────────────────────────────
await drill.step('Verify: the breaker opened, generation failed fast and clearly, reads kept their SLO', async (say) => {
  drill.objective({ name: 'breaker opens', target: `open after ${args['breaker-threshold']} failed generations`, observed: outage.openedAt ? `open ${secondsBetween(outage.errorsAt, outage.openedAt)} s after the errors began` : 'never opened', passed: !!outage.openedAt })

  const during = generations.between(outage.errorsAt, recovery.at)
  const rejected = during.filter((s) => s.status === 503 && s.code === 'AI_PROVIDER_CIRCUIT_OPEN')
  const unavailable = during.filter((s) => s.status === 503 && s.code === 'AI_PROVIDER_UNAVAILABLE')
  // A request sent just before the recovery may succeed on its retry: a 201 is fine, anything but a clear 503 is not.
  const unclear = during.filter((s) => s.status !== 201 && !(s.status === 503 && (s.code === 'AI_PROVIDER_CIRCUIT_OPEN' || s.code === 'AI_PROVIDER_UNAVAILABLE')))
  say(`${during.length} generations during the outage: ${rejected.length} rejected by the open breaker, ${unavailable.length} failed after retries, ${unclear.length} other`)
  drill.objective({ name: 'generation fails clearly', target: 'every failed generation during the outage → 503 AI_PROVIDER_*', observed: `${during.length - unclear.length} of ${during.length} clear`, passed: during.length > 0 && unclear.length === 0, detail: unclear.length ? [...new Set(unclear.map((s) => s.status ? `${s.status} ${s.code ?? ''}` : s.error))].join(', ') : undefined })
  const providerCalls = provider.calls.error + provider.calls.hang
  drill.objective({ name: 'the open breaker shields the provider', target: `fewer provider calls than the ${during.length} generations asked for`, observed: `${providerCalls} provider calls`, passed: providerCalls < during.length })
  const p95 = percentile(rejected.map((s) => s.ms), 95)
  const slowest = percentile(unavailable.map((s) => s.ms), 100)
  say(`fail-fast p95 ${Math.round(p95)} ms (breaker open); slowest failure through the provider ${Math.round(slowest)} ms`)
  if (rejected.length) drill.measure('failFastSeconds', Math.round(p95) / 1000)
  drill.objective({ name: 'generation fails fast while the breaker is open', target: `p95 ≤ ${args['fail-fast-ms']} ms`, observed: rejected.length ? `p95 ${Math.round(p95)} ms over ${rejected.length}` : 'no request was rejected by the breaker', passed: rejected.length > 0 && p95 <= args['fail-fast-ms'] })

  const readSamples = reads.between(outage.errorsAt, recovery.at)
  const readFailed = readSamples.filter((s) => !isOk(s))
  const rp95 = percentile(readSamples.map((s) => s.ms), 95)
  const rp99 = percentile(readSamples.map((s) => s.ms), 99)
  drill.objective({ name: 'reads keep their SLO during the outage', target: `no errors, p95 ≤ ${args['read-p95-ms']} ms, p99 ≤ ${args['read-p99-ms']} ms`, observed: `${readFailed.length} errors of ${readSamples.length}, p95 ${Math.round(rp95)} ms, p99 ${Math.round(rp99)} ms`, passed: readSamples.length > 0 && readFailed.length === 0 && rp95 <= args['read-p95-ms'] && rp99 <= args['read-p99-ms'] })
})

// ─── Measure ────────────────────────────────────────────────────────────────
await drill.step('Measure: time for the breaker to close after the provider recovers', async () => {
  const seconds = recovery.closedAt ? secondsBetween(recovery.at, recovery.closedAt) : Infinity
  if (recovery.closedAt) drill.measure('recoverySeconds', seconds)
  if (outage.openedAt) drill.measure('breakerOpenSeconds', secondsBetween(outage.errorsAt, outage.openedAt))
  drill.objective({ name: 'breaker closes after recovery', target: `≤ ${args['close-target']} s`, observed: recovery.closedAt ? `${seconds} s` : 'still open', passed: seconds <= args['close-target'] })
})

process.exitCode = await drill.finish()
