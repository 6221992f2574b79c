// MTA-STS policies, the web server configuration editor, transports, log levels,
// configuration files, DNSBL status and IP lookup.

import * as api from '../../../generated/api'
import { Ctx, form, field, button, act, notice, lazy } from './app'
import { h, Child, section, table, dl, fmtTime, age, yesno, domainName, copyable, errMessage } from './dom'
import { crumbs } from './domain'

export async function mtastsPage(ctx: Ctx) {
	const policies = (await ctx.client.MTASTSPolicies()) || []
	const mx = (l: api.STSMX[] | null | undefined) => (l || []).map(m => (m.Wildcard ? '*.' : '') + domainName(m.Domain)).join(', ')
	return [
		crumbs(h('span', {}, 'MTA-STS policies')),
		h('h1', {}, 'MTA-STS policies'),
		h('p', {}, 'Policies of recipient domains that this server fetched and cached. Delivery to those domains requires TLS to the listed MX hosts when the mode is enforce.'),
		table(['Domain', 'Mode', 'MX hosts', 'Max age', 'Record ID', 'Fetch failed', 'Valid until', 'Last update', 'Last use', 'Policy'],
			policies.map(p => [p.Domain, h('span', { class: 'mode ' + p.Mode }, p.Mode), mx(p.MX), Math.round(p.MaxAgeSeconds / 86400 * 10) / 10 + ' days', p.RecordID, yesno(p.Backoff), fmtTime(p.ValidEnd), age(p.LastUpdate), age(p.LastUse),
				p.PolicyText ? h('details', {}, h('summary', {}, 'Text'), h('pre', {}, p.PolicyText)) : '-']),
			'No policies cached.'),
	]
}

