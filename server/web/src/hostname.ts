// The warning shown while the server's host name cannot be used in DNS: the DNS
// records, the domain check and the client settings are all built from it, and with
// the built-in default ("localhost") they would tell the administrator to publish
// records pointing nowhere.

import * as api from '../../../generated/api'
import { h } from './dom'

// The host name in the static configuration text: `Hostname = "…"` in this server's
// TOML, `Hostname: …` in mox's own configuration format.
export function hostnameOf(staticText: string): string {
	const m = /^\s*Hostname\s*[=:]\s*"?([^"\s]*)"?/m.exec(staticText)
	return m ? m[1] : ''
}

// Top-level names that are never public (RFC 2606, RFC 6761, RFC 6762) or are
// commonly used only inside networks.
const privateTLDs = ['localhost', 'test', 'example', 'invalid', 'local', 'internal', 'lan', 'home', 'corp', 'localdomain', 'home.arpa']

// Why a host name cannot be used in DNS records others look up, or '' when it can.
export function hostnameProblem(name: string): string {
	const n = name.toLowerCase().replace(/\.$/, '')
	if (n === '') {
		return 'is not set'
	}
	if (/^[0-9.]+$/.test(n) || n.includes(':')) {
		return 'is an IP address, not a domain name'
	}
	if (n === 'localhost' || n.endsWith('.localhost')) {
		return 'names this machine only'
	}
	if (!n.includes('.')) {
		return 'is not a fully qualified domain name'
	}
	if (privateTLDs.some(t => n.endsWith('.' + t))) {
		return 'is not a public domain name'
	}
	if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(n) && !/^xn--/.test(n)) {
		return 'is not a valid domain name'
	}
	return ''
}

// The warning for the current configuration, or null when the host name is fine.
export async function hostnameWarning(client: api.Client): Promise<HTMLElement | null> {
	const files = await client.ConfigFiles()
	const name = hostnameOf(files[2] || '')
	const problem = hostnameProblem(name)
	if (!problem) {
		return null
	}
	return h('div', { class: 'notice-warning', role: 'note', id: 'hostname-warning' },
		h('strong', {}, 'The server\'s host name ', name ? '"' + name + '" ' : '', problem, '. '),
		'The DNS records, the domain check and the client settings are built from it, so what they suggest would not work. ',
		'Set ', h('code', {}, 'Hostname'), ' to this server\'s public name (e.g. mail.example.org) in the settings file: ',
		h('code', {}, 'server config init server.toml'), ' writes one with every setting, and ', h('code', {}, 'server --config server.toml'), ' uses it. ',
		'Or start the server with ', h('code', {}, '--hostname mail.example.org'), '.')
}
