/**
 * `--target arista`: see src/backends/acl/ (the model, lowering, printer and reader shared by the
 * switch ACL targets) and docs/targets/arista.md.
 */
import { switchBackend } from '../acl/backend.js';

export const arista = switchBackend('arista');
