// The checked-in admin client (generated/api.js) from Node against the real admin
// server (the `server` binary, given in SHERPA_ADMIN_SERVER by tests/typescript.rs):
// mox's login flow with cookies (the client runtime's cookieFetch) and the x-mox-csrf
// header, in three lines and through the client's login hook, and real results of
// several shapes converted by the verifier.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as api from '../../generated/api.js'
import { rejects } from './helpers.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const fixtures = path.join(root, 'server', 'tests', 'fixtures', 'import')
const bin = process.env.SHERPA_ADMIN_SERVER
const password = 'ts-client-test-password'
const skip = bin ? false : 'SHERPA_ADMIN_SERVER is not set (tests/typescript.rs sets it)'

let server // { base, stop }

// Prepares a data directory through the server's CLI and starts it on a free port.
async function startAdmin() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sherpa-ts-admin-'))
	const data = path.join(dir, 'data')
	const config = path.join(dir, 'server.toml')
	fs.writeFileSync(config, 'Hostname = "mail.example.org"\n')
	const cli = (args, input) => {
		const r = spawnSync(bin, ['--data', data, '--config', config, ...args], { input, encoding: 'utf8' })
		if (r.status !== 0) {
			throw new Error(`server ${args.join(' ')} failed: ${r.stdout}${r.stderr}`)
		}
	}
	cli(['set-admin-password'], password + '\n')
	cli(['import', 'evaluations', path.join(fixtures, 'evaluations.json')])
	cli(['queue', 'add', '--from', 'mjl@example.org', '--to', 'remote@example.net', path.join(fixtures, 'queue-plain.eml')])
	cli(['queue', 'add', '--from', 'mjl@example.org', '--to', 'other@example.com', path.join(fixtures, 'queue-utf8-multipart.eml')])
	const proc = spawn(bin, ['--data', data, '--config', config, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] })
	let log = ''
	const base = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('admin server did not start within 30s:\n' + log)), 30000)
		const onData = d => {
			log += d
			const m = /listening on (http:\/\/\S+\/admin\/)/.exec(log)
			if (m) {
				clearTimeout(timer)
				resolve(m[1])
			}
		}
		proc.stdout.on('data', onData)
		proc.stderr.on('data', d => { log += d })
		proc.on('exit', code => {
			clearTimeout(timer)
			reject(new Error('admin server exited with ' + code + ':\n' + log))
		})
	})
	const stop = async () => {
		proc.removeAllListeners('exit')
		if (proc.exitCode === null) {
			const exited = new Promise(r => proc.once('exit', r))
			proc.kill('SIGTERM')
			await Promise.race([exited, new Promise(r => setTimeout(r, 10000))])
			if (proc.exitCode === null) {
				proc.kill('SIGKILL')
			}
		}
		fs.rmSync(dir, { recursive: true, force: true })
	}
	return { base, stop }
}

// A client that logs in on demand, as mox's admin page does, counting logins.
function loggingInClient(reasons) {
	const plain = new api.Client().withOptions({ baseURL: server.base + 'api/', csrfHeader: 'x-mox-csrf', fetch: api.cookieFetch() })
	return plain.withOptions({
		login: async reason => {
			reasons.push(reason)
			const token = await plain.LoginPrep()
			return await plain.Login(token, password)
		},
	})
}

before(async () => {
	if (!skip) {
		server = await startAdmin()
	}
})

after(async () => {
	if (server) {
		await server.stop()
	}
})

test('admin server: login on demand, shared by concurrent calls', { skip }, async () => {
	const reasons = []
	const client = loggingInClient(reasons)
	const [domains, msgs, size, transports] = await Promise.all([client.Domains(), client.QueueList(), client.QueueSize(), client.Transports()])
	assert.deepEqual(reasons, [''], 'one login, for user:noAuth')
	assert.ok(client.authState.token, 'CSRF token stored')
	assert.ok(domains === null || Array.isArray(domains))
	assert.equal(size, 2)
	assert.equal(msgs.length, 2)
	for (const m of msgs) {
		assert.ok(m.Queued instanceof Date && !isNaN(m.Queued.getTime()))
		assert.ok(m.NextAttempt instanceof Date)
		assert.equal(typeof m.ID, 'number')
		assert.equal(m.SenderLocalpart, 'mjl')
	}
	assert.equal(typeof transports, 'object')

	// Several return values: a tuple, converted.
	const [domain, evaluations] = await client.DMARCEvaluationsDomain('example.org')
	assert.equal(domain.ASCII, 'example.org')
	assert.ok(evaluations.length >= 1)
	assert.ok(evaluations[0].Evaluated instanceof Date)
	const files = await client.ConfigFiles()
	assert.equal(files.length, 4)
	assert.ok(files.every(f => typeof f === 'string'))

	// Logout ends the session; the next call logs in again (user:badAuth or noAuth).
	await client.Logout()
	assert.equal(typeof (await client.CheckUpdatesEnabled()), 'boolean')
	assert.equal(reasons.length, 2)
})

test('admin server: the login flow in three lines, as in the README', { skip }, async () => {
	const anonymous = new api.Client().withOptions({ baseURL: server.base + 'api/', csrfHeader: 'x-mox-csrf', fetch: api.cookieFetch() })
	const admin = anonymous.withAuthToken(await anonymous.Login(await anonymous.LoginPrep(), password))
	assert.equal(await admin.QueueSize(), 2)
	// The session cookie is the jar's: a client with a jar of its own is not logged in.
	const other = admin.withOptions({ fetch: api.cookieFetch() })
	await rejects(assert, other.QueueSize(), 'user:noAuth')
	// Logout expires the cookie (Max-Age=0), and the jar drops it.
	await admin.Logout()
	await rejects(assert, admin.QueueSize(), 'user:noAuth')
})

test('admin server: errors come back as Errors with the server\'s codes', { skip }, async () => {
	const client = new api.Client().withOptions({ baseURL: server.base + 'api/', csrfHeader: 'x-mox-csrf', fetch: api.cookieFetch() })
	await rejects(assert, client.Domains(), 'user:noAuth')
	const token = await client.LoginPrep()
	await rejects(assert, client.Login(token, 'wrong password'), 'user:badLogin')
	// Parameter checks happen before anything is sent.
	await rejects(assert, client.QueueKick('1', ''), 'sherpa:badParams', /^params\[0\]: got "1", expected integer$/)
	await rejects(assert, client.TLSRPTSummaries('2024-01-01', new Date(), ''), 'sherpa:badParams', /expected non-null object/)
})
