// End-to-end tests of the admin page in headless Chromium against a real server.
// The tests run in order and build on each other, as an administrator's session
// would: log in, add a domain and an account, manage addresses, look at reports,
// work the queue, edit the web server configuration, lose the session, log out.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { startServer, launchBrowser, screenshot, apiCall, password, root, outDir, fixtures } from './harness.mjs'

let server
let browser
let context
let page
const pageErrors = []
const timeout = 15000

before(async () => {
	server = await startServer()
	browser = await launchBrowser()
	context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
	context.setDefaultTimeout(timeout)
	page = await newPage()
})

after(async () => {
	if (browser) {
		await browser.close()
	}
	if (server) {
		await server.stop()
	}
})

async function newPage() {
	const p = await context.newPage()
	p.on('pageerror', e => pageErrors.push(e.message))
	p.on('dialog', d => d.accept())
	return p
}

function heading(p, text) {
	return p.getByRole('heading', { level: 1, name: text })
}

async function go(p, hash) {
	await p.goto(server.base + hash)
}

async function loginDialog(p) {
	const dlg = p.getByRole('dialog', { name: 'Admin login' })
	await dlg.waitFor()
	return dlg
}

async function sessionCookie() {
	const c = (await context.cookies()).find(c => c.name === 'webadminsession')
	assert.ok(c, 'session cookie present')
	return 'webadminsession=' + c.value
}

test('serves the page and its assets with content types, caching and security headers', async () => {
	const r = await fetch(server.base, { headers: { 'accept-encoding': 'identity' } })
	assert.equal(r.status, 200)
	assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8')
	assert.equal(r.headers.get('cache-control'), 'no-cache')
	assert.match(r.headers.get('content-security-policy'), /script-src 'self'/)
	assert.equal(r.headers.get('x-frame-options'), 'deny')
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff')
	const html = await r.text()
	const js = /src="(admin\.js\?v=[0-9a-f]+)"/.exec(html)
	const css = /href="(admin\.css\?v=[0-9a-f]+)"/.exec(html)
	assert.ok(js && css, html)

	const rjs = await fetch(server.base + js[1], { headers: { 'accept-encoding': 'identity' } })
	assert.equal(rjs.headers.get('content-type'), 'text/javascript; charset=utf-8')
	// With SERVER_WEB_DIR (development) the files are read on every request and never
	// cached for long.
	assert.equal(rjs.headers.get('cache-control'), process.env.SERVER_WEB_DIR ? 'no-cache' : 'public, max-age=31536000, immutable')
	const jsBody = Buffer.from(await rjs.arrayBuffer())
	assert.deepEqual(jsBody, readFileSync(join(root, 'server/web/dist/admin.js')))
	const rcss = await fetch(server.base + css[1], { headers: { 'accept-encoding': 'identity' } })
	assert.equal(rcss.headers.get('content-type'), 'text/css; charset=utf-8')
	const cssBody = Buffer.from(await rcss.arrayBuffer())

	const again = await fetch(server.base, { headers: { 'if-none-match': r.headers.get('etag'), 'accept-encoding': 'identity' } })
	assert.equal(again.status, 304)

	// The page weight: what a first visit to /admin/ transfers, without and with gzip.
	const htmlBytes = Buffer.byteLength(html)
	const total = htmlBytes + jsBody.length + cssBody.length
	const gz = gzipSync(html, { level: 9 }).length + gzipSync(jsBody, { level: 9 }).length + gzipSync(cssBody, { level: 9 }).length
	const report = 'page weight for /admin/: ' + total + ' bytes (HTML ' + htmlBytes + ' + JS ' + jsBody.length + ' + CSS ' + cssBody.length + '), ' + gz + ' bytes gzipped\n'
	mkdirSync(outDir, { recursive: true })
	writeFileSync(join(outDir, 'page-weight.txt'), report)
	console.log(report.trim())
	assert.ok(total < 150000, report)
})

test('login: a wrong password is refused in the dialog, the right one opens the start page', async () => {
	await go(page, '')
	const dlg = await loginDialog(page)
	await screenshot(page, 'login')
	await dlg.getByLabel('Password').fill('not-the-password')
	await dlg.getByRole('button', { name: 'Log in' }).click()
	await dlg.getByText('Wrong password (invalid credentials).').waitFor()
	assert.equal(await dlg.getByLabel('Password').inputValue(), '', 'password field cleared')

	// Keyboard: the password field has the focus again; type and press Enter.
	await page.keyboard.type(password)
	await page.keyboard.press('Enter')
	await heading(page, 'Mail server administration').waitFor()
	assert.equal(await page.getByRole('dialog').count(), 0)
	const token = await page.evaluate(() => localStorage.getItem('webadmincsrftoken'))
	assert.match(token, /^[A-Za-z0-9_-]{22}$/)
	assert.equal(await page.locator('#queue-size').textContent(), '2')
	await page.getByText('No domains yet.').waitFor()
	await screenshot(page, 'home-empty')
})

