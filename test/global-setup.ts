/** Bundles the CLI once before the tests, so CLI tests always run the current code. */
// @ts-expect-error: a plain ES module without type declarations
import { bundle } from '../scripts/bundle.mjs';

export default async function setup(): Promise<void> {
  await (bundle as () => Promise<void>)();
}
