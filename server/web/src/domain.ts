// A domain: its addresses and accounts, client settings, the DNS records to create,
// and the live DNS check (CheckDomain) with progress and abandon.

import * as api from '../../../generated/api'
import { Ctx, form, field, button, lazy } from './app'
import { h, Child, link, section, table, domainName, domainFull, copyable, errMessage, isAbort, dl } from './dom'
import { hostnameWarning } from './hostname'

export function crumbs(...items: Child[]): HTMLElement {
	return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#' }, 'Home'), items.map(i => [' › ', i]))
}

export function domainCrumbs(d: string, ...items: Child[]): HTMLElement {
	return crumbs(link(d, 'domains', d), ...items)
}

export async function domainPage(ctx: Ctx, d: string) {
	const c = ctx.client
	const [dom, localparts, configs, accounts, warning] = await Promise.all([c.Domain(d), c.DomainLocalparts(d), c.ClientConfigsDomain(d), c.Accounts(), hostnameWarning(c)])
	const name = domainName(dom)
	const accs = accounts || []

	const rows = Object.entries(localparts).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0).map(([lp, acc]) => {
		const addr = lp + '@' + name
		return [
			lp ? h('span', { class: 'addr' }, addr) : h('span', { class: 'addr' }, addr, ' ', h('span', { class: 'muted' }, '(catch-all)')),
			link(acc, 'accounts', acc),
			button('Remove', async () => {
				await c.AddressRemove(addr)
				ctx.reload('Address ' + addr + ' removed.')
			}, { class: 'small danger', label: 'Remove address ' + addr, confirm: 'Remove address ' + addr + '? Mail to it will be rejected.' }),
		]
	})

	const lpInput = h('input', { name: 'localpart', id: 'domain-add-localpart', autocapitalize: 'off', spellcheck: 'false' })
	const accSelect = h('select', { name: 'account', id: 'domain-add-account', required: true }, accs.map(a => h('option', { value: a }, a)))
	const addAddress = form({ class: 'inline-form', 'aria-label': 'Add address' }, async () => {
		const addr = lpInput.value.trim() + '@' + name
		await c.AddressAdd(addr, accSelect.value)
		ctx.reload('Address ' + addr + ' added to account ' + accSelect.value + '.')
	},
	field('Localpart', lpInput, 'Empty for a catch-all address.'),
	h('span', { class: 'at' }, '@' + name),
	field('Account', accSelect),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Add address')))

	return [
		crumbs(h('span', {}, name)),
		h('h1', {}, 'Domain ', domainFull(dom)),
		warning,
		h('ul', { class: 'links' },
			h('li', {}, link('DNS records to create', 'domains', d, 'dnsrecords')),
			h('li', {}, link('Check DNS and TLS', 'domains', d, 'dnscheck')),
			h('li', {}, link('DMARC reports', 'dmarc', 'reports', name)),
			h('li', {}, link('DMARC evaluations', 'dmarc', 'evaluations', name)),
			h('li', {}, link('TLS reports', 'tlsrpt', 'reports', name)),
			h('li', {}, link('TLS results', 'tlsrpt', 'results', 'rcptdom', name))),
		section('Addresses', table(['Address', 'Account', ''], rows, 'No addresses.'), addAddress),
		section('Client settings',
			h('p', {}, 'What to configure in an email client for accounts in this domain.'),
			table(['Protocol', 'Host', 'Port', 'Listener', 'Note'], (configs.Entries || []).map(e => [e.Protocol, domainName(e.Host), '' + e.Port, e.Listener, e.Note]))),
		section('Remove domain',
			h('p', {}, 'Removing the domain keeps its accounts. It fails while accounts still have addresses in it.'),
			button('Remove domain ' + name, async () => {
				await c.DomainRemove(name)
				window.location.hash = ''
			}, { class: 'danger', confirm: 'Remove domain ' + name + ' from the configuration?' })),
	]
}

export async function dnsRecordsPage(ctx: Ctx, d: string) {
	return [
		domainCrumbs(d, h('span', {}, 'DNS records')),
		h('h1', {}, 'DNS records for ', d),
		await hostnameWarning(ctx.client),
		h('p', {}, 'Add these records to the zone of ', d, '. Lines starting with ";" are notes. After publishing them, ', link('check the domain', 'domains', d, 'dnscheck'), '.'),
		lazy(ctx, async () => {
			const lines = (await ctx.client.DomainRecords(d)) || []
			return lines.length === 0 ? h('p', { class: 'muted' }, 'No records.') : copyable(lines.join('\n'), 'Copy all records')
		}),
	]
}