test('add a domain with a new account, and see its addresses', async () => {
	await page.getByLabel('Domain', { exact: true }).fill('example.org')
	await page.getByLabel('Account', { exact: true }).fill('mjl')
	await page.getByLabel('Localpart').first().fill('mjl')
	await page.getByRole('button', { name: 'Add domain' }).click()
	await heading(page, 'Domain example.org').waitFor()
	assert.match(page.url(), /#domains\/example\.org$/)
	const rows = page.locator('section', { has: page.getByRole('heading', { name: 'Addresses' }) }).locator('tbody tr')
	const texts = await rows.allTextContents()
	assert.ok(texts.some(t => t.includes('mjl@example.org') && t.includes('mjl')), texts.join('\n'))
	// DomainAdd also sets up the reporting addresses.
	assert.ok(texts.some(t => t.includes('dmarc-reports@example.org')), texts.join('\n'))
	await screenshot(page, 'domain')
})

test('add an account from the start page', async () => {
	await go(page, '')
	await heading(page, 'Mail server administration').waitFor()
	await page.getByText('Add an account').click()
	await page.getByLabel('Account name').fill('alice')
	await page.getByLabel('First address').fill('alice@example.org')
	await page.getByRole('button', { name: 'Add account' }).click()
	await heading(page, 'Account alice').waitFor()
	await page.locator('.addr', { hasText: 'alice@example.org' }).waitFor()
	await go(page, '')
	await page.locator('#account-list').getByRole('link', { name: 'alice' }).waitFor()
	await page.locator('#domain-list').getByRole('link', { name: 'example.org' }).waitFor()
	await screenshot(page, 'home')
})

test('account: add and remove an address, errors shown next to the action', async () => {
	await go(page, '#accounts/alice')
	await heading(page, 'Account alice').waitFor()
	const addForm = page.getByRole('form', { name: 'Add address' })
	// A bare localpart is in the account's domain.
	await addForm.getByLabel('Address').fill('sales')
	// Keyboard: Enter submits, and after the page shows the new address the focus is
	// back in the field, ready for the next one.
	await addForm.getByLabel('Address').press('Enter')
	await page.locator('.addr', { hasText: 'sales@example.org' }).waitFor()
	await page.locator('#notice', { hasText: 'Address sales@example.org added.' }).waitFor()
	assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'account-add-address')

	// Adding it again fails; the error appears in the form that caused it.
	await addForm.getByLabel('Address').fill('sales@example.org')
	await addForm.getByRole('button', { name: 'Add address' }).click()
	const err = addForm.locator('.status.err')
	await err.waitFor()
	assert.match(await err.textContent(), /already/)
	assert.equal(await err.getAttribute('role'), 'alert')

	await page.getByRole('button', { name: 'Remove address sales@example.org' }).click()
	await page.locator('#notice', { hasText: 'Address sales@example.org removed.' }).waitFor()
	assert.equal(await page.locator('.addr', { hasText: 'sales@example.org' }).count(), 0)
})

test('account: set a password and limits', async () => {
	const pwForm = page.getByRole('form', { name: 'Set password' })
	await pwForm.getByLabel('New password').fill('a-long-enough-password')
	await pwForm.getByRole('button', { name: 'Set password' }).click()
	await pwForm.getByText('Password set.').waitFor()
	assert.equal(await pwForm.getByLabel('New password').inputValue(), '')
	// A typed password is not shown again.
	assert.equal(await page.locator('#account-password-set').textContent(), '')

	// A generated one stays visible, with a copy button, once it is set.
	await pwForm.getByRole('button', { name: 'Generate' }).click()
	const generated = await pwForm.getByLabel('New password').inputValue()
	assert.match(generated, /^.{16}$/)
	await pwForm.getByRole('button', { name: 'Set password' }).click()
	await pwForm.getByText('Password set.').waitFor()
	const kept = page.locator('#account-password-set')
	assert.equal(await kept.locator('pre').textContent(), generated)
	await kept.getByRole('button', { name: 'Copy password' }).waitFor()
	assert.equal(await pwForm.getByLabel('New password').inputValue(), '')

	const limits = page.getByRole('form', { name: 'Limits' })
	await limits.getByLabel('Outgoing messages per day').fill('500')
	await limits.getByRole('button', { name: 'Save limits' }).click()
	await page.locator('#notice', { hasText: 'Limits saved.' }).waitFor()
	assert.equal(await page.getByRole('form', { name: 'Limits' }).getByLabel('Outgoing messages per day').inputValue(), '500')
	// Still shown after the page was rendered again, and gone once the admin leaves.
	assert.equal(await kept.locator('pre').textContent(), generated)
	await screenshot(page, 'account')
	const here = new URL(page.url()).hash
	await go(page, '')
	await heading(page, 'Mail server administration').waitFor()
	await go(page, here)
	await page.getByRole('form', { name: 'Set password' }).waitFor()
	assert.equal(await page.locator('#account-password-set').textContent(), '')
})