// The web server configuration editor. Edits are kept in a model and only sent on Save,
// together with the configuration as it was loaded: the server refuses the save when
// someone else changed the configuration in between, so no change is lost silently.
export async function webserverPage(ctx: Ctx) {
	let old = await ctx.client.WebserverConfig()

	interface Redirect { from: string, to: string }
	let redirects: Redirect[] = []
	let handlers: api.WebHandler[] = []
	const load = (conf: api.WebserverConfig) => {
		redirects = (conf.WebDNSDomainRedirects || []).map(p => ({ from: p && p[0] ? domainName(p[0]) : '', to: p && p[1] ? domainName(p[1]) : '' }))
		handlers = JSON.parse(JSON.stringify(conf.WebHandlers || []))
	}
	load(old)

	const editor = h('div', { id: 'webserver-editor' })

	const text = (id: string, label: string, value: string, set: (v: string) => void, hint?: string, attrs: { [k: string]: string } = {}) =>
		field(label, h('input', { id: id, value: value, autocapitalize: 'off', spellcheck: 'false', ...attrs, oninput: (e: Event) => set((e.target as HTMLInputElement).value) }), hint)
	const check = (id: string, label: string, value: boolean, set: (v: boolean) => void) =>
		h('div', { class: 'field checkbox' }, h('input', { type: 'checkbox', id: id, checked: value, onchange: (e: Event) => set((e.target as HTMLInputElement).checked) }), h('label', { for: id }, label))
	const headers = (id: string, m: { [k: string]: string } | undefined, set: (m: { [k: string]: string }) => void) =>
		field('Response headers', h('textarea', {
			id: id, rows: 2, spellcheck: 'false', oninput: (e: Event) => {
				const out: { [k: string]: string } = {}
				for (const line of (e.target as HTMLTextAreaElement).value.split('\n')) {
					const i = line.indexOf(':')
					if (line.trim() !== '') {
						out[i < 0 ? line : line.slice(0, i)] = i < 0 ? '' : line.slice(i + 1).trim()
					}
				}
				set(out)
			},
		}, Object.entries(m || {}).map(([k, v]) => k + ': ' + v).join('\n')), 'One "Name: value" per line.')

	// Re-renders the editor from the model, then focuses the element with focusId.
	const draw = (focusId?: string) => {
		const redirectRows = redirects.map((r, i) => h('div', { class: 'redirect row' },
			text('redirect-from-' + i, 'From domain', r.from, v => { r.from = v }, undefined, { required: 'true' }),
			h('span', { 'aria-hidden': 'true' }, '→'),
			text('redirect-to-' + i, 'To domain', r.to, v => { r.to = v }, undefined, { required: 'true' }),
			h('button', { type: 'button', class: 'small danger', 'aria-label': 'Remove redirect ' + (i + 1), onclick: () => { redirects.splice(i, 1); draw('add-redirect') } }, 'Remove')))

		const handlerBoxes = handlers.map((wh, i) => {
			const kind = wh.WebStatic ? 'static' : wh.WebRedirect ? 'redirect' : wh.WebForward ? 'forward' : ''
			const p = 'wh-' + i + '-'
			let details: Child = null
			if (wh.WebStatic) {
				const ws = wh.WebStatic
				details = [
					h('div', { class: 'grid' },
						text(p + 'root', 'Root directory', ws.Root, v => { ws.Root = v }),
						text(p + 'strip', 'Strip prefix', ws.StripPrefix, v => { ws.StripPrefix = v }, 'Removed from the request path before looking up the file; starts with /.')),
					h('div', { class: 'row' },
						check(p + 'list', 'List files in directories', ws.ListFiles, v => { ws.ListFiles = v }),
						check(p + 'continue', 'Continue with the next handler when a file is not found', ws.ContinueNotFound, v => { ws.ContinueNotFound = v })),
					headers(p + 'headers', ws.ResponseHeaders, m => { ws.ResponseHeaders = m }),
				]
			} else if (wh.WebRedirect) {
				const wr = wh.WebRedirect
				details = h('div', { class: 'grid' },
					text(p + 'baseurl', 'Base URL', wr.BaseURL, v => { wr.BaseURL = v }, 'Scheme and host to redirect to, without path, e.g. https://www.example.com.'),
					text(p + 'origpath', 'Original path regexp', wr.OrigPathRegexp, v => { wr.OrigPathRegexp = v }),
					text(p + 'replace', 'Replacement path', wr.ReplacePath, v => { wr.ReplacePath = v }),
					field('Status code', h('input', { id: p + 'status', type: 'number', min: 0, max: 399, value: '' + wr.StatusCode, oninput: (e: Event) => { wr.StatusCode = +(e.target as HTMLInputElement).value || 0 } }), '0 for the default (308), or 300 to 399.'))
			} else if (wh.WebForward) {
				const wf = wh.WebForward
				details = [
					h('div', { class: 'grid' }, text(p + 'url', 'Forward to URL', wf.URL, v => { wf.URL = v }, 'E.g. http://127.0.0.1:8080/.')),
					h('div', { class: 'row' }, check(p + 'strippath', 'Strip the matched path', wf.StripPath, v => { wf.StripPath = v })),
					headers(p + 'headers', wf.ResponseHeaders, m => { wf.ResponseHeaders = m }),
				]
			}
			const kindSelect = h('select', {
				id: p + 'kind', onchange: (e: Event) => {
					const k = (e.target as HTMLSelectElement).value
					wh.WebStatic = k === 'static' ? { StripPrefix: '', Root: '', ListFiles: false, ContinueNotFound: false, ResponseHeaders: {} } : null
					wh.WebRedirect = k === 'redirect' ? { BaseURL: '', OrigPathRegexp: '', ReplacePath: '', StatusCode: 0 } : null
					wh.WebForward = k === 'forward' ? { StripPath: false, URL: '', ResponseHeaders: {} } : null
					draw(p + 'kind')
				},
			}, [['static', 'Serve static files'], ['redirect', 'Redirect'], ['forward', 'Forward (reverse proxy)']].map(([v, l]) => h('option', { value: v, selected: kind === v }, l)))
			return h('fieldset', { class: 'handler', id: p + 'box' },
				h('legend', {}, 'Handler ' + (i + 1) + (wh.LogName ? ': ' + wh.LogName : '')),
				h('div', { class: 'grid' },
					text(p + 'logname', 'Name', wh.LogName, v => { wh.LogName = v }, 'For logging; optional.'),
					text(p + 'domain', 'Domain', wh.Domain, v => { wh.Domain = v }, undefined, { required: 'true' }),
					text(p + 'path', 'Path regexp', wh.PathRegexp, v => { wh.PathRegexp = v }, 'Starts with ^, e.g. ^/ for everything.', { required: 'true' })),
				h('div', { class: 'row' },
					check(p + 'dontredirect', 'Don\'t redirect plain HTTP to HTTPS', wh.DontRedirectPlainHTTP, v => { wh.DontRedirectPlainHTTP = v }),
					check(p + 'compress', 'Compress responses', wh.Compress, v => { wh.Compress = v })),
				h('div', { class: 'grid' }, field('Action', kindSelect)),
				details,
				h('div', { class: 'row' },
					h('button', { type: 'button', class: 'small', disabled: i === 0, onclick: () => { handlers.splice(i - 1, 0, ...handlers.splice(i, 1)); draw('wh-' + (i - 1) + '-up') }, id: p + 'up' }, 'Move up'),
					h('button', { type: 'button', class: 'small', disabled: i === handlers.length - 1, onclick: () => { handlers.splice(i + 1, 0, ...handlers.splice(i, 1)); draw('wh-' + (i + 1) + '-down') }, id: p + 'down' }, 'Move down'),
					h('button', { type: 'button', class: 'small danger', onclick: () => { handlers.splice(i, 1); draw('add-handler') } }, 'Remove handler')))
		})

		const save: HTMLButtonElement = h('button', {
			type: 'submit', id: 'webserver-save',
		}, 'Save')
		const f: HTMLFormElement = h('form', {
			'aria-label': 'Web server configuration', onsubmit: (e: SubmitEvent) => {
				e.preventDefault()
				act(save, async () => {
					const newConf: api.WebserverConfig = {
						WebDomainRedirects: redirects.map(r => [r.from.trim(), r.to.trim()]),
						WebHandlers: handlers,
					}
					try {
						old = await ctx.client.WebserverConfigSave(old, newConf)
					} catch (err) {
						if (/config has changed/.test(errMessage(err))) {
							throw new Error(errMessage(err) + '. It was saved elsewhere after you loaded it; your changes are not saved. Use "Discard changes and reload" to see the current configuration, then make your changes again.')
						}
						throw err
					}
					load(old)
					draw('webserver-save')
					notice('Web server configuration saved.')
					return 'Saved.'
				})
			},
		},
		h('section', {},
			h('h2', {}, 'Domain redirects'),
			h('p', {}, 'Requests for a "from" domain are redirected to the same URL on the "to" domain.'),
			redirectRows.length === 0 ? h('p', { class: 'muted' }, 'No redirects.') : redirectRows,
			h('button', { type: 'button', id: 'add-redirect', onclick: () => { redirects.push({ from: '', to: '' }); draw('redirect-from-' + (redirects.length - 1)) } }, 'Add redirect')),
		h('section', {},
			h('h2', {}, 'Handlers'),
			h('p', {}, 'For each request, the first handler whose domain and path match handles it.'),
			handlerBoxes.length === 0 ? h('p', { class: 'muted' }, 'No handlers.') : handlerBoxes,
			h('button', {
				type: 'button', id: 'add-handler', onclick: () => {
					handlers.push({ LogName: '', Domain: '', PathRegexp: '^/', DontRedirectPlainHTTP: false, Compress: false, WebStatic: null, WebRedirect: null, WebForward: { StripPath: false, URL: '', ResponseHeaders: {} }, Name: '', DNSDomain: { ASCII: '', Unicode: '' } })
					draw('wh-' + (handlers.length - 1) + '-domain')
				},
			}, 'Add handler')),
		h('div', { class: 'row sticky-actions' },
			save,
			h('span', { class: 'status', role: 'status' }),
			h('button', {
				type: 'button', onclick: async (e: Event) => {
					if (!window.confirm('Discard your changes and load the current configuration?')) {
						return
					}
					act(e.currentTarget as HTMLButtonElement, async () => {
						old = await ctx.client.WebserverConfig()
						load(old)
						draw()
						notice('Current configuration loaded.')
					})
				},
			}, 'Discard changes and reload')))
		editor.replaceChildren(f)
		if (focusId) {
			const el = document.getElementById(focusId)
			if (el) {
				el.focus()
			}
		}
	}
	draw()
	return [
		crumbs(h('span', {}, 'Web server')),
		h('h1', {}, 'Web server configuration'),
		editor,
	]
}

