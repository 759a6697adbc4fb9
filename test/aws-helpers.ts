/**
 * Helpers for the AWS targets' tests: the request payloads a deploy.sh sends (read back from its
 * shell words with shell-quote), botocore's parameter validation of them, and moto_server.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parse } from 'shell-quote';

export interface Request {
  readonly operation: string;
  readonly params: unknown;
}

/** The payloads of deploy.sh's ensure_group and sync lines, with group names as fake ids. */
export function deployRequests(script: string): Request[] {
  const ids = new Map<string, string>();
  const id = (name: string): string => {
    if (!ids.has(name)) ids.set(name, `sg-${(ids.size + 1).toString(16).padStart(17, '0')}`);
    return ids.get(name)!;
  };
  const out: Request[] = [];
  for (const line of script.split('\n')) {
    const words = parse(line).filter((w): w is string => typeof w === 'string');
    if (words.length < 3) continue;
    if (words[0] === 'ensure_group') {
      out.push({ operation: 'CreateSecurityGroup', params: { ...JSON.parse(words[2]!), VpcId: 'vpc-0123456789abcdef0' } });
      id(words[1]!);
    } else if (words[0] === 'sync') {
      for (const [i, operation] of [
        [2, 'AuthorizeSecurityGroupIngress'],
        [3, 'AuthorizeSecurityGroupEgress'],
      ] as const) {
        const p = JSON.parse(words[i]!) as { IpPermissions: { UserIdGroupPairs: { GroupId: string }[] }[] };
        for (const perm of p.IpPermissions) for (const pair of perm.UserIdGroupPairs) pair.GroupId = id(pair.GroupId);
        out.push({ operation, params: { ...p, GroupId: id(words[1]!) } });
      }
    }
  }
  return out;
}

const VALIDATE = `
import json, sys
import botocore.session
from botocore.validate import ParamValidator
model = botocore.session.get_session().get_service_model('ec2')
errors = []
for request in json.load(sys.stdin):
    report = ParamValidator().validate(request['params'], model.operation_model(request['operation']).input_shape)
    if report.has_errors():
        errors.append(request['operation'] + ': ' + report.generate_report())
print(json.dumps(errors))
`;

/** botocore's client-side validation of each request against the EC2 model: the errors. */
export function botocoreErrors(requests: readonly Request[]): string[] {
  return JSON.parse(execFileSync('python3', ['-c', VALIDATE], { input: JSON.stringify(requests), encoding: 'utf8' })) as string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts moto_server on 127.0.0.1 and waits until it answers. */
export async function startMoto(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${url}/moto-api/`);
      if (r.ok) return { url, process: child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('moto_server did not start (is it installed? pip install "moto[server]")');
}