test('DMARC: an imported report shows in the summaries, the domain list and in detail', async () => {
	await go(page, '#dmarc')
	await heading(page, 'DMARC aggregate reports').waitFor()
	await page.getByText('No reports in this period.').waitFor()
	// The fixture covers 2024-01-01.
	await page.getByLabel('From').fill('2024-01-01')
	await page.getByLabel('To (inclusive)').fill('2024-01-31')
	await page.getByRole('button', { name: 'Show' }).click()
	const link = page.getByRole('link', { name: 'example.org' }).last()
	await link.waitFor()
	const row = page.locator('tbody tr', { hasText: 'example.org' })
	assert.match(await row.textContent(), /example\.org/)

	// The chart's bars add up to the summary, segment by segment (the fixture: 12
	// messages passed, 5 failed, 3 rejected), and to its table of numbers.
	const chart = page.locator('#chart-dmarc-days')
	await chart.locator('svg.bars rect.bar').first().waitFor()
	const bySegment = await chart.evaluate(c => {
		const sums = {}
		for (const r of c.querySelectorAll('rect.bar')) {
			sums[r.dataset.segment] = (sums[r.dataset.segment] || 0) + Number(r.dataset.value)
		}
		return sums
	})
	assert.deepEqual(bySegment, { Pass: 12, Fail: 5, Rejected: 3 })
	const total = Number((await row.locator('td').nth(1).textContent()).trim())
	assert.equal(total, 20)
	await chart.getByText('Numbers').click()
	const numbers = await chart.locator('tbody tr').evaluateAll(rows => rows.map(r => Array.from(r.children).slice(1).map(c => Number(c.textContent))))
	assert.deepEqual(numbers, [[12, 5, 0, 3, 20]])
	// The top sources: every reported address, the busiest first, with its pass rate.
	const sources = page.getByRole('heading', { name: 'Top sending sources' }).locator('..').locator('tbody tr')
	assert.ok(await sources.count() >= 2)
	assert.match(await sources.first().textContent(), /^192\.0\.2\.10/)
	await page.getByRole('cell', { name: '2001:db8::25' }).waitFor()
	await screenshot(page, 'dmarc')
	await link.click()
	await heading(page, 'DMARC reports for example.org').waitFor()
	await page.locator('tbody tr', { hasText: 'google.com' }).getByRole('link').first().click()
	await heading(page, /DMARC report \d+ for example\.org/).waitFor()
	await page.getByText('9391651994964116463').waitFor()
	await page.locator('td', { hasText: '192.0.2.10' }).waitFor()
	await page.locator('td', { hasText: '2001:db8::25' }).waitFor()
	await screenshot(page, 'dmarc-report')
})

test('TLS reports: an imported report shows in the summaries and in detail', async () => {
	await go(page, '#tlsrpt?start=2024-01-01&end=2024-01-31')
	await heading(page, 'TLS reports').waitFor()
	// Sessions per day match the summary (1830 successful, 7 failed), for all policy
	// domains and for the one reported.
	const sessions = async () => page.locator('#chart-tls-days').evaluate(c => Array.from(c.querySelectorAll('rect.bar')).map(r => r.dataset.segment + ' ' + r.dataset.value))
	await page.locator('#chart-tls-days rect.bar').first().waitFor()
	assert.deepEqual(await sessions(), ['Successful 1830', 'Failed 7'])
	const summary = await page.locator('tbody tr', { hasText: 'example.com' }).first().textContent()
	assert.match(summary, /1830.*7/)
	await page.getByLabel('Policy domain').selectOption('example.com')
	await page.getByText('TLS sessions per day for example.com').waitFor()
	assert.deepEqual(await sessions(), ['Successful 1830', 'Failed 7'])
	await screenshot(page, 'tlsrpt')
	await page.getByRole('link', { name: 'example.com' }).click()
	await heading(page, 'TLS reports for example.com').waitFor()
	await page.locator('tbody tr', { hasText: 'Google Inc.' }).getByRole('link').first().click()
	await heading(page, /TLS report \d+ for example\.com/).waitFor()
	await page.getByText('certificate-expired').first().waitFor()
	await page.getByText('X509_V_ERR_CERT_HAS_EXPIRED').waitFor()
	await screenshot(page, 'tlsrpt-report')
})

