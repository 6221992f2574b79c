// The outgoing queue: each message with its fields, kick (with a transport choice),
// drop, and the RequireTLS setting.

import * as api from '../../../generated/api'
import { Ctx, form, button } from './app'
import { h, age, dl, fmtSize, fmtTime, domainName } from './dom'
import { crumbs } from './domain'

function address(lp: string, d: api.IPDomain): string {
	const dom = d.IP ? '[' + d.IP + ']' : domainName(d.Domain)
	return lp || dom ? lp + '@' + dom : '<>'
}

function requireTLSValue(v: boolean | null | undefined): string {
	return v === true ? 'yes' : v === false ? 'no' : ''
}

export async function queuePage(ctx: Ctx) {
	const c = ctx.client
	const [msgs, transports] = await Promise.all([c.QueueList(), c.Transports()])
	const list = msgs || []
	const transportNames = Object.keys(transports || {}).sort()

	const card = (m: api.Msg) => {
		const transport = h('select', { name: 'transport', id: 'kick-transport-' + m.ID, 'aria-label': 'Transport for message ' + m.ID },
			h('option', { value: '' }, 'Default routing'),
			transportNames.map(t => h('option', { value: t, selected: t === m.Transport }, 'Transport ' + t)))
		const kick = form({ class: 'row', 'aria-label': 'Kick message ' + m.ID }, async () => {
			await c.QueueKick(m.ID, transport.value)
			ctx.reload('Message ' + m.ID + ' scheduled for delivery now' + (transport.value ? ' through transport ' + transport.value : '') + '.')
		}, transport, h('button', { type: 'submit', id: 'kick-' + m.ID }, 'Kick'))
		const rtls = h('select', { name: 'requiretls', id: 'requiretls-' + m.ID, 'aria-label': 'RequireTLS for message ' + m.ID },
			h('option', { value: '', selected: requireTLSValue(m.RequireTLS) === '' }, 'Recipient domain policy'),
			h('option', { value: 'yes', selected: m.RequireTLS === true }, 'Require verified TLS'),
			h('option', { value: 'no', selected: m.RequireTLS === false }, 'Allow unverified TLS or plain text'))
		const saveTLS = form({ class: 'row', 'aria-label': 'RequireTLS for message ' + m.ID }, async () => {
			const v = rtls.value === 'yes' ? true : rtls.value === 'no' ? false : null
			await c.QueueSaveRequireTLS(m.ID, v)
			ctx.reload('RequireTLS of message ' + m.ID + ' saved.')
		}, rtls, h('button', { type: 'submit' }, 'Save'))
		const flags = [m.Has8bit ? '8bit' : '', m.SMTPUTF8 ? 'SMTPUTF8' : '', m.IsDMARCReport ? 'DMARC report' : '', m.IsTLSReport ? 'TLS report' : '', m.DSNUTF8 ? 'DSN' : ''].filter(x => x)
		return h('article', { class: 'msg', id: 'msg-' + m.ID, 'aria-labelledby': 'msg-title-' + m.ID },
			h('h2', { id: 'msg-title-' + m.ID }, 'Message ' + m.ID + ' to ' + address(m.RecipientLocalpart, m.RecipientDomain)),
			dl([
				['From', address(m.SenderLocalpart, m.SenderDomain) + (m.SenderAccount ? ' (account ' + m.SenderAccount + ')' : '')],
				['To', address(m.RecipientLocalpart, m.RecipientDomain)],
				['Queued', [fmtTime(m.Queued), ' (', age(m.Queued), ')']],
				['Attempts', m.Attempts + ' of ' + (m.MaxAttempts || 8)],
				['Next attempt', [fmtTime(m.NextAttempt), ' (', age(m.NextAttempt), ')']],
				['Last attempt', m.LastAttempt ? [fmtTime(m.LastAttempt), ' (', age(m.LastAttempt), ')'] : 'none yet'],
				['Last error', m.LastError ? h('span', { class: 'err' }, m.LastError) : '-'],
				['Size', fmtSize(m.Size)],
				['Message-ID', m.MessageID || '-'],
				['Transport', h('span', { class: 'transport' }, m.Transport || 'default routing')],
				['RequireTLS', m.RequireTLS === true ? 'required' : m.RequireTLS === false ? 'not required' : 'recipient domain policy'],
				['Flags', flags.join(', ') || '-'],
			]),
			h('div', { class: 'actions' },
				kick,
				saveTLS,
				button('Drop', async () => {
					await c.QueueDrop(m.ID)
					ctx.reload('Message ' + m.ID + ' dropped from the queue.')
				}, { class: 'danger', id: 'drop-' + m.ID, confirm: 'Drop message ' + m.ID + ' from the queue without delivering it? No DSN is sent.' })))
	}

	return [
		crumbs(h('span', {}, 'Queue')),
		h('h1', {}, 'Queue'),
		h('p', { id: 'queue-count' }, list.length === 0 ? 'The queue is empty.' : list.length + (list.length === 1 ? ' message' : ' messages') + ' waiting for delivery.'),
		h('div', { class: 'msgs' }, list.map(card)),
	]
}
