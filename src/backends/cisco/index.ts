/**
 * `--target cisco`: see src/backends/acl/ (the model, lowering, printer and reader shared by the
 * switch ACL targets) and docs/targets/cisco.md.
 */
import { switchBackend } from '../acl/backend.js';

export const cisco = switchBackend('cisco');
