// The page's frame: the API client with its login prompt, the hash router, and the
// helper that runs user actions and shows their outcome next to the control.

import * as api from '../../../generated/api'
import { h, Child, errMessage, errCode, isAbort } from './dom'

// Where mox's admin page keeps the CSRF token; the same key, so switching between
// the two interfaces on one origin keeps the session.
const tokenKey = 'webadmincsrftoken'

function storedToken(): string {
	try {
		return window.localStorage.getItem(tokenKey) || ''
	} catch {
		// Storage can be disabled; the session then lasts as long as the page.
		return ''
	}
}

function storeToken(token: string | null): void {
	try {
		if (token === null) {
			window.localStorage.removeItem(tokenKey)
		} else {
			window.localStorage.setItem(tokenKey, token)
		}
	} catch {
		// See storedToken.
	}
}

// A client without the login callback, for LoginPrep/Login/Logout themselves.
const plainClient = new api.Client().withOptions({ csrfHeader: 'x-mox-csrf' })

// The client every page uses (through withOptions, so all share one authState): when a
// call fails because the session is missing or expired, the client calls login() and
// sends the call again with the new token.
export const client = new api.Client()
	.withOptions({ csrfHeader: 'x-mox-csrf', login: login })
	.withAuthToken(storedToken())

let loginOpen: Promise<string> | null = null

// Shows the login prompt and resolves with a new CSRF token once the password is
// accepted. The reason is the server's message for an ended session ("session
// expired"), or empty when there was no session. Cancelling rejects, which fails the
// call that needed the login (its error is shown next to it).
export function login(reason: string): Promise<string> {
	if (loginOpen) {
		return loginOpen
	}
	loginOpen = new Promise<string>((resolve, reject) => {
		const password = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true })
		const status = h('p', { class: 'status err', role: 'alert' })
		const submit = h('button', { type: 'submit' }, 'Log in')
		const had = storedToken() !== ''
		const why = reason ? 'Your session has ended (' + reason + '). Log in again to continue; what you were doing will then be completed.'
			: had ? 'Your session has ended. Log in again to continue.' : 'Log in with the admin password.'
		const dlg = h('dialog', { class: 'login', 'aria-labelledby': 'login-title' },
			h('form', {
				method: 'dialog', onsubmit: async (e: SubmitEvent) => {
					e.preventDefault()
					submit.disabled = true
					status.textContent = ''
					try {
						const loginToken = await plainClient.LoginPrep()
						const csrf = await plainClient.Login(loginToken, password.value)
						storeToken(csrf)
						loginOpen = null
						dlg.close()
						dlg.remove()
						resolve(csrf)
					} catch (err) {
						status.textContent = loginError(err)
						password.value = ''
						password.focus()
					} finally {
						submit.disabled = false
					}
				},
			},
			h('h2', { id: 'login-title' }, 'Admin login'),
			h('p', { class: 'reason' }, why),
			h('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'admin', hidden: true }),
			h('label', { for: 'login-password' }, 'Password'),
			password,
			h('div', { class: 'row' }, submit),
			status))
		dlg.addEventListener('cancel', () => {
			// Escape: give up on the call that needed the login.
			loginOpen = null
			dlg.remove()
			const err = new Error('login cancelled') as Error & { code: string }
			err.code = 'user:loginCancelled'
			reject(err)
		})
		document.body.appendChild(dlg)
		dlg.showModal()
		password.focus()
	})
	return loginOpen
}

function loginError(err: unknown): string {
	const code = errCode(err)
	if (code === 'user:loginFailed' || code === 'user:badLogin') {
		return 'Wrong password (' + errMessage(err) + ').'
	}
	return errMessage(err)
}

export async function logout(): Promise<void> {
	try {
		await plainClient.withAuthToken(client.authState.token || '').Logout()
	} catch {
		// The session may already be gone; either way it is over for this browser.
	}
	storeToken(null)
	client.authState.token = ''
	window.location.hash = ''
	window.location.reload()
}

// What a page gets: a client whose calls are abandoned when the user navigates away,
// the query parameters of the hash, and a way to render the page again.
export interface Ctx {
	client: api.Client
	signal: AbortSignal
	query: URLSearchParams
	// Renders the current page again (after a change), with an optional notice.
	reload(notice?: string): void
}

export type Page = (ctx: Ctx, ...args: string[]) => Promise<Child>

interface Route {
	path: string[] // literal elements, or '*' for a parameter
	page: Page
}

const routes: Route[] = []

export function route(path: string, page: Page): void {
	routes.push({ path: path === '' ? [] : path.split('/'), page: page })
}

