// Runs the independent IAM evaluator @cloud-copilot/iam-simulate (pinned in
// tests/support/iam-simulate/package-lock.json, installed by scripts/test) over the cases
// tests/iam_differential.rs writes, and prints one verdict line per principal.
//
//   node iam_simulate.js NODE_MODULES CASES.json SHARD SHARDS
//
// For each principal and action it asks about concrete resources (or `*` for actions without
// a resource type), with a favourable request context (MFA) and an unfavourable one (no MFA):
// "A" when some resource is allowed even without MFA, "C" when only with it, "D" otherwise. A line is `index<TAB>verdicts` (one letter per action); a simulator error
// prints `index<TAB>ERROR<TAB>message` and the test fails on it.
'use strict';

const path = require('path');
const fs = require('fs');

const [modules, casesFile, shardArg, shardsArg] = process.argv.slice(2);
// Resolved from the given node_modules (through the packages' export maps).
const load = (name) => require(require.resolve(name, { paths: [path.dirname(modules)] }));
const simulate = load('@cloud-copilot/iam-simulate');
const policyLib = load('@cloud-copilot/iam-policy');
// The simulator's core decision function, called directly: `runSimulation` re-validates and
// re-parses every policy on every request, which makes a few hundred thousand requests take
// many minutes. Its inputs are built the way `runSimulation` builds them (same pinned version).
const dist = path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate', { paths: [path.dirname(modules)] })));
const { authorize } = require(path.join(dist, 'core_engine/CoreSimulatorEngine.js'));
const { AwsRequestImpl } = require(path.join(dist, 'request/request.js'));
const { RequestContextImpl } = require(path.join(dist, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = require(
  path.join(dist, 'context_keys/discoveryContextKeyConstraints.js')
);

const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const shard = Number(shardArg);
const shards = Number(shardsArg);

// Every policy is validated with the simulator's own validator first: an error fails the test.
function loaded(doc, name, validate) {
  const errors = validate(doc);
  if (errors.length > 0) {
    throw new Error(`${name} is not valid for the simulator: ${JSON.stringify(errors)}`);
  }
  return policyLib.loadPolicy(doc, { name });
}

function scpSet(levels) {
  return levels.map((level, i) => ({
    orgIdentifier: `level-${i}`,
    policies: level.map((p) => loaded(p.policy, p.name, policyLib.validateServiceControlPolicy))
  }));
}

const discovery = new DiscoveryContextKeyConstraints([]);

function allowedSomewhere(policies, principal, action, wildcardOnly, resources, context) {
  for (const r of resources) {
    const request = new AwsRequestImpl(
      principal,
      { resource: r.arn, accountId: cases.account },
      action,
      new RequestContextImpl({ ...context, 'aws:RequestedRegion': r.region }),
      wildcardOnly
    );
    const analysis = authorize({
      request,
      sessionPolicy: undefined,
      identityPolicies: policies.identity,
      serviceControlPolicies: policies.scps,
      resourceControlPolicies: [],
      resourcePolicy: undefined,
      permissionBoundaries: policies.boundary,
      vpcEndpointPolicies: undefined,
      simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: discovery },
      serviceSettings: {}
    });
    if (analysis.result === 'Allowed') {
      return true;
    }
  }
  return false;
}

async function main() {
  const scpSets = cases.scp_sets.map(scpSet);
  const wildcardOnly = {};
  for (const action of cases.actions) {
    const [service, name] = action.split(':');
    wildcardOnly[action] = await simulate.isWildcardOnlyAction(service, name);
  }
  const out = [];
  for (let index = shard; index < cases.principals.length; index += shards) {
    const p = cases.principals[index];
    let letters = '';
    try {
      const policies = {
        identity: p.identity.map((d, i) => loaded(d, `p${i}`, policyLib.validateIdentityPolicy)),
        boundary: p.boundary
          ? [loaded(p.boundary, 'boundary', policyLib.validateIdentityPolicy)]
          : undefined,
        scps: scpSets[p.scp_set]
      };
      const favourable = { ...p.context, ...cases.favourable };
      const unfavourable = { ...p.context, ...cases.unfavourable };
      for (const action of cases.actions) {
        const args = [policies, p.arn, action, wildcardOnly[action], cases.resources[action]];
        if (!allowedSomewhere(...args, favourable)) {
          letters += 'D';
        } else if (allowedSomewhere(...args, unfavourable)) {
          letters += 'A';
        } else {
          letters += 'C';
        }
      }
      out.push(`${index}\t${letters}`);
    } catch (err) {
      out.push(`${index}\tERROR\t${String(err.message).replace(/\s+/g, ' ')}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`iam_simulate.js: ${err.stack || err}\n`);
  process.exit(2);
});
