/** A copy of a generated ruleset with 1% of its rules edited (port, action, or source changed). */
import { prng } from './generate.js';

export function editRuleset(text: string, fraction = 0.01, seed = 2): string {
  const rand = prng(seed);
  const lines = text.split('\n');
  const rules = lines.flatMap((l, i) => (/^rule\d+ /.test(l) ? [i] : []));
  const count = Math.max(1, Math.round(rules.length * fraction));
  for (let k = 0; k < count; k++) {
    const i = rules[rand(rules.length)]!;
    const line = lines[i]!;
    const kind = rand(3);
    if (kind === 0 && /tcp\/\d+/.test(line)) lines[i] = line.replace(/tcp\/(\d+)/, (_, p: string) => `tcp/${(Number(p) % 60000) + 1}`);
    else if (kind === 1) lines[i] = line.includes(' allow ') ? line.replace(' allow ', ' deny ') : line.replace(' deny ', ' allow ');
    else lines[i] = line.replace(/ (\S+) -> /, ' [$1, 192.0.2.0/24] -> ');
  }
  return lines.join('\n');
}
