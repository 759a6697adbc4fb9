/**
 * The terraform and cloudformation artifacts of every golden case mean what the ruleset means:
 * each is turned back into describe-security-groups JSON (by a small test-only reading of its
 * resources), read by the aws reader, and diffed with the ruleset: equivalent.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffPolicies, rulesetPolicy } from '../../src/analysis/index.js';
import { getBackend } from '../../src/backends/index.js';
import { analyze } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/diagnostics/index.js';
import { assignments } from '../helpers.js';
import { goldenCases } from '../golden/rulesets.js';
import { fromCloudFormation, fromTerraform, type Group } from './aws-artifacts.js';

const read = (p: string) => {
  try {
    return { text: readFileSync(p, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
};

describe.each(goldenCases)('terraform and cloudformation agree with the ruleset: $name', ({ name, file, set }) => {
  const ir = analyze({ entry: file, read, set: assignments(...set) }).ir!;
  const check = (groups: Group[]): void => {
    const r = getBackend('aws').read!([{ path: 'groups.json', text: JSON.stringify({ SecurityGroups: groups }) }], { roles: ir.roles });
    expect(r.diagnostics.map(formatDiagnostic).join('\n')).toBe('');
    expect(groups.length).toBe(ir.roles.length);
    expect(diffPolicies(rulesetPolicy(ir, 'ruleset'), r.policy!).equivalent).toBe(true);
  };

  it('cloudformation template.json', () => {
    check(fromCloudFormation(readFileSync(`test/golden/cloudformation/${name}/template.json`, 'utf8')));
  });

  it('terraform main.tf', () => {
    check(fromTerraform(readFileSync(`test/golden/terraform/${name}/main.tf`, 'utf8')));
  });
});

describe('the agreement check can fail', () => {
  it('a main.tf without one rule is not equivalent', () => {
    const ir = analyze({ entry: 'rulesets/talos-aws.pal', read }).ir!;
    const tf = readFileSync('test/golden/terraform/talos-aws/main.tf', 'utf8').replace(/^resource "aws_vpc_security_group_ingress_rule" "cp-etcd" \{\n[\s\S]*?^\}\n/m, '');
    const groups = fromTerraform(tf);
    const r = getBackend('aws').read!([{ path: 'groups.json', text: JSON.stringify({ SecurityGroups: groups }) }], { roles: ir.roles });
    expect(diffPolicies(rulesetPolicy(ir, 'ruleset'), r.policy!).equivalent).toBe(false);
  });
});
