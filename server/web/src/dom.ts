// Small DOM and formatting helpers. The page builds its DOM with h() instead of a
// framework: every page is rendered from scratch after each change, which keeps the
// code plain and the bundle small.

import type * as api from '../../../generated/api'

export type Child = Node | string | number | null | undefined | false | Child[]
type AttrValue = string | number | boolean | null | undefined | ((e: any) => void)
export type Attrs = { [name: string]: AttrValue }

function isAttrs(v: unknown): v is Attrs {
	return typeof v === 'object' && v !== null && !(v instanceof Node) && !Array.isArray(v)
}

function append(e: Node, c: Child): void {
	if (c === null || c === undefined || c === false) {
		return
	}
	if (Array.isArray(c)) {
		for (const x of c) {
			append(e, x)
		}
	} else if (c instanceof Node) {
		e.appendChild(c)
	} else {
		e.appendChild(document.createTextNode('' + c))
	}
}

// Creates an element. Attributes named on* become event listeners; `value`,
// `checked` and `selected` are set as properties (so they reflect the current
// state); true becomes an empty attribute, and false/null/undefined are left out.
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | Child, ...children: Child[]): HTMLElementTagNameMap[K] {
	const e = document.createElement(tag)
	if (isAttrs(attrs)) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === null || v === undefined || v === false) {
				continue
			}
			if (typeof v === 'function') {
				e.addEventListener(k.slice(2), v)
			} else if (k === 'value' || k === 'checked' || k === 'selected') {
				(e as any)[k] = v
			} else {
				e.setAttribute(k, v === true ? '' : '' + v)
			}
		}
	} else {
		append(e, attrs)
	}
	append(e, children)
	return e
}

// A link to a page of the admin interface, from hash path elements (each encoded).
export function href(...path: (string | number)[]): string {
	return '#' + path.map(p => encodeURIComponent('' + p)).join('/')
}

export function link(text: Child, ...path: (string | number)[]): HTMLAnchorElement {
	return h('a', { href: href(...path) }, text)
}

// A table in a horizontally scrolling box, so wide tables don't widen the page on a
// narrow screen. Rows that are empty show `empty` in a single cell.
export function table(headers: Child[], rows: Child[][], empty = 'None.'): HTMLElement {
	return h('div', { class: 'scroll' },
		h('table', {},
			h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
			h('tbody', {}, rows.length === 0
				? h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty))
				: rows.map(r => h('tr', {}, r.map(c => h('td', {}, c)))))))
}

// A definition list for key/value details.
export function dl(pairs: [string, Child][]): HTMLElement {
	return h('dl', {}, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
}

export function section(title: string, ...children: Child[]): HTMLElement {
	return h('section', {}, h('h2', {}, title), children)
}

export function pad(n: number): string {
	return n < 10 ? '0' + n : '' + n
}

// Times are shown in the browser's time zone, with the offset, so they are not
// ambiguous when copied into a ticket.
export function fmtTime(d: Date | null | undefined): string {
	if (!d || isNaN(d.getTime()) || d.getTime() <= -62135596800000) {
		return '-'
	}
	const off = -d.getTimezoneOffset()
	const sign = off < 0 ? '-' : '+'
	const abs = Math.abs(off)
	return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + ' ' + sign + pad(Math.floor(abs / 60)) + pad(abs % 60)
}

// A short relative age such as "3h ago" or "in 2d", with the full time as tooltip.
export function age(d: Date | null | undefined): HTMLElement {
	if (!d || isNaN(d.getTime()) || d.getTime() <= -62135596800000) {
		return h('span', {}, '-')
	}
	let s = (Date.now() - d.getTime()) / 1000
	const future = s < 0
	s = Math.abs(s)
	const units: [number, string][] = [[86400 * 365, 'y'], [86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']]
	let text = 'now'
	for (const [n, u] of units) {
		if (s >= n) {
			text = Math.floor(s / n) + u
			text = future ? 'in ' + text : text + ' ago'
			break
		}
	}
	return h('time', { datetime: d.toISOString(), title: fmtTime(d) }, text)
}

// A date (without time) as yyyy-mm-dd in local time, for date inputs.
export function ymd(d: Date): string {
	return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate())
}

// Parses a yyyy-mm-dd date input as local midnight; null when invalid.
export function parseYmd(s: string): Date | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
	if (!m) {
		return null
	}
	const d = new Date(+m[1], +m[2] - 1, +m[3])
	return isNaN(d.getTime()) ? null : d
}

export function fmtSize(n: number): string {
	if (n < 1024) {
		return n + ' B'
	}
	const units = ['KiB', 'MiB', 'GiB', 'TiB']
	let v = n / 1024
	let i = 0
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024
		i++
	}
	return (v < 10 ? v.toFixed(1) : Math.round(v)) + ' ' + units[i]
}

// The display name of a domain: Unicode when it has one, else ASCII.
export function domainName(d: api.Domain): string {
	return d.Unicode || d.ASCII
}

// Both forms when they differ, e.g. "bücher.example (xn--bcher-kva.example)".
export function domainFull(d: api.Domain): string {
	return d.Unicode && d.Unicode !== d.ASCII ? d.Unicode + ' (' + d.ASCII + ')' : d.ASCII
}

export function yesno(b: boolean): string {
	return b ? 'yes' : 'no'
}

// The message of an error from the client (an Error with a sherpa code) or anything
// else that was thrown.
export function errMessage(e: unknown): string {
	if (e && typeof e === 'object' && 'message' in e) {
		return '' + (e as { message: unknown }).message
	}
	return '' + e
}

export function errCode(e: unknown): string {
	if (e && typeof e === 'object' && 'code' in e) {
		return '' + (e as { code: unknown }).code
	}
	return ''
}

export function isAbort(e: unknown): boolean {
	return errCode(e) === 'sherpa:aborted'
}

// A read-only block of text with a button that copies it to the clipboard.
export function copyable(text: string, label = 'Copy'): HTMLElement {
	const pre = h('pre', { class: 'copy-text', tabindex: 0 }, text)
	const status = h('span', { class: 'status', role: 'status' })
	const btn = h('button', {
		type: 'button', class: 'small', onclick: async () => {
			try {
				await copyText(text)
				status.className = 'status ok'
				status.textContent = 'Copied.'
			} catch (e) {
				status.className = 'status err'
				status.textContent = 'Copy failed: ' + errMessage(e) + '. Select the text and copy it yourself.'
				const sel = window.getSelection()
				if (sel) {
					sel.selectAllChildren(pre)
				}
			}
		},
	}, label)
	return h('div', { class: 'copyable' }, pre, h('div', { class: 'row' }, btn, status))
}

async function copyText(text: string): Promise<void> {
	if (navigator.clipboard && window.isSecureContext) {
		await navigator.clipboard.writeText(text)
		return
	}
	// Plain HTTP on a non-local address has no clipboard API: copy through a
	// temporary selection instead.
	const ta = h('textarea', { class: 'offscreen', readonly: true }, text)
	document.body.appendChild(ta)
	ta.select()
	const ok = document.execCommand('copy')
	ta.remove()
	if (!ok) {
		throw new Error('the browser refused')
	}
}
