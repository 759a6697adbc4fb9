import { messages, type Code, type MessageArgs } from './codes.js';
import type { Span } from './source.js';

export type Severity = 'error' | 'warning';

/** A related location, shown after the main frame ("first declared here"). */
export interface Related {
  readonly span: Span;
  readonly message: string;
}

/** The one diagnostic type for lexer, parser, semantic, target and command-line problems. */
export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly span?: Span;
  readonly related?: readonly Related[];
  readonly hint?: string;
}

export interface DiagnosticExtras {
  readonly related?: readonly Related[];
  readonly hint?: string | undefined;
}

function make<C extends Code>(
  severity: Severity,
  code: C,
  span: Span | undefined,
  args: MessageArgs<C>,
  extras: DiagnosticExtras,
): Diagnostic {
  const template = messages[code] as (...a: MessageArgs<C>) => string;
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    code,
    severity,
    message: template(...args),
  };
  if (span) d.span = span;
  if (extras.related && extras.related.length > 0) d.related = extras.related;
  if (extras.hint) d.hint = extras.hint;
  return d;
}

/** An error at `span` with the message template of `code`. */
export function error<C extends Code>(
  code: C,
  span: Span | undefined,
  ...args: MessageArgs<C>
): Diagnostic {
  return make('error', code, span, args, {});
}

/** A warning at `span` with the message template of `code`. */
export function warning<C extends Code>(
  code: C,
  span: Span | undefined,
  ...args: MessageArgs<C>
): Diagnostic {
  return make('warning', code, span, args, {});
}

/** The same diagnostic with a hint and/or related locations added. */
export function withExtras(d: Diagnostic, extras: DiagnosticExtras): Diagnostic {
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { ...d };
  if (extras.related && extras.related.length > 0) out.related = [...(d.related ?? []), ...extras.related];
  if (extras.hint) out.hint = extras.hint;
  return out;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Diagnostics in source order (file, then offset), errors before warnings at the same place. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.source.name ?? '';
    const fb = b.span?.source.name ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const oa = a.span?.start ?? -1;
    const ob = b.span?.start ?? -1;
    if (oa !== ob) return oa - ob;
    return a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1;
  });
}