function match(elems: string[]): { page: Page, args: string[] } | null {
	for (const r of routes) {
		if (r.path.length !== elems.length) {
			continue
		}
		const args: string[] = []
		let ok = true
		for (let i = 0; i < elems.length; i++) {
			if (r.path[i] === '*') {
				args.push(elems[i])
			} else if (r.path[i] !== elems[i]) {
				ok = false
				break
			}
		}
		if (ok) {
			return { page: r.page, args: args }
		}
	}
	return null
}

// Splits "#a/b%2Fc?x=1" into ["a", "b/c"] and the query.
export function parseHash(hash: string): { elems: string[], query: URLSearchParams } {
	let s = hash.replace(/^#/, '')
	let q = ''
	const i = s.indexOf('?')
	if (i >= 0) {
		q = s.slice(i + 1)
		s = s.slice(0, i)
	}
	const elems = s === '' ? [] : s.split('/').map(e => {
		try {
			return decodeURIComponent(e)
		} catch {
			return e
		}
	})
	return { elems: elems, query: new URLSearchParams(q) }
}

let current: AbortController | null = null
let noticeTimer: number | undefined

function main(): HTMLElement {
	const m = document.getElementById('page')
	if (!m) {
		throw new Error('page element missing')
	}
	return m
}

export function notice(text: string): void {
	const n = document.getElementById('notice')
	if (!n) {
		return
	}
	n.textContent = text
	n.hidden = text === ''
	window.clearTimeout(noticeTimer)
	if (text) {
		noticeTimer = window.setTimeout(() => notice(''), 10000)
	}
}

// Renders the page for the current hash. `reloading` keeps the keyboard focus on the
// same control (found by id) instead of moving it to the page heading.
export async function render(reloading: boolean, msg?: string, initial = false): Promise<void> {
	if (current) {
		current.abort()
	}
	const ac = new AbortController()
	current = ac
	const { elems, query } = parseHash(window.location.hash)
	const focusId = reloading && document.activeElement ? document.activeElement.id : ''
	const m = main()
	m.setAttribute('aria-busy', 'true')
	// Only show "Loading" when it takes long enough to notice, to avoid flicker.
	const slow = window.setTimeout(() => {
		if (!ac.signal.aborted) {
			m.replaceChildren(h('p', { class: 'muted loading' }, 'Loading…'))
		}
	}, 250)
	const ctx: Ctx = {
		client: client.withOptions({ signal: ac.signal }),
		signal: ac.signal,
		query: query,
		reload: (n?: string) => { render(true, n) },
	}
	for (const a of document.querySelectorAll('header nav a')) {
		const target = (a.getAttribute('href') || '#').slice(1).split('/')[0]
		if (target === (elems[0] || '')) {
			a.setAttribute('aria-current', 'page')
		} else {
			a.removeAttribute('aria-current')
		}
	}
	let content: Child
	try {
		const r = match(elems)
		content = r ? await r.page(ctx, ...r.args) : notFound()
	} catch (e) {
		if (ac.signal.aborted || isAbort(e)) {
			return
		}
		content = h('div', { class: 'page-error', role: 'alert' },
			h('h1', { tabindex: -1 }, 'Could not load this page'),
			h('p', { class: 'err' }, errMessage(e)),
			h('p', {}, h('button', { type: 'button', onclick: () => render(false) }, 'Try again'), ' ', h('a', { href: '#' }, 'Home')))
	} finally {
		window.clearTimeout(slow)
	}
	if (ac.signal.aborted) {
		return
	}
	m.replaceChildren(h('div', {}, content))
	m.removeAttribute('aria-busy')
	const h1 = m.querySelector('h1')
	document.title = (h1 && elems.length > 0 ? h1.textContent + ' - ' : '') + 'Mail admin'
	notice(msg || '')
	const again = focusId ? document.getElementById(focusId) : null
	if (again) {
		again.focus()
	} else if (!reloading && !initial && h1) {
		// After following a link the focus moves to the new content, as a page load
		// would put it at the start; on the first load it stays at the top, so Tab
		// reaches the skip link first.
		h1.setAttribute('tabindex', '-1')
		h1.focus({ preventScroll: true })
	}
}

function notFound(): Child {
	return [h('h1', {}, 'Not found'), h('p', {}, 'There is no page at this address. ', h('a', { href: '#' }, 'Go to the start page.'))]
}

// The element that shows the outcome of an action: for a form its .status child, for
// a button the .status element right after it (both created when missing).
function statusFor(ctl: HTMLElement): HTMLElement {
	if (ctl instanceof HTMLFormElement) {
		let s = ctl.querySelector(':scope > .status') as HTMLElement | null
		if (!s) {
			s = h('span', { class: 'status', role: 'status' })
			ctl.appendChild(s)
		}
		return s
	}
	const next = ctl.nextElementSibling
	if (next instanceof HTMLElement && next.classList.contains('status')) {
		return next
	}
	const s = h('span', { class: 'status', role: 'status' })
	ctl.insertAdjacentElement('afterend', s)
	return s
}

// Runs an action started from a button or a form: its buttons are disabled while it
// runs, "Working…" appears next to it when it takes a while, and an error is shown
// right there (and announced). A returned string is shown as the success message.
export async function act(ctl: HTMLElement, fn: () => Promise<string | void>): Promise<boolean> {
	const status = statusFor(ctl)
	const buttons: HTMLButtonElement[] = ctl instanceof HTMLButtonElement ? [ctl] : Array.from(ctl.querySelectorAll('button'))
	for (const b of buttons) {
		b.disabled = true
	}
	ctl.setAttribute('aria-busy', 'true')
	status.className = 'status'
	status.removeAttribute('role')
	status.textContent = ''
	const slow = window.setTimeout(() => { status.textContent = 'Working…' }, 300)
	try {
		const msg = await fn()
		status.setAttribute('role', 'status')
		status.className = 'status ok'
		status.textContent = msg || ''
		return true
	} catch (e) {
		status.setAttribute('role', 'alert')
		status.className = 'status err'
		status.textContent = errMessage(e)
		status.title = errCode(e)
		return false
	} finally {
		window.clearTimeout(slow)
		for (const b of buttons) {
			b.disabled = false
		}
		ctl.removeAttribute('aria-busy')
	}
}

// A part of a page whose content loads after the page is shown, so that a slow or
// failing lookup (DNS, for example) does not hold up or replace the rest of the page.
// Its error is shown in its place.
export function lazy(ctx: Ctx, load: () => Promise<Child>): HTMLElement {
	const body = h('div', { class: 'lazy' }, h('p', { class: 'muted', role: 'status' }, 'Loading…'))
	load().then(c => body.replaceChildren(h('div', {}, c)), e => {
		if (!ctx.signal.aborted && !isAbort(e)) {
			body.replaceChildren(h('p', { class: 'err', role: 'alert' }, errMessage(e)))
		}
	})
	return body
}

function slug(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}

// A form whose submission runs fn through act(). Its buttons get ids from the form's
// label, so that the keyboard focus returns to the same button after the page is
// rendered again.
export function form(attrs: { [k: string]: string }, fn: (f: HTMLFormElement) => Promise<string | void>, ...children: Child[]): HTMLFormElement {
	const f: HTMLFormElement = h('form', {
		...attrs, onsubmit: (e: SubmitEvent) => {
			e.preventDefault()
			act(f, () => fn(f))
		},
	}, children)
	for (const b of f.querySelectorAll('button')) {
		if (!b.id) {
			b.id = 'b-' + slug((attrs['aria-label'] || '') + ' ' + b.textContent)
		}
	}
	return f
}

// A button whose click runs fn through act(), after an optional confirmation.
// The label names what the button acts on, for buttons repeated per row ("Remove"),
// so screen readers and tests can tell them apart.
export function button(text: string, fn: () => Promise<string | void>, opts: { confirm?: string, class?: string, id?: string, label?: string } = {}): HTMLButtonElement {
	const b: HTMLButtonElement = h('button', {
		type: 'button', class: opts.class, id: opts.id || 'b-' + slug(opts.label || text), title: opts.label, 'aria-label': opts.label, onclick: () => {
			if (opts.confirm && !window.confirm(opts.confirm)) {
				return
			}
			act(b, fn)
		},
	}, text)
	return b
}

// A labelled input. The id is derived from the name so the label is connected and
// the focus can be restored after a re-render.
export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
	if (!input.id) {
		input.id = 'f-' + (input.getAttribute('name') || label.toLowerCase().replace(/[^a-z0-9]+/g, '-'))
	}
	const hintEl = hint ? h('small', { id: input.id + '-hint' }, hint) : null
	if (hintEl) {
		input.setAttribute('aria-describedby', hintEl.id)
	}
	return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl)
}

export function start(): void {
	window.addEventListener('hashchange', () => render(false))
	const skip = document.getElementById('skip')
	if (skip) {
		// The link's own target would change the route; move the focus instead.
		skip.addEventListener('click', e => {
			e.preventDefault()
			const h1 = main().querySelector('h1')
			if (h1) {
				h1.setAttribute('tabindex', '-1')
				h1.focus()
			}
		})
	}
	const lo = document.getElementById('logout')
	if (lo) {
		lo.addEventListener('click', () => { logout() })
	}
	render(false, undefined, true)
}
