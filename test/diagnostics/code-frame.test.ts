/** The printed form of diagnostics, compared as whole text. */
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../helpers.js';
import { error, formatDiagnostic, SourceFile, withExtras } from '../../src/diagnostics/index.js';

const format = (text: string): string => analyzeText(text).diagnostics.map(formatDiagnostic).join('\n');

describe('code frames', () => {
  it('prints location, message, code, the line and a caret under the span', () => {
    const text = 'role worker = 10.0.2.0/24\ncp allow wroker -> worker tcp/1\n';
    expect(format(text)).toBe(
      [
        'main.pal:2:10: error: unknown zone or role "wroker" [PAL3001]',
        '  2 | cp allow wroker -> worker tcp/1',
        '    |          ^^^^^^',
        'hint: did you mean "worker"?',
      ].join('\n'),
    );
  });

  it('shows where a duplicate was first declared', () => {
    const text = 'zone vpc = 10.0.0.0/16\nrole vpc = 10.0.1.0/24\n';
    expect(format(text)).toBe(
      [
        'main.pal:2:6: error: role "vpc" is declared more than once [PAL3004]',
        '  2 | role vpc = 10.0.1.0/24',
        '    |      ^^^',
        'main.pal:1:6: note: first declared here',
        '  1 | zone vpc = 10.0.0.0/16',
        '    |      ^^^',
      ].join('\n'),
    );
  });

  it('widens the gutter for long files and expands tabs', () => {
    const text = `${'\n'.repeat(99)}\tzone z = 10.0.0.1/8\n`;
    expect(format(text)).toBe(
      [
        'main.pal:100:11: error: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8 [PAL1005]',
        '  100 |     zone z = 10.0.0.1/8',
        '      |              ^^^^^^^^^^',
      ].join('\n'),
    );
  });

  it('underlines at least one column at the end of a line', () => {
    const source = new SourceFile('x.pal', 'allow a -> b');
    const d = withExtras(error('PAL2002', source.span(12, 12), 'a service', 'end of file'), {});
    expect(formatDiagnostic(d)).toBe(
      ['x.pal:1:13: error: expected a service, found end of file [PAL2002]', '  1 | allow a -> b', '    |             ^'].join('\n'),
    );
  });

  it('prints warnings as warnings', () => {
    const text = 'param admins: list(cidr) = []\nzone admin = $admins\nrole cp = 10.0.1.0/24\nx allow admin -> cp tcp/1\n';
    expect(format(text)).toBe(
      [
        'main.pal:4:9: warning: rule "x" matches nothing: its source is empty with the current parameters [PAL5002]',
        '  4 | x allow admin -> cp tcp/1',
        '    |         ^^^^^',
      ].join('\n'),
    );
  });
});