test('queue: kick a message through a transport and drop another', async () => {
	await go(page, '#queue')
	await heading(page, 'Queue').waitFor()
	await page.getByText('2 messages waiting for delivery.').waitFor()
	const first = page.locator('article.msg').first()
	const firstId = (await first.getAttribute('id')).slice('msg-'.length)
	await first.getByRole('combobox', { name: 'Transport for message ' + firstId }).selectOption('relay')
	await first.getByRole('button', { name: 'Kick' }).click()
	await page.locator('#notice', { hasText: 'Message ' + firstId + ' scheduled for delivery now through transport relay.' }).waitFor()
	assert.equal(await page.locator('#msg-' + firstId + ' .transport').textContent(), 'relay')

	const second = page.locator('article.msg').nth(1)
	const secondId = (await second.getAttribute('id')).slice('msg-'.length)
	await screenshot(page, 'queue')
	await second.getByRole('button', { name: 'Drop' }).click()
	await page.locator('#notice', { hasText: 'Message ' + secondId + ' dropped from the queue.' }).waitFor()
	await page.getByText('1 message waiting for delivery.').waitFor()
	assert.equal(await page.locator('#msg-' + secondId).count(), 0)

	// RequireTLS on the remaining message.
	await page.getByRole('combobox', { name: 'RequireTLS for message ' + firstId }).selectOption('yes')
	await page.getByRole('form', { name: 'RequireTLS for message ' + firstId }).getByRole('button', { name: 'Save' }).click()
	await page.locator('#notice', { hasText: 'RequireTLS of message ' + firstId + ' saved.' }).waitFor()
	assert.match(await page.locator('#msg-' + firstId).textContent(), /RequireTLSrequired/)
})

test('web server config: save changes, and a conflicting save is refused', async () => {
	// A second tab loads the configuration before the first one saves.
	const other = await newPage()
	await go(other, '#webserver')
	await heading(other, 'Web server configuration').waitFor()

	await go(page, '#webserver')
	await heading(page, 'Web server configuration').waitFor()
	await page.getByRole('button', { name: 'Add redirect' }).click()
	await page.locator('#redirect-from-0').fill('www.example.org')
	await page.locator('#redirect-to-0').fill('example.org')
	await page.getByRole('button', { name: 'Add handler' }).click()
	await page.locator('#wh-0-logname').fill('site')
	await page.locator('#wh-0-domain').fill('example.org')
	await page.locator('#wh-0-kind').selectOption('static')
	await page.locator('#wh-0-root').fill('/var/www/example')
	await page.getByRole('button', { name: 'Save', exact: true }).click()
	await page.locator('#notice', { hasText: 'Web server configuration saved.' }).waitFor()
	await screenshot(page, 'webserver')

	// After a reload the saved state is shown.
	await page.reload()
	await heading(page, 'Web server configuration').waitFor()
	assert.equal(await page.locator('#redirect-from-0').inputValue(), 'www.example.org')
	assert.equal(await page.locator('#wh-0-root').inputValue(), '/var/www/example')

	// The other tab still has the old configuration: its save must be refused, with
	// the reason next to the Save button, and nothing changed on the server.
	await other.getByRole('button', { name: 'Add redirect' }).click()
	await other.locator('#redirect-from-0').fill('old.example.org')
	await other.locator('#redirect-to-0').fill('example.org')
	await other.getByRole('button', { name: 'Save', exact: true }).click()
	const err = other.locator('#webserver-save + .status.err')
	await err.waitFor()
	assert.match(await err.textContent(), /config has changed/)
	await screenshot(other, 'webserver-conflict')
	await other.getByRole('button', { name: 'Discard changes and reload' }).click()
	await other.locator('#notice', { hasText: 'Current configuration loaded.' }).waitFor()
	assert.equal(await other.locator('#redirect-from-0').inputValue(), 'www.example.org')
	await other.close()
})

