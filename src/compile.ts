/**
 * The pipeline as a library call, with every target at hand:
 *
 *     compile({ entry, read, target }) = analyze (parse, lower, check target blocks) → check → guards → emit
 *
 * The steps are in pipeline.ts; this adds the eager registry (backends/index.ts), for tests,
 * the bench and other library users. The CLI uses pipeline.ts with backends/lazy.ts instead,
 * so a command loads only the target it uses.
 */
import { getBackend, type TargetId } from './backends/index.js';
import { compileWith, type Compiled, type RulesetInput } from './pipeline.js';

export { analyze, compileWith, type Analyzed, type Compiled, type RulesetInput } from './pipeline.js';

export function compile(input: RulesetInput & { readonly target: TargetId }): Compiled {
  return compileWith(input, getBackend(input.target));
}
