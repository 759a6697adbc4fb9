/**
 * `--target nxos`: see src/backends/acl/ (the model, lowering, printer and reader shared by the
 * switch ACL targets) and docs/targets/nxos.md.
 */
import { switchBackend } from '../acl/backend.js';

export const nxos = switchBackend('nxos');
