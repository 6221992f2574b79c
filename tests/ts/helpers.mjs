// Shared setup of the node --test suites: the generated clients under test and the
// server they talk to.
//
// tests/typescript.rs (cargo test) generates the clients into a directory and passes it
// in SHERPA_TS_CLIENT_DIR, and passes the test server binary (examples/testapi_server.rs)
// in SHERPA_TS_SERVER. Run by hand (`node --test tests/ts/`), both are made with cargo.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import vm from 'node:vm'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..', '..')

let clientDir = process.env.SHERPA_TS_CLIENT_DIR
if (!clientDir) {
	clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sherpa-ts-'))
	const gen = (schema, out, extra) => execFileSync('cargo', ['run', '-q', '-p', 'sherpa-codegen', '--', 'generate', schema, '--ts', out, ...extra], { cwd: root, stdio: 'inherit' })
	for (const [dir, schema, extra] of [['clientapi', 'tests/ts/clientapi.json', []], ['skewed', 'tests/ts/clientapi-skewed.json', []], ['old', 'tests/ts/clientapi-old.json', []], ['clientapi-ns', 'tests/ts/clientapi.json', ['--namespace', 'clientapi']]]) {
		fs.mkdirSync(path.join(clientDir, dir))
		gen(schema, path.join(clientDir, dir, 'api.ts'), extra)
	}
}

// Imports an ES module build of a generated client, e.g. "clientapi" or "skewed".
// A copy with the .mjs extension is imported, as the directory has no package.json.
export async function importClient(name) {
	const js = path.join(clientDir, name, 'api.js')
	if (!fs.existsSync(js)) {
		return null
	}
	const mjs = path.join(clientDir, name, 'api.mjs')
	fs.copyFileSync(js, mjs)
	return await import(pathToFileURL(mjs).href)
}

// Loads the namespace (script) build of a generated client in a fresh context that
// has the globals a browser page would have, and returns the namespace object.
export function loadNamespaceClient(name, namespace) {
	const file = path.join(clientDir, name, 'api.js')
	const ctx = vm.createContext({ fetch, AbortController, setTimeout, clearTimeout, location: { protocol: 'https:', host: 'mail.example', pathname: '/admin/', href: 'https://mail.example/admin/' } })
	vm.runInContext(fs.readFileSync(file, 'utf8'), ctx, { filename: file })
	return vm.runInContext(namespace, ctx)
}

// The test server binary: SHERPA_TS_SERVER, or built with cargo.
function serverBinary() {
	if (process.env.SHERPA_TS_SERVER) {
		return process.env.SHERPA_TS_SERVER
	}
	const out = execFileSync('cargo', ['build', '-q', '--example', 'testapi_server', '--message-format=json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
	for (const line of out.split('\n')) {
		if (line.includes('"testapi_server"') && line.includes('"executable"')) {
			const m = JSON.parse(line)
			if (m.executable) {
				return m.executable
			}
		}
	}
	throw new Error('cargo did not report the testapi_server executable')
}

// Starts the test server (examples/testapi_server.rs) and resolves to its base URL
// ("http://127.0.0.1:PORT/") and a stop function.
export function startServer() {
	const child = spawn(serverBinary(), [], { stdio: ['ignore', 'pipe', 'inherit'] })
	return new Promise((resolve, reject) => {
		let out = ''
		const timer = setTimeout(() => {
			child.kill()
			reject(new Error('test server did not start within 20s; output: ' + out))
		}, 20000)
		child.on('exit', code => reject(new Error('test server exited with ' + code + '; output: ' + out)))
		child.stdout.setEncoding('utf8')
		child.stdout.on('data', d => {
			out += d
			const m = /listening on (http:\/\/\S+\/)/.exec(out)
			if (m) {
				clearTimeout(timer)
				resolve({
					url: m[1],
					stop: () => new Promise(r => {
						child.removeAllListeners('exit')
						child.on('exit', () => r())
						child.kill()
					}),
				})
			}
		})
	})
}

// Asserts that promise p rejects with an Error carrying the code and a message
// matching re, and returns the error.
export async function rejects(assert, p, code, re) {
	let err
	try {
		await p
	} catch (e) {
		err = e
	}
	assert.ok(err, 'expected a rejection with code ' + code)
	assert.ok(err instanceof Error, 'rejection is an Error instance: ' + err)
	assert.equal(err.code, code, 'code of: ' + err.message)
	assert.equal(typeof err.message, 'string')
	if (re) {
		assert.match(err.message, re)
	}
	return err
}
