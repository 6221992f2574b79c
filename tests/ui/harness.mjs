// Test harness for the admin page: a real server binary on loopback with a fresh data
// directory (password set and data imported through the CLI, as an administrator
// would), and Debian's Chromium driven by playwright-core.
//
// Environment:
//   SERVER_BIN  the server binary (the cargo test passes its own build)
//   CHROMIUM    the browser (default /usr/bin/chromium)

import { spawn, spawnSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const fixtures = join(root, 'server', 'tests', 'fixtures', 'import')
export const outDir = join(root, 'test-output', 'ui')
export const password = 'test-admin-password-1'

const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium'

// The launch flags that work on this kind of machine: no sandbox (root), and no
// background connections to the outside, which the network refuses.
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

function serverBin() {
	const bin = process.env.SERVER_BIN
	if (!bin) {
		throw new Error('SERVER_BIN is not set: run these tests through `cargo test -p server --test integration ui::`, or set it to a built server binary')
	}
	if (!existsSync(bin)) {
		throw new Error('SERVER_BIN ' + bin + ' does not exist')
	}
	return bin
}

function cli(dataDir, configFile, args, input) {
	const r = spawnSync(serverBin(), ['--data', dataDir, '--config', configFile, ...args], { input: input, encoding: 'utf8' })
	if (r.status !== 0) {
		throw new Error('server ' + args.join(' ') + ' failed (' + r.status + '): ' + r.stdout + r.stderr)
	}
	return r.stdout
}

// A DNS server on loopback that knows no names: it answers every query with
// NXDOMAIN. The server's DNS functions (DomainRecords, CheckDomain, LookupIP, DNSBL
// status) then run for real and quickly, without the outside network.
export async function startEmptyDNS() {
	const sock = createSocket('udp4')
	let queries = 0
	sock.on('message', (msg, rinfo) => {
		if (msg.length < 12) {
			return
		}
		queries++
		// The question section ends after the name (labels up to a zero byte) and
		// the 4 bytes of type and class.
		let i = 12
		while (i < msg.length && msg[i] !== 0) {
			i += msg[i] + 1
		}
		const end = Math.min(i + 5, msg.length)
		const resp = Buffer.alloc(end)
		msg.copy(resp, 0, 0, end)
		resp[2] = 0x84 | (msg[2] & 0x01) // response, authoritative, keep RD
		resp[3] = 0x80 | 3 // recursion available, NXDOMAIN
		resp.writeUInt16BE(1, 4) // one question
		resp.writeUInt16BE(0, 6)
		resp.writeUInt16BE(0, 8)
		resp.writeUInt16BE(0, 10)
		sock.send(resp, rinfo.port, rinfo.address)
	})
	await new Promise(r => sock.bind(0, '127.0.0.1', r))
	// Never the reason the test process stays alive.
	sock.unref()
	return { addr: '127.0.0.1:' + sock.address().port, stop: () => sock.close(), queries: () => queries }
}

// Prepares a data directory like an administrator would, then starts the server on a
// free loopback port. Returns { base, stop, dataDir, log }. `serveArgs` are added to
// the serve command (e.g. ['--hostname', 'localhost']).
export async function startServer(serveArgs = []) {
	const dns = await startEmptyDNS()
	const dir = mkdtempSync(join(tmpdir(), 'admin-ui-'))
	const dataDir = join(dir, 'data')
	const configFile = join(dir, 'server.toml')
	writeFileSync(configFile, [
		'Hostname = "mail.example.org"',
		'[Transports.relay.Submissions]',
		'Host = "smtp.example.net"',
		'Port = 465',
		'[DNS]',
		'Upstream = "' + dns.addr + '"',
		'Timeout = "2s"',
		'Attempts = 1',
		'',
	].join('\n'))
	cli(dataDir, configFile, ['set-admin-password'], password + '\n')
	cli(dataDir, configFile, ['import', 'dmarc', join(fixtures, 'dmarc-google.xml')])
	cli(dataDir, configFile, ['import', 'tlsrpt', join(fixtures, 'tlsrpt-google.json')])
	cli(dataDir, configFile, ['import', 'evaluations', join(fixtures, 'evaluations.json')])
	cli(dataDir, configFile, ['import', 'tlsresults', join(fixtures, 'tlsresults.json')])
	cli(dataDir, configFile, ['import', 'mtasts', join(fixtures, 'mtasts.json')])
	cli(dataDir, configFile, ['queue', 'add', '--from', 'mjl@example.org', '--to', 'remote@example.net', join(fixtures, 'queue-plain.eml')])
	cli(dataDir, configFile, ['queue', 'add', '--from', 'mjl@example.org', '--to', 'other@example.com', join(fixtures, 'queue-utf8-multipart.eml')])

	const proc = spawn(serverBin(), ['--data', dataDir, '--config', configFile, ...serveArgs, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] })
	let log = ''
	const base = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('server did not start within 30 s:\n' + log)), 30000)
		const onData = chunk => {
			log += chunk
			const m = /listening on (http:\/\/[^\s]+\/admin\/)/.exec(log)
			if (m) {
				clearTimeout(timer)
				resolve(m[1])
			}
		}
		proc.stdout.on('data', onData)
		proc.stderr.on('data', chunk => { log += chunk })
		proc.on('exit', code => {
			clearTimeout(timer)
			reject(new Error('server exited with ' + code + ':\n' + log))
		})
	})
	const stop = async () => {
		if (proc.exitCode === null) {
			const exited = new Promise(r => proc.once('exit', r))
			proc.kill('SIGTERM')
			await Promise.race([exited, new Promise(r => setTimeout(r, 10000))])
			if (proc.exitCode === null) {
				proc.kill('SIGKILL')
			}
		}
		dns.stop()
		rmSync(dir, { recursive: true, force: true })
	}
	return { base, stop, dataDir, log: () => log, dnsQueries: dns.queries }
}

export async function launchBrowser() {
	if (!existsSync(chromiumPath)) {
		throw new Error(chromiumPath + ' is missing: install Debian\'s chromium (apt-get install -y chromium)')
	}
	let playwright
	try {
		playwright = await import('playwright-core')
	} catch (e) {
		throw new Error('playwright-core is not installed: run `npm ci` in ' + root + ' (' + e.message + ')')
	}
	return playwright.chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
}

export async function screenshot(page, name) {
	mkdirSync(outDir, { recursive: true })
	const file = join(outDir, name + '.png')
	await page.screenshot({ path: file, fullPage: true })
	return file
}

// Calls an API function directly, as the browser would, with the browser's session
// cookie and CSRF token. Returns the parsed response body.
export async function apiCall(base, cookie, csrf, fn, params) {
	const r = await fetch(base + 'api/' + fn, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: cookie, 'x-mox-csrf': csrf },
		body: JSON.stringify({ params: params }),
	})
	return { status: r.status, body: await r.json() }
}