test('an ended session prompts for the password and then completes the action', async () => {
	await go(page, '#accounts/alice')
	await heading(page, 'Account alice').waitFor()
	// End the session on the server, as expiry would; the browser still has the cookie.
	const csrf = await page.evaluate(() => localStorage.getItem('webadmincsrftoken'))
	const r = await apiCall(server.base, await sessionCookie(), csrf, 'Logout', [])
	assert.deepEqual(r.body, { result: null })

	const addForm = page.getByRole('form', { name: 'Add address' })
	await addForm.getByLabel('Address').fill('retry')
	await addForm.getByRole('button', { name: 'Add address' }).click()
	const dlg = await loginDialog(page)
	await dlg.getByText('Your session has ended (unknown session)').waitFor()
	await screenshot(page, 'session-ended')
	await dlg.getByLabel('Password').fill(password)
	await dlg.getByRole('button', { name: 'Log in' }).click()
	// The call is sent again with the new token and succeeds.
	await page.locator('#notice', { hasText: 'Address retry@example.org added.' }).waitFor()
	await page.locator('.addr', { hasText: 'retry@example.org' }).waitFor()
	assert.equal(await page.getByRole('dialog').count(), 0)
	const newCsrf = await page.evaluate(() => localStorage.getItem('webadmincsrftoken'))
	assert.notEqual(newCsrf, csrf)
})

test('domain check against the empty DNS: the missing records are errors in the checklist', async () => {
	await go(page, '#domains/example.org/dnscheck')
	await heading(page, 'Check DNS and TLS for example.org').waitFor()
	await page.locator('#check-summary').waitFor({ timeout: 60000 })
	assert.match(await page.locator('#check-summary').textContent(), /^\d+ errors? and \d+ warnings? in 14 checks\.$/)
	assert.equal(await page.locator('li.check[data-area=MX]').getAttribute('class'), 'check error')
	assert.ok(server.dnsQueries() > 0, 'the check asked the DNS server')
	await screenshot(page, 'dnscheck-live')
})

test('domain check: progress while it runs, abandon, and the results as a checklist', async () => {
	// A check that takes long and one with known results: the browser gets a stalled
	// answer and then a recorded one, to test the page's side of it.
	let release
	await page.route('**/api/CheckDomain', route => new Promise(r => { release = () => r(route.abort()) }))
	// Still on the check page of the previous test: run it again.
	await page.getByRole('button', { name: 'Check again' }).click()
	await page.locator('progress').waitFor()
	await page.getByText(/Checking DNS records, mail and web servers of example\.org/).waitFor()
	await page.getByRole('button', { name: 'Abandon' }).click()
	await page.locator('#check-abandoned').waitFor()
	assert.equal(await page.locator('progress').count(), 0)
	if (release) {
		release()
	}
	await page.unroute('**/api/CheckDomain')

	const recorded = JSON.parse(readFileSync(join(root, 'tests/ui/fixtures/checkresult.json'), 'utf8'))
	await page.route('**/api/CheckDomain', route => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ result: recorded }) }))
	await page.getByRole('button', { name: 'Start again' }).click()
	await page.locator('#check-summary').waitFor()
	assert.equal(await page.locator('#check-summary').textContent(), '2 errors and 1 warning in 14 checks.')
	assert.equal(await page.locator('li.check.error').count(), 2)
	assert.equal(await page.locator('li.check.warning').count(), 1)
	assert.equal(await page.locator('li.check.ok').count(), 11)
	await page.locator('li[data-area=SPF] .errors', { hasText: 'No SPF record' }).waitFor()
	await page.locator('li[data-area=SPF] .instruction pre', { hasText: 'v=spf1 mx ~all' }).waitFor()
	await screenshot(page, 'dnscheck')
	await page.unroute('**/api/CheckDomain')
})

