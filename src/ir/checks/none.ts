/** No findings: one shared, frozen empty list, so a check allocates nothing for a rule that passes. */
import type { Diagnostic } from '../../diagnostics/index.js';

export const none: readonly Diagnostic[] = Object.freeze([]);
