/** The switch ACL core, for tests and tools: parse ACL text, and what it means in each view. */
export { parseAcls } from './read.js';
export { aclPolicy } from './semantics.js';
export type { DialectId } from './dialect.js';
export type { Acl, AclEntry } from './model.js';
