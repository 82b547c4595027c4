#!/usr/bin/env bash
# ═══ THE STEP TO REPLACE ═══════════════════════════════════════════════════════════════════
# Deploys one release (a commit SHA) to one environment and waits until the platform reports it
# live. .github/workflows/deploy.yml calls it to deploy, and again with the previous release to
# roll back. Two working examples: Railway (PLATFORM=railway) and Render (PLATFORM=render).
# For another platform, replace the body of deploy_<platform> and keep the contract:
#   deploy/deploy.sh <environment> <release-sha>              exit 0 once <release-sha> serves traffic.
#   deploy/deploy.sh <environment> <release-sha> candidate    the same, to the environment's
#     candidate service: production's configuration and database, no public traffic. The pipeline
#     smokes the release there before the public service takes it (blue-green: the new release
#     takes traffic only after its health and smoke pass).
# Rolling back = deploying the previous release; migrations are expand/contract, so the previous
# release runs on the new schema and nothing here ever runs a down migration.
set -euo pipefail
environment=${1:?usage: deploy/deploy.sh <environment> <release-sha>}
release=${2:?usage: deploy/deploy.sh <environment> <release-sha>}
slot=${3:-}
case $slot in
  '') suffix='' what="the $environment environment" ;;
  candidate) suffix=_CANDIDATE what="the $environment environment (its candidate service: same configuration and database, no public traffic)" ;;
  *) echo "::error::deploy/deploy.sh: the third argument may only be 'candidate', got '$slot'. See docs/runbook.md#deploy-failed" >&2; exit 2 ;;
esac
platform=${PLATFORM:?set PLATFORM=railway or PLATFORM=render (repository variable DEPLOY_PLATFORM)}

deploy_railway() {
  # Needs RAILWAY_TOKEN (a project token for this environment) and RAILWAY_SERVICE (RAILWAY_SERVICE_CANDIDATE).
  : "${RAILWAY_TOKEN:?RAILWAY_TOKEN is not set: add it as a secret of the $environment environment}"
  local var=RAILWAY_SERVICE$suffix service
  service=${!var:-}
  [ -n "$service" ] || { echo "$var is not set: add it as a variable of $what" >&2; return 1; }
  # Railway deploys the checked-out source: deploy <release> from a worktree of that commit.
  local dir; dir=$(mktemp -d)
  git worktree add --detach "$dir" "$release" >/dev/null
  trap 'git worktree remove --force "$dir" >/dev/null 2>&1 || true' RETURN
  # --ci streams the build and exits non-zero when the build or the health check fails.
  (cd "$dir" && npx --yes @railway/cli@4 up --ci --service "$service" --environment "$environment")
}

deploy_render() {
  # Needs RENDER_API_KEY and RENDER_SERVICE_ID (RENDER_SERVICE_ID_CANDIDATE): the service to deploy.
  : "${RENDER_API_KEY:?RENDER_API_KEY is not set: add it as a secret of the $environment environment}"
  local var=RENDER_SERVICE_ID$suffix service id status
  service=${!var:-}
  [ -n "$service" ] || { echo "$var is not set: add it as a variable of $what" >&2; return 1; }
  local api=https://api.render.com/v1/services/$service
  id=$(curl -fsS -X POST "$api/deploys" -H "Authorization: Bearer $RENDER_API_KEY" -H 'Content-Type: application/json' \
    -d "{\"commitId\":\"$release\",\"clearCache\":\"do_not_clear\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
  echo "render: deploy $id of $release to $environment${slot:+ ($slot)}"
  for _ in $(seq 1 180); do
    status=$(curl -fsS "$api/deploys/$id" -H "Authorization: Bearer $RENDER_API_KEY" | node -pe 'JSON.parse(require("fs").readFileSync(0)).status')
    case $status in
      live) echo "render: $release is live on $environment${slot:+ ($slot)}"; return 0 ;;
      build_failed|update_failed|canceled|deactivated|pre_deploy_failed) echo "::error::Render deploy $id of $release ended $status. See docs/runbook.md#deploy-failed"; return 1 ;;
    esac
    sleep 10
  done
  echo "::error::Render deploy $id of $release was not live within 30 minutes. See docs/runbook.md#deploy-failed"; return 1
}

case $platform in
  railway) deploy_railway ;;
  render) deploy_render ;;
  *) echo "::error::PLATFORM=$platform: deploy/deploy.sh knows railway and render; add a deploy_$platform function. See docs/runbook.md#deploy-failed" >&2; exit 2 ;;
esac
