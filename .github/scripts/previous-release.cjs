// The release to roll back to: the commit of the newest successful deployment to `environment`
// made by the deploy workflow (other workflows that use the environment, such as synthetic.yml
// and soak.yml, create deployment records too; they are not releases). Used by deploy.yml
// through actions/github-script; sets the output `sha` ('' on a first deploy).
module.exports = async ({ github, context, core }, environment) => {
  const { data: deployments } = await github.rest.repos.listDeployments({ ...context.repo, environment, per_page: 50 });
  for (const d of deployments) {
    if (d.sha === context.sha) continue;
    const { data: statuses } = await github.rest.repos.listDeploymentStatuses({ ...context.repo, deployment_id: d.id, per_page: 1 });
    const status = statuses[0];
    if (status?.state !== 'success') continue;
    const runId = /\/actions\/runs\/(\d+)/.exec(status.log_url || status.target_url || '')?.[1];
    if (!runId) continue;
    const { data: run } = await github.rest.actions.getWorkflowRun({ ...context.repo, run_id: Number(runId) });
    if (run.path !== '.github/workflows/deploy.yml') continue;
    core.info(`previous ${environment} release: ${d.sha} (deployed by run ${run.html_url})`);
    core.setOutput('sha', d.sha);
    return;
  }
  core.setOutput('sha', '');
  core.warning(`No earlier successful ${environment} deploy by deploy.yml: a failure now cannot roll back (first deploy). See docs/runbook.md#rollback`);
};