function smtpTransport(kind: string, t: api.TransportSMTP): Child[] {
	const notes = [t.NoSTARTTLS ? 'no STARTTLS' : '', t.STARTTLSInsecureSkipVerify ? 'certificate not verified' : ''].filter(x => x).join(', ')
	return [kind, t.Host + ':' + (t.Port || (kind === 'Submissions' ? 465 : kind === 'Submission' ? 587 : 25)), notes || '-', t.Auth ? t.Auth.Username + ' (' + ((t.Auth.Mechanisms || []).join(', ') || 'any mechanism') + ')' : '-']
}

export async function transportsPage(ctx: Ctx) {
	const transports = (await ctx.client.Transports()) || {}
	const rows: Child[][] = Object.entries(transports).sort().map(([name, t]) => {
		const r: Child[] = t.Submissions ? smtpTransport('Submissions', t.Submissions)
			: t.Submission ? smtpTransport('Submission', t.Submission)
				: t.SMTP ? smtpTransport('SMTP', t.SMTP)
					: t.Socks ? ['SOCKS5', t.Socks.Address, 'remote IPs ' + ((t.Socks.RemoteIPs || []).join(', ') || '-') + ', hostname ' + (t.Socks.RemoteHostname || '-'), '-']
						: ['?', '-', '-', '-']
		return [name, ...r]
	})
	return [
		crumbs(h('span', {}, 'Transports')),
		h('h1', {}, 'Transports'),
		h('p', {}, 'Ways to deliver outgoing mail other than directly to the recipient\'s MX, from the static configuration. A queued message can be kicked through one of them.'),
		table(['Name', 'Type', 'Address', 'Notes', 'Authentication'], rows, 'No transports configured.'),
	]
}