// The areas of a CheckResult in the order a person would fix them.
const areas: [keyof api.CheckResult, string][] = [
	['DNSSEC', 'DNSSEC'],
	['IPRev', 'Reverse DNS (IPRev)'],
	['MX', 'MX records'],
	['TLS', 'TLS'],
	['DANE', 'DANE'],
	['SPF', 'SPF'],
	['DKIM', 'DKIM'],
	['DMARC', 'DMARC'],
	['HostTLSRPT', 'TLSRPT for the host'],
	['DomainTLSRPT', 'TLSRPT for the domain'],
	['MTASTS', 'MTA-STS'],
	['SRVConf', 'SRV records for clients'],
	['Autoconf', 'Autoconfig'],
	['Autodiscover', 'Autodiscover'],
]

interface Checked {
	Errors?: string[] | null
	Warnings?: string[] | null
	Instructions?: string[] | null
}

// Details worth showing next to an area's messages: what was found in DNS.
function areaDetails(key: keyof api.CheckResult, r: api.CheckResult): Child {
	switch (key) {
		case 'IPRev':
			return Object.keys(r.IPRev.IPNames || {}).length === 0 ? null
				: table(['IP', 'Names'], Object.entries(r.IPRev.IPNames || {}).map(([ip, names]) => [ip, (names || []).join(', ')]))
		case 'MX':
			return (r.MX.Records || []).length === 0 ? null
				: table(['Preference', 'Host', 'IPs'], (r.MX.Records || []).map(mx => ['' + mx.Pref, mx.Host, (mx.IPs || []).join(', ')]))
		case 'SPF':
			return dl([['Domain TXT', h('code', {}, r.SPF.DomainTXT || '-')], ['Host TXT', h('code', {}, r.SPF.HostTXT || '-')]])
		case 'DKIM':
			return (r.DKIM.Records || []).length === 0 ? null
				: table(['Selector', 'TXT'], (r.DKIM.Records || []).map(x => [x.Selector, h('code', { class: 'wrap' }, x.TXT)]))
		case 'DMARC':
			return dl([['TXT', h('code', {}, r.DMARC.TXT || '-')]])
		case 'HostTLSRPT':
			return dl([['TXT', h('code', {}, r.HostTLSRPT.TXT || '-')]])
		case 'DomainTLSRPT':
			return dl([['TXT', h('code', {}, r.DomainTLSRPT.TXT || '-')]])
		case 'MTASTS':
			return dl([['TXT', h('code', {}, r.MTASTS.TXT || '-')], ['Policy', r.MTASTS.PolicyText ? h('pre', {}, r.MTASTS.PolicyText) : '-']])
		case 'SRVConf':
			return Object.keys(r.SRVConf.SRVs || {}).length === 0 ? null
				: table(['Service', 'Records'], Object.entries(r.SRVConf.SRVs || {}).map(([svc, srvs]) => [svc, (srvs || []).map(s => s.Target + ':' + s.Port + ' (priority ' + s.Priority + ', weight ' + s.Weight + ')').join('; ')]))
		case 'Autoconf':
			return dl([['IPs', (r.Autoconf.IPs || []).join(', ') || '-'], ['Client settings domain IPs', (r.Autoconf.ClientSettingsDomainIPs || []).join(', ') || '-']])
		case 'Autodiscover':
			return (r.Autodiscover.Records || []).length === 0 ? null
				: table(['Target', 'Port', 'Priority', 'Weight', 'IPs'], (r.Autodiscover.Records || []).map(s => [s.Target, '' + s.Port, '' + s.Priority, '' + s.Weight, (s.IPs || []).join(', ')]))
	}
	return null
}

