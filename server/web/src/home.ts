// The start page: domains, accounts, the queue size and links to everything else,
// with forms to add a domain and an account.

import { Ctx, form, field } from './app'
import { h, link, section, domainName, href } from './dom'
import { hostnameWarning } from './hostname'

export async function home(ctx: Ctx) {
	const c = ctx.client
	const [domains, accounts, queueSize, updates, warning] = await Promise.all([c.Domains(), c.Accounts(), c.QueueSize(), c.CheckUpdatesEnabled(), hostnameWarning(c)])
	const doms = domains || []
	const accs = accounts || []

	const newDomain = h('input', { name: 'domain', id: 'add-domain', required: true, autocapitalize: 'off', spellcheck: 'false', placeholder: 'example.com' })
	const newDomainAccount = h('input', { name: 'account', id: 'add-domain-account', required: true, list: 'account-names', autocapitalize: 'off' })
	const newDomainLocalpart = h('input', { name: 'localpart', id: 'add-domain-localpart', autocapitalize: 'off', spellcheck: 'false' })
	const addDomain = form({ class: 'inline-form', 'aria-label': 'Add domain' }, async () => {
		const d = newDomain.value.trim()
		await c.DomainAdd(d, newDomainAccount.value.trim(), newDomainLocalpart.value.trim())
		window.location.hash = href('domains', d)
	},
	field('Domain', newDomain),
	field('Account', newDomainAccount, 'An existing account, or the name of a new one.'),
	field('Localpart', newDomainLocalpart, 'For a new account: its first address is localpart@domain. Leave empty for an existing account.'),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Add domain')))

	const newAccount = h('input', { name: 'account', id: 'add-account', required: true, autocapitalize: 'off', spellcheck: 'false' })
	const newAccountAddress = h('input', { name: 'address', id: 'add-account-address', type: 'email', required: true, autocapitalize: 'off', placeholder: 'user@' + (doms.length > 0 ? domainName(doms[0]) : 'example.com') })
	const addAccount = form({ class: 'inline-form', 'aria-label': 'Add account' }, async () => {
		const a = newAccount.value.trim()
		await c.AccountAdd(a, newAccountAddress.value.trim())
		window.location.hash = href('accounts', a)
	},
	field('Account name', newAccount),
	field('First address', newAccountAddress),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Add account')))

	return [
		h('h1', {}, 'Mail server administration'),
		warning,
		h('div', { class: 'cards' },
			section('Domains',
				doms.length === 0 ? h('p', { class: 'muted' }, 'No domains yet.') : h('ul', { class: 'list', id: 'domain-list' }, doms.map(d => h('li', {}, link(domainName(d), 'domains', domainName(d))))),
				h('details', { open: doms.length === 0 }, h('summary', {}, 'Add a domain'), addDomain)),
			section('Accounts',
				accs.length === 0 ? h('p', { class: 'muted' }, 'No accounts yet.') : h('ul', { class: 'list', id: 'account-list' }, accs.map(a => h('li', {}, link(a, 'accounts', a)))),
				h('datalist', { id: 'account-names' }, accs.map(a => h('option', { value: a }))),
				h('details', { open: accs.length === 0 && doms.length > 0 }, h('summary', {}, 'Add an account'), addAccount)),
			section('Delivery',
				h('ul', { class: 'list' },
					h('li', {}, link(['Queue: ', h('strong', { id: 'queue-size' }, '' + queueSize), queueSize === 1 ? ' message' : ' messages'], 'queue')),
					h('li', {}, link('Transports', 'transports')),
					h('li', {}, link('MTA-STS policies', 'mtasts')),
					h('li', {}, link('DNS blocklist status and IP lookup', 'network')))),
			section('Reports',
				h('ul', { class: 'list' },
					h('li', {}, link('DMARC reports and summaries', 'dmarc')),
					h('li', {}, link('DMARC evaluations and suppress list', 'dmarc', 'evaluations')),
					h('li', {}, link('TLS reports and summaries', 'tlsrpt')),
					h('li', {}, link('TLS results and suppress list', 'tlsrpt', 'results')))),
			section('Configuration',
				h('ul', { class: 'list' },
					h('li', {}, link('Web server', 'webserver')),
					h('li', {}, link('Log levels', 'loglevels')),
					h('li', {}, link('Configuration files', 'config'))),
				h('p', { class: 'muted' }, 'Checking for updates is ', updates ? 'enabled' : 'disabled', ' in the static configuration.'))),
	]
}