const levels = ['error', 'warn', 'info', 'debug', 'trace', 'traceauth', 'tracedata']

function levelSelect(id: string, current: string, label: string): HTMLSelectElement {
	const known = levels.includes(current) || current === ''
	return h('select', { id: id, name: 'level', 'aria-label': label },
		known ? null : h('option', { value: current, selected: true }, current),
		levels.map(l => h('option', { value: l, selected: l === current }, l)))
}

export async function logLevelsPage(ctx: Ctx) {
	const c = ctx.client
	const lv = await c.LogLevels()
	const entries = Object.entries(lv).sort((a, b) => a[0] === '' ? -1 : b[0] === '' ? 1 : a[0] < b[0] ? -1 : 1)
	const rows = entries.map(([pkg, level], i) => {
		const sel = levelSelect('level-' + i, level, 'Level for ' + (pkg || 'the default'))
		return [
			pkg === '' ? h('em', {}, 'default') : h('code', {}, pkg),
			form({ class: 'row', 'aria-label': 'Level for ' + (pkg || 'the default') }, async () => {
				await c.LogLevelSet(pkg, sel.value)
				ctx.reload('Log level of ' + (pkg || 'the default') + ' set to ' + sel.value + '.')
			}, sel, h('button', { type: 'submit', class: 'small' }, 'Set')),
			pkg === '' ? null : button('Remove', async () => {
				await c.LogLevelRemove(pkg)
				ctx.reload('Log level of ' + pkg + ' removed; it uses the default now.')
			}, { class: 'small danger', label: 'Remove log level of ' + pkg }),
		]
	})
	const pkg = h('input', { name: 'package', id: 'loglevel-package', required: true, autocapitalize: 'off', spellcheck: 'false', placeholder: 'server::http' })
	const sel = levelSelect('loglevel-new', 'debug', 'Level')
	return [
		crumbs(h('span', {}, 'Log levels')),
		h('h1', {}, 'Log levels'),
		h('p', {}, 'Changes take effect at once and last until the server restarts.'),
		table(['Module', 'Level', ''], rows),
		section('Set a level for a module',
			form({ class: 'inline-form', 'aria-label': 'Add log level' }, async () => {
				await c.LogLevelSet(pkg.value.trim(), sel.value)
				ctx.reload('Log level of ' + pkg.value.trim() + ' set to ' + sel.value + '.')
			}, field('Module', pkg), field('Level', sel), h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Set level')))),
	]
}

export async function configPage(ctx: Ctx) {
	const [staticPath, dynamicPath, staticText, dynamicText] = await ctx.client.ConfigFiles()
	return [
		crumbs(h('span', {}, 'Configuration files')),
		h('h1', {}, 'Configuration files'),
		h('p', { class: 'warn' }, 'These can contain secrets, such as transport passwords.'),
		section('Static configuration: ' + staticPath, copyable(staticText)),
		section('Dynamic configuration: ' + dynamicPath, copyable(dynamicText)),
	]
}

export async function networkPage(ctx: Ctx) {
	const ip = h('input', { name: 'ip', id: 'lookup-ip', required: true, spellcheck: 'false', placeholder: '192.0.2.1' })
	const out = h('div', { id: 'lookup-ip-result' })
	return [
		crumbs(h('span', {}, 'Network')),
		h('h1', {}, 'DNS blocklists and IP lookup'),
		section('DNSBL status', lazy(ctx, async () => {
			const st = await ctx.client.DNSBLStatus()
			const ips = Object.keys(st || {}).sort()
			if (ips.length === 0) {
				return h('p', { class: 'muted' }, 'No public IPs to check.')
			}
			return ips.map(ipaddr => {
				const zones = Object.entries(st[ipaddr] || {}).sort()
				return h('div', {}, h('h3', {}, ipaddr), zones.length === 0 ? h('p', { class: 'muted' }, 'No blocklists configured.')
					: table(['Blocklist', 'Status'], zones.map(([z, s]) => [z, h('span', { class: s === 'pass' ? 'ok' : 'err' }, s)])))
			})
		})),
		section('Reverse lookup',
			form({ class: 'inline-form', 'aria-label': 'Look up IP' }, async () => {
				out.replaceChildren()
				const r = await ctx.client.LookupIP(ip.value.trim())
				out.replaceChildren((r.Hostnames || []).length === 0 ? h('p', { class: 'muted' }, 'No names.') : h('ul', {}, (r.Hostnames || []).map(n => h('li', {}, n))))
			}, field('IP address', ip), h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Look up'))),
			out),
		dl([['Checked at', fmtTime(new Date())]]),
	]
}