test('every other page loads and its actions work', async () => {
	const pages = [
		['#mtasts', 'MTA-STS policies', 'mtasts'],
		['#transports', 'Transports', 'transports'],
		['#loglevels', 'Log levels', 'loglevels'],
		['#config', 'Configuration files', 'config'],
		['#dmarc/evaluations', 'DMARC evaluations', 'dmarc-evaluations'],
		['#tlsrpt/results', 'TLS results', 'tlsrpt-results'],
	]
	for (const [hash, title, shot] of pages) {
		await go(page, hash)
		await heading(page, title).waitFor()
		assert.equal(await page.locator('.page-error').count(), 0, hash)
		await screenshot(page, shot)
	}

	await go(page, '#domains/example.org/dnsrecords')
	const records = page.locator('.copy-text')
	await records.waitFor()
	assert.match(await records.textContent(), /_dmarc\.example\.org\.?\s.*TXT/)
	await page.getByRole('button', { name: 'Copy all records' }).waitFor()
	await screenshot(page, 'dnsrecords')

	await go(page, '#network')
	await heading(page, 'DNS blocklists and IP lookup').waitFor()
	await page.locator('.lazy p[role=status]').waitFor({ state: 'detached' })
	const lookup = page.getByRole('form', { name: 'Look up IP' })
	await lookup.getByLabel('IP address').fill('192.0.2.1')
	await lookup.getByRole('button', { name: 'Look up' }).click()
	// The empty DNS has no PTR record: the error shows next to the form.
	await lookup.locator('.status.err').waitFor()
	assert.match(await lookup.locator('.status.err').textContent(), /looking up ip/)
	await screenshot(page, 'network')

	await go(page, '#mtasts')
	await page.locator('td', { hasText: 'example.net' }).first().waitFor()
	await go(page, '#transports')
	await page.locator('td', { hasText: 'smtp.example.net:465' }).waitFor()

	await go(page, '#loglevels')
	await heading(page, 'Log levels').waitFor()
	await page.getByLabel('Module').fill('server::http')
	await page.getByLabel('Level', { exact: true }).selectOption('trace')
	await page.getByRole('button', { name: 'Set level' }).click()
	await page.locator('#notice', { hasText: 'Log level of server::http set to trace.' }).waitFor()
	await page.getByRole('button', { name: 'Remove log level of server::http' }).click()
	await page.locator('#notice', { hasText: 'Log level of server::http removed' }).waitFor()
	assert.equal(await page.locator('code', { hasText: 'server::http' }).count(), 0)

	await go(page, '#dmarc/evaluations')
	await heading(page, 'DMARC evaluations').waitFor()
	await page.getByLabel('Reporting address').fill('dmarc@example.net')
	await page.getByRole('button', { name: 'Add', exact: true }).click()
	await page.locator('#notice', { hasText: 'dmarc@example.net added to the suppress list.' }).waitFor()
	await page.getByRole('button', { name: 'Extend suppression of dmarc@example.net' }).click()
	await page.locator('#notice', { hasText: 'Suppression of dmarc@example.net extended.' }).waitFor()
	await page.getByRole('button', { name: 'Remove dmarc@example.net from the suppress list' }).click()
	await page.getByText('The suppress list is empty.').waitFor()

	await go(page, '#tlsrpt/results')
	await heading(page, 'TLS results').waitFor()
	const removeButtons = page.getByRole('button', { name: /^Remove results for / })
	const before = await removeButtons.count()
	assert.ok(before > 0)
	await removeButtons.first().click()
	await page.locator('#notice', { hasText: /^Results for .* removed\.$/ }).waitFor()
	assert.ok(await removeButtons.count() < before)
})

test('narrow screen: no sideways scrolling, and the menu works from the keyboard', async () => {
	const narrow = await context.newPage()
	narrow.on('pageerror', e => pageErrors.push(e.message))
	await narrow.setViewportSize({ width: 360, height: 740 })
	for (const [hash, title, shot] of [['', 'Mail server administration', 'home-narrow'], ['#queue', 'Queue', 'queue-narrow'], ['#accounts/alice', 'Account alice', 'account-narrow'], ['#webserver', 'Web server configuration', 'webserver-narrow'], ['#dmarc?start=2024-01-01&end=2024-01-31', 'DMARC aggregate reports', 'dmarc-narrow'], ['#tlsrpt?start=2024-01-01&end=2024-01-31', 'TLS reports', 'tlsrpt-narrow']]) {
		await go(narrow, hash)
		await heading(narrow, title).waitFor()
		const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
		assert.ok(overflow <= 0, hash + ' overflows by ' + overflow + 'px')
		await screenshot(narrow, shot)
	}

	// Keyboard only: from the top of a freshly loaded page, Tab to the Queue menu item
	// (past the skip link, the name and Home), Enter, and the focus lands on the new
	// page's heading.
	await go(narrow, '')
	await heading(narrow, 'Mail server administration').waitFor()
	let found = false
	const tabs = []
	for (let i = 0; i < 6 && !found; i++) {
		await narrow.keyboard.press('Tab')
		const active = await narrow.evaluate(() => document.activeElement ? document.activeElement.tagName + ':' + document.activeElement.textContent : '')
		tabs.push(active)
		found = active === 'A:Queue'
	}
	assert.ok(found, 'Queue link reachable with Tab: ' + tabs.join(', '))
	await narrow.keyboard.press('Enter')
	await heading(narrow, 'Queue').waitFor()
	assert.equal(await narrow.evaluate(() => document.activeElement && document.activeElement.tagName), 'H1')
	await narrow.close()
})