// Renders a CheckResult as a checklist: one item per area with a clear state, its
// errors and warnings, what was found, and instructions to copy.
export function checklist(r: api.CheckResult): HTMLElement {
	let errors = 0
	let warnings = 0
	const items = areas.map(([key, title]) => {
		const a = r[key] as Checked
		const errs = a.Errors || []
		const warns = a.Warnings || []
		const instr = a.Instructions || []
		errors += errs.length
		warnings += warns.length
		const state = errs.length > 0 ? 'error' : warns.length > 0 ? 'warning' : 'ok'
		const label = state === 'error' ? 'Error' : state === 'warning' ? 'Warning' : 'OK'
		return h('li', { class: 'check ' + state, 'data-area': key },
			h('details', { open: state !== 'ok' },
				h('summary', {}, h('span', { class: 'badge ' + state }, label), ' ', title,
					errs.length + warns.length > 0 ? h('span', { class: 'muted' }, ' (' + [errs.length ? errs.length + ' error' + (errs.length > 1 ? 's' : '') : '', warns.length ? warns.length + ' warning' + (warns.length > 1 ? 's' : '') : ''].filter(x => x).join(', ') + ')') : null),
				errs.length ? h('ul', { class: 'errors' }, errs.map(e => h('li', {}, e))) : null,
				warns.length ? h('ul', { class: 'warnings' }, warns.map(w => h('li', {}, w))) : null,
				areaDetails(key, r),
				instr.map(i => h('div', { class: 'instruction' }, h('h4', {}, 'Instructions'), copyable(i)))))
	})
	// An overview of all areas at the top; each entry opens and scrolls to its item.
	const index = h('ul', { class: 'check-index', 'aria-label': 'Overview' }, items.map((item, i) => {
		const state = item.classList.contains('error') ? 'error' : item.classList.contains('warning') ? 'warning' : 'ok'
		return h('li', {}, h('button', {
			type: 'button', class: 'plain', onclick: () => {
				const d = item.querySelector('details')
				if (d) {
					d.open = true
				}
				item.scrollIntoView({ block: 'start' })
				const s = item.querySelector('summary')
				if (s) {
					s.focus({ preventScroll: true })
				}
			},
		}, h('span', { class: 'dot ' + state, 'aria-hidden': 'true' }), areas[i][1], h('span', { class: 'visually-hidden' }, ': ' + state)))
	}))
	return h('div', { class: 'checklist' },
		h('p', { class: 'summary', id: 'check-summary' }, errors === 0 && warnings === 0 ? 'All checks passed.' : errors + ' error' + (errors === 1 ? '' : 's') + ' and ' + warnings + ' warning' + (warnings === 1 ? '' : 's') + ' in ' + areas.length + ' checks.'),
		index,
		h('ul', { class: 'checks' }, items))
}

// The check can take up to about 30 seconds (DNS, SMTP, TLS and HTTPS connections), so
// it shows its progress and can be abandoned; leaving the page abandons it too.
export async function dnsCheckPage(ctx: Ctx, d: string) {
	const out = h('div', { id: 'check-output' })
	const run = () => {
		const ac = new AbortController()
		const onLeave = () => ac.abort()
		ctx.signal.addEventListener('abort', onLeave)
		const started = Date.now()
		const elapsed = h('span', {}, '0')
		const abandon = h('button', { type: 'button', id: 'check-abandon', onclick: () => ac.abort() }, 'Abandon')
		out.replaceChildren(h('div', { class: 'progress', role: 'status' },
			h('progress', { 'aria-label': 'Checking' }),
			h('span', {}, 'Checking DNS records, mail and web servers of ', d, '… ', elapsed, ' s (this can take up to 30 s)'),
			abandon))
		const timer = window.setInterval(() => { elapsed.textContent = '' + Math.round((Date.now() - started) / 1000) }, 1000)
		ctx.client.withOptions({ signal: ac.signal }).CheckDomain(d).then(r => {
			out.replaceChildren(checklist(r), h('p', {}, again('Check again')))
		}, e => {
			if (ctx.signal.aborted) {
				return
			}
			out.replaceChildren(isAbort(e)
				? h('p', { class: 'muted', role: 'status', id: 'check-abandoned' }, 'Check abandoned after ', '' + Math.round((Date.now() - started) / 1000), ' s. ', again('Start again'))
				: h('div', {}, h('p', { class: 'err', role: 'alert' }, 'Check failed: ', errMessage(e)), h('p', {}, again('Try again'))))
		}).finally(() => {
			window.clearInterval(timer)
			ctx.signal.removeEventListener('abort', onLeave)
			const b = out.querySelector('button')
			if (b && document.activeElement === document.body) {
				b.focus()
			}
		})
	}
	const again = (text: string) => h('button', { type: 'button', id: 'check-again', onclick: run }, text)
	run()
	return [
		domainCrumbs(d, h('span', {}, 'Check')),
		h('h1', {}, 'Check DNS and TLS for ', d),
		await hostnameWarning(ctx.client),
		h('p', {}, 'A live check of the records in ', link('DNS', 'domains', d, 'dnsrecords'), ', the MX hosts, their TLS certificates, and the client configuration hosts.'),
		out,
	]
}

