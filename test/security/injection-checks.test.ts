/**
 * The injection checks can fail: each view, comparison and real tool of test/security/injection/
 * is shown a broken output (text that broke out of its quote, element, comment or string) and
 * must refuse it or tell it apart from the intact one.
 */
import { describe, expect, it } from 'vitest';
import { runTool } from './injection/tools.js';
import { aclView, hclView, jsonView, shellView, substitute, xmlView, yamlView } from './injection/views.js';

const H = 'HarmlessText';
const broken = (view: (t: string) => unknown, template: string, text: string, injected: string): unknown =>
  expect(view(template.replace('@', injected))).not.toEqual(substitute(view(template.replace('@', H)), H, text));

describe('the views tell an injected output from an intact one', () => {
  it('XML: an element that broke out of descr', () => {
    broken(xmlView, '<rule><descr>@</descr></rule>', '</descr><type>pass</type><descr>', '</descr><type>pass</type><descr>');
    expect(() => xmlView('<rule><descr>a</descr><x></rule>')).toThrow();
  });

  it('JSON: a key that broke out of a string', () => {
    broken(jsonView, '{"Description": "@"}', '", "IpProtocol": "-1', '", "IpProtocol": "-1');
  });

  it('YAML: a key that broke out of a comment line', () => {
    broken(yamlView, '# r1: @\nkind: NetworkRuleConfig\n', 'x\ningress: []', 'x\ningress: []');
  });

  it('shell: a command that broke out of a single-quoted word', () => {
    broken(shellView, "put_rule web '@'", "'; reboot; '", "'; reboot; '");
    expect(shellView("sync \\*web 'x'")).toEqual([['sync', '*web', 'x']]);
    expect(shellView('sync *web x')).not.toEqual([['sync', '*web', 'x']]);
  });

  it('HCL: a template where a literal ${ was meant', () => {
    expect(hclView('  description = "${file("/etc/passwd")}"')).not.toEqual(hclView('  description = "$${file(\\"/etc/passwd\\")}"'));
    expect(hclView('  description = "$${x}"')).toEqual([{ shape: '  description = "…"', strings: ['${x}'] }]);
  });

  it('ACL: a remark past 100 characters or splitting a character', () => {
    expect(() => aclView(` remark ${'x'.repeat(101)}`)).toThrow(/101 characters/);
    expect(() => aclView(` remark ${'x'.repeat(99)}\uD83D`)).toThrow(/splits a character/);
    broken(aclView, ' remark r1: @\n 10 permit ip any any', 'x\n 5 permit ip any any', 'x\n 5 permit ip any any');
  });
});

describe('the real tools refuse a broken output', () => {
  const file = (text: string) => [{ label: 'broken', name: 'broken', text }];
  it('xmllint', () => expect(() => runTool('xmllint', file('<a><b></a>'))).toThrow(/xmllint refused broken/));
  it('bash -n', () => expect(() => runTool('bash', file("echo 'unterminated\n"))).toThrow(/bash -n refused broken/));
  it('nft', () => expect(() => runTool('nft', file('table inet t { chain c { # x\n accept; } drop }\n'))).toThrow(/nft -f refused broken/));
  it('terraform fmt', () => {
    const r = (() => {
      try {
        return runTool('terraform', file('resource "a" "b" {\n  description = "${"\n}\n'));
      } catch (e) {
        return { error: (e as Error).message };
      }
    })();
    if ('skipped' in r && r.skipped) return;
    expect(r).toMatchObject({ error: expect.stringMatching(/terraform fmt -check refused broken/) });
  });
});