test('API reference: linked from the footer, self-contained, every type link resolves, the search filters', async () => {
	const p = await newPage()
	const consoleErrors = []
	p.on('console', m => {
		if (m.type() === 'error') {
			consoleErrors.push(m.text())
		}
	})
	await go(p, '')
	await heading(p, 'Mail server administration').waitFor()
	const requests = []
	p.on('request', r => requests.push(r.url()))
	await p.getByRole('contentinfo').getByRole('link', { name: 'API reference' }).click()
	await p.waitForURL(server.base + 'api-docs')
	await p.getByRole('heading', { level: 1, name: 'Admin API reference' }).waitFor()
	// Nothing but the page itself is loaded: styles and script are inline, and the
	// policy allowing them by hash holds (a violation would be a console error).
	assert.deepEqual(requests, [server.base + 'api-docs'])

	const counts = await p.evaluate(() => ({
		functions: document.querySelectorAll('article[id^="fn-"]').length,
		types: document.querySelectorAll('article[id^="type-"]').length,
		typeLinks: document.querySelectorAll('a[href^="#type-"]').length,
		broken: Array.from(document.querySelectorAll('a[href^="#"]')).filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).map(a => a.getAttribute('href')),
	}))
	assert.equal(counts.functions, 57)
	assert.equal(counts.types, 72 + 16)
	assert.ok(counts.typeLinks > 200, 'type links: ' + counts.typeLinks)
	assert.deepEqual(counts.broken, [])

	// A type in a signature leads to its definition.
	await p.locator('#fn-CheckDomain .sig a', { hasText: 'CheckResult' }).click()
	await p.waitForURL(/#type-CheckResult$/)
	assert.ok(await p.locator('#type-CheckResult').isVisible())
	assert.ok(await p.evaluate(() => { const r = document.getElementById('type-CheckResult').getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight }))

	// The search box filters the items and the contents.
	const visible = () => p.evaluate(() => Array.from(document.querySelectorAll('article[data-item]')).filter(a => !a.hidden).map(a => a.id))
	const search = p.getByRole('searchbox', { name: 'Search functions, types and fields' })
	await search.fill('domainadd')
	assert.deepEqual(await visible(), ['fn-DomainAdd'])
	assert.equal(await p.locator('#matches').textContent(), '1 of 145 items')
	assert.ok(await p.locator('nav [data-for="fn-DomainAdd"]').isVisible())
	assert.ok(!(await p.locator('nav [data-for="fn-Domains"]').isVisible()))
	await search.fill('dkim selector')
	assert.deepEqual(await visible(), ['type-DKIMRecord', 'type-Record', 'type-DKIMAuthResult'])
	await search.fill('no such thing')
	assert.deepEqual(await visible(), [])
	assert.ok(await p.getByText('Nothing matches the search.').isVisible())
	await search.fill('dkim selector')
	await p.screenshot({ path: join(outDir, 'api-reference.png') })
	await search.press('Escape')
	assert.equal((await visible()).length, 145)

	// Readable on a phone: one column, no sideways scrolling.
	await p.setViewportSize({ width: 360, height: 740 })
	const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
	assert.ok(overflow <= 0, 'the reference overflows by ' + overflow + 'px')
	await p.screenshot({ path: join(outDir, 'api-reference-narrow.png') })
	assert.deepEqual(consoleErrors, [])
	await p.close()
})

