/**
 * The automatic rules both products put in front of the user's rules on an interface of a full
 * config.xml: the LAN anti-lockout rule (pass TCP from anywhere to the LAN address on the web
 * GUI's ports, and SSH's when enabled), unless `<webgui><noantilockout>` turns it off. WAN's
 * "block private networks" and "block bogon networks" depend on lists outside the file and are
 * an error.
 */
import type { SourceFile } from '../../diagnostics/index.js';
import { unsupported } from './read-env.js';
import type { Product } from './read-legacy.js';
import type { RawRule } from './read-policy.js';
import { child, isElement, text } from './read-xml.js';

/** pfSense's automatic rules in front of the user's on this interface (full config.xml only). */
export function implicitRules(root: unknown, iface: string, source: SourceFile, product: Product): RawRule[] {
  const settings = child(child(root, 'interfaces'), iface);
  if (isElement(settings) && ('blockpriv' in settings || 'blockbogons' in settings)) {
    unsupported(source.span(0, 0), `the "block private networks" or "block bogon networks" rules of interface ${iface}`);
  }
  const system = child(root, 'system');
  if (iface !== 'lan' || !isElement(system) || !isElement(child(root, 'interfaces'))) return [];
  const webgui = child(system, 'webgui');
  if (isElement(webgui) && 'noantilockout' in webgui) return [];
  const protocol = text(child(webgui, 'protocol')).trim() || 'https';
  const ports = [text(child(webgui, 'port')).trim() || (protocol === 'http' ? '80' : '443')];
  if (protocol === 'https' && !(isElement(webgui) && 'disablehttpredirect' in webgui)) ports.push('80');
  const ssh = child(system, 'ssh');
  const sshOn = product === 'pfsense' ? isElement(ssh) && 'enable' in ssh : text(child(ssh, 'enabled')).trim() === 'enabled';
  if (sshOn) ports.push(text(child(ssh, 'port')).trim() || '22');
  const label = 'anti-lockout rule';
  return [
    {
      action: 'pass',
      family: 'inet46',
      protocol: 'tcp',
      source: { values: [{ kind: 'address', value: 'any' }], not: false },
      destination: { values: [{ kind: 'network', value: 'lanip' }], not: false, port: ports.join(',') },
      label,
      text: `${label}: pass tcp to the LAN address, ports ${ports.join(', ')} (automatic)`,
      span: source.span(0, 0),
    },
  ];
}

