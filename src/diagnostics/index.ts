export { SourceFile, joinSpans, type Span } from './source.js';
export {
  error,
  warning,
  withExtras,
  hasErrors,
  sortDiagnostics,
  type Diagnostic,
  type Related,
  type Severity,
} from './diagnostic.js';
export { messages, type Code } from './codes.js';
export { formatDiagnostic, codeFrame, location } from './format.js';
export { nearest, didYouMean } from './suggest.js';
export { CommandLine } from './command-line.js';