test('import on the DMARC and TLS pages: a line per file or message, and a report already stored is not stored again', async () => {
	await go(page, '#dmarc?start=2023-12-25&end=2024-01-10')
	await heading(page, 'DMARC aggregate reports').waitFor()
	const google = readFileSync(join(fixtures, 'dmarc-google.xml'))
	const yahoo = readFileSync(join(fixtures, 'dmarc-yahoo.xml'))
	// A report email as Microsoft sends them: the report gzipped and attached.
	const mail = Buffer.from([
		'From: dmarcreport@microsoft.com', 'Subject: Report Domain: example.com', 'MIME-Version: 1.0',
		'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'Report attached.',
		'--b', 'Content-Type: application/gzip; name="yahoo.xml.gz"', 'Content-Disposition: attachment; filename="yahoo.xml.gz"',
		'Content-Transfer-Encoding: base64', '', gzipSync(yahoo).toString('base64').replace(/.{76}/g, '$&\r\n'), '--b--', '',
	].join('\r\n'))
	const upload = async files => {
		await page.getByLabel('Files', { exact: true }).setInputFiles(files)
		await page.getByRole('button', { name: 'Import', exact: true }).click()
	}
	await upload([{ name: 'google.xml', mimeType: 'text/xml', buffer: google }, { name: 'report.eml', mimeType: 'message/rfc822', buffer: mail }])
	const results = page.getByRole('list', { name: 'Import results' })
	await results.getByText(/^google\.xml: DMARC report google\.com\/9391651994964116463 for example\.org: already present \(ID 1\)$/).waitFor()
	await results.getByText(/^report\.eml \("Report Domain: example\.com"\): DMARC report Yahoo\/1704240000\.123456 for example\.com: imported \(ID \d+\)$/).waitFor()
	await page.getByText('1 new, 1 already present.').waitFor()
	await screenshot(page, 'dmarc-import')
	await page.getByRole('button', { name: 'Show the new reports' }).click()
	await page.getByRole('link', { name: 'example.com', exact: true }).waitFor()

	// The same email again: stored once.
	await upload([{ name: 'again.eml', mimeType: 'message/rfc822', buffer: mail }])
	await page.getByText('0 new, 1 already present.').waitFor()
	// Something that is not a report says why, next to the form.
	await upload([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('\x00 not a report') }])
	await results.getByText(/^notes\.txt: error: not a report/).waitFor()
	await page.getByText('0 new, 0 already present, 1 failed (see below).').waitFor()

	// The TLS page takes TLS reports the same way.
	await go(page, '#tlsrpt')
	await heading(page, 'TLS reports').waitFor()
	await upload([{ name: 'tls.json', mimeType: 'application/json', buffer: readFileSync(join(fixtures, 'tlsrpt-google.json')) }])
	await results.getByText(/^tls\.json: TLS report Google Inc\.\/.*: already present \(ID 1\)$/).waitFor()
})

test('a host name that cannot be used in DNS is warned about on the home, domain and DNS pages', async () => {
	// This server's Hostname is mail.example.org: no warning.
	await go(page, '')
	await heading(page, 'Mail server administration').waitFor()
	assert.equal(await page.locator('#hostname-warning').count(), 0)

	// The same settings, started with --hostname localhost (the built-in default).
	const other = await startServer(['--hostname', 'localhost'])
	const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 } })
	ctx2.setDefaultTimeout(timeout)
	try {
		const p = await ctx2.newPage()
		p.on('pageerror', e => pageErrors.push(e.message))
		await p.goto(other.base)
		const dlg = await loginDialog(p)
		await dlg.getByLabel('Password').fill(password)
		await dlg.getByRole('button', { name: 'Log in' }).click()
		const warning = p.locator('#hostname-warning')
		await warning.waitFor()
		assert.match(await warning.textContent(), /^The server's host name "localhost" names this machine only\. .*Set Hostname .*--hostname mail\.example\.org\.$/)
		await screenshot(p, 'hostname-warning')
		for (const [hash, title] of [['#domains/example.org/dnsrecords', 'DNS records for example.org'], ['#domains/example.org/dnscheck', 'Check DNS and TLS for example.org']]) {
			await p.goto(other.base + hash)
			await heading(p, title).waitFor()
			await warning.waitFor()
		}
	} finally {
		await ctx2.close()
		await other.stop()
	}
})

test('log out: the session ends and the login prompt is shown', async () => {
	await go(page, '')
	await heading(page, 'Mail server administration').waitFor()
	const cookie = await sessionCookie()
	const csrf = await page.evaluate(() => localStorage.getItem('webadmincsrftoken'))
	await page.getByRole('button', { name: 'Log out' }).click()
	await loginDialog(page)
	assert.equal(await page.evaluate(() => localStorage.getItem('webadmincsrftoken')), null)
	// The old session no longer works.
	const r = await apiCall(server.base, cookie, csrf, 'Domains', [])
	assert.equal(r.body.error.code, 'user:badAuth')
	await screenshot(page, 'logged-out')
})

test('every API function is used by the page', () => {
	const schema = JSON.parse(readFileSync(join(root, 'api.json'), 'utf8'))
	const names = []
	const walk = s => {
		for (const f of s.Functions || []) {
			names.push(f.Name)
		}
		for (const sub of s.Sections || []) {
			walk(sub)
		}
	}
	walk(schema)
	const srcDir = join(root, 'server/web/src')
	const src = readdirSync(srcDir).filter(f => f.endsWith('.ts')).map(f => readFileSync(join(srcDir, f), 'utf8')).join('\n')
	const missing = names.filter(n => !new RegExp('\\.' + n + '\\(').test(src))
	assert.deepEqual(missing, [])
	assert.equal(names.length, 57)
})

test('no script errors on any page', () => {
	assert.deepEqual(pageErrors, [])
})
