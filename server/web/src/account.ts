// An account: its configuration, addresses (add/remove), password, limits, removal.

import { Ctx, form, field, button } from './app'
import { h, link, section, table, dl, fmtSize, copyable } from './dom'
import { crumbs } from './domain'

// The generated password last set on an account page, while the admin stays there.
let keptPassword: { account: string, value: string } | null = null

// A random password from an alphabet without look-alike characters, 16 characters
// (about 90 bits).
function randomPassword(): string {
	const chars = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
	const buf = new Uint32Array(16)
	window.crypto.getRandomValues(buf)
	return Array.from(buf, n => chars[n % chars.length]).join('')
}

export async function accountPage(ctx: Ctx, name: string) {
	const c = ctx.client
	const acc = await c.Account(name)
	const defaultDomain: string = acc.Domain || ''
	const dests = Object.keys(acc.Destinations || {}).sort()

	const addrInput = h('input', { name: 'address', id: 'account-add-address', required: true, autocapitalize: 'off', spellcheck: 'false', placeholder: 'localpart or user@domain' })
	const addAddress = form({ class: 'inline-form', 'aria-label': 'Add address' }, async () => {
		let addr = addrInput.value.trim()
		// As in mox: a bare localpart is in the account's default domain.
		if (!addr.includes('@')) {
			addr += '@' + defaultDomain
		}
		await c.AddressAdd(addr, name)
		ctx.reload('Address ' + addr + ' added.')
	},
	field('Address', addrInput, 'A localpart alone is in ' + (defaultDomain || 'the default domain') + '; "@domain" is a catch-all.'),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Add address')))

	// A generated password is one the admin has not typed: once set, it stays on the page
	// (until the admin leaves it) with a copy button, to be handed to the account's user.
	let generated = false
	const kept = h('div', { id: 'account-password-set' })
	const showKept = () => {
		kept.replaceChildren()
		if (keptPassword && keptPassword.account === name) {
			kept.append(h('p', {}, 'The new password of ', name, ', shown until you leave this page:'), copyable(keptPassword.value, 'Copy password'))
		}
	}
	showKept()
	const pw = h('input', { type: 'password', name: 'password', id: 'account-password', required: true, minlength: 8, autocomplete: 'new-password', oninput: () => { generated = false } })
	const show = h('input', { type: 'checkbox', id: 'account-password-show', onchange: () => { pw.type = show.checked ? 'text' : 'password' } })
	const setPassword = form({ class: 'inline-form', 'aria-label': 'Set password' }, async () => {
		const value = pw.value
		await c.SetPassword(name, value)
		pw.value = ''
		keptPassword = generated ? { account: name, value: value } : null
		if (keptPassword) {
			// Forgotten when the admin goes to another page; kept while this one is
			// rendered again (after saving the limits, say).
			const here = window.location.hash
			const forget = () => {
				if (window.location.hash !== here) {
					keptPassword = null
					window.removeEventListener('hashchange', forget)
				}
			}
			window.addEventListener('hashchange', forget)
		}
		showKept()
		generated = false
		return 'Password set.'
	},
	field('New password', pw, 'At least 8 characters.'),
	h('div', { class: 'field checkbox' }, show, h('label', { for: show.id }, 'Show')),
	h('div', { class: 'row' },
		h('button', { type: 'button', onclick: () => { pw.value = randomPassword(); generated = true; pw.type = 'text'; show.checked = true; pw.select() } }, 'Generate'),
		h('button', { type: 'submit' }, 'Set password')))

	const num = (n: string, v: number, min: number) => h('input', { type: 'number', name: n, id: 'limit-' + n, value: '' + v, min: min, step: 1, required: true, inputmode: 'numeric' })
	const maxOut = num('maxout', acc.MaxOutgoingMessagesPerDay || 0, 0)
	const maxFirst = num('maxfirst', acc.MaxFirstTimeRecipientsPerDay || 0, 0)
	const quota = num('quota', acc.QuotaMessageSize || 0, -1)
	const limits = form({ class: 'inline-form', 'aria-label': 'Limits' }, async () => {
		await c.SetAccountLimits(name, +maxOut.value, +maxFirst.value, +quota.value)
		ctx.reload('Limits saved.')
	},
	field('Outgoing messages per day', maxOut, '0 for the default (1000).'),
	field('First-time recipients per day', maxFirst, '0 for the default (200).'),
	field('Total message size quota (bytes)', quota, (acc.QuotaMessageSize > 0 ? 'Now ' + fmtSize(acc.QuotaMessageSize) + '. ' : '') + '0 for the default, -1 for no limit.'),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Save limits')))

	return [
		crumbs(h('span', {}, 'Account ' + name)),
		h('h1', {}, 'Account ', name),
		dl([
			['Default domain', defaultDomain ? link(defaultDomain, 'domains', defaultDomain) : '-'],
			['Full name', acc.FullName || '-'],
			['Description', acc.Description || '-'],
		]),
		section('Addresses',
			table(['Address', ''], dests.map(a => [h('span', { class: 'addr' }, a), button('Remove', async () => {
				await c.AddressRemove(a)
				ctx.reload('Address ' + a + ' removed.')
			}, { class: 'small danger', label: 'Remove address ' + a, confirm: 'Remove address ' + a + '?' })]), 'No addresses.'),
			addAddress),
		section('Password', setPassword, kept),
		section('Limits', limits),
		section('Configuration',
			h('details', {}, h('summary', {}, 'Full account configuration'), h('pre', { class: 'json' }, JSON.stringify(acc, null, 2)))),
		section('Remove account',
			h('p', {}, 'Removes the account, its addresses and its messages.'),
			button('Remove account ' + name, async () => {
				await c.AccountRemove(name)
				window.location.hash = ''
			}, { class: 'danger', confirm: 'Remove account ' + name + ' and all its messages?' })),
	]
}
