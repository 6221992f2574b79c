// A stand-in for examples/testapi_server.rs in Node: serves ClientAPI
// (tests/ts/clientapi.json) at /clientapi/ with the sherpa wire protocol, plus the
// misbehaving /raw/... routes, and prints "listening on URL" once it accepts
// connections. The node suites use it only when SHERPA_TS_SERVER is not set, so they
// can be run by hand without cargo: `node --test tests/ts/`.
import http from 'node:http'

const zeroThing = () => ({
	Bool: false, Int8: 0, Uint8: 0, Int16: 0, Uint16: 0, Int32: 0, Uint32: 0, Int64: 0, Uint64: 0,
	Int64s: '0', Uint64s: '0', Float32: 0, Float64: 0, String: '', Time: '0001-01-01T00:00:00Z',
	Any: null, Bytes: null, Mode: '', Level: 0, Token: '', Ptr: null, List: null, Map: null, Nested: null, Times: null,
})

const state = { calls: {}, logins: 0, lastCSRF: '', token: '', tokenSeq: 0 }

class SherpaError extends Error {
	constructor(code, message) {
		super(message)
		this.code = code
	}
}

const functions = {
	Echo: ([s]) => s ?? '',
	NoReturn: () => null,
	TwoReturns: ([i, s]) => [i ?? 0, s ?? ''],
	ThreeReturns: () => [null, 'two', null],
	EchoThing: ([t]) => ({ ...zeroThing(), ...(t || {}) }),
	ZeroThing: () => zeroThing(),
	EchoInts: (p) => p.map(v => v ?? 0),
	EchoInt64s: ([a, b]) => ['' + (a ?? 0), '' + (b ?? 0)],
	EchoFloats: ([a, b]) => [a ?? 0, b ?? 0],
	EchoTime: ([t]) => t ?? '0001-01-01T00:00:00Z',
	TimeWithOffset: () => '2024-01-02T03:04:05.6+01:00',
	EchoBytes: ([b]) => b,
	EchoMap: ([m]) => m,
	EchoList: ([l]) => l,
	EchoAny: ([v]) => v,
	EchoMode: ([m]) => m ?? '',
	EchoLevel: ([l]) => l ?? 0,
	EchoToken: ([t]) => t ?? '',
	EchoNullable: ([b]) => b,
	BigInt64: () => ({ raw: '9007199254740993' }),
	BigInt64s: () => '9007199254740993',
	Fail: ([code, message]) => { throw new SherpaError(code, message) },
	Internal: () => { throw Object.assign(new SherpaError('internalServerError', 'something broke'), { status: 500 }) },
	Sleep: async ([msec]) => { await new Promise(r => setTimeout(r, msec)); return null },
	Login: ([password]) => {
		if (password !== 'secret') {
			throw new SherpaError('user:loginFailed', 'invalid credentials')
		}
		state.logins++
		state.token = 'token' + ++state.tokenSeq
		return state.token
	},
	Secret: (_, req) => {
		const h = req.headers['x-test-csrf']
		if (!h) {
			throw new SherpaError('user:noAuth', 'missing csrf header')
		}
		if (h !== state.token) {
			throw new SherpaError('user:badAuth', 'session expired')
		}
		return 'the secret'
	},
	Expire: () => { state.token = ''; return null },
	Stats: () => ({ Calls: state.calls, Logins: state.logins, LastCSRF: state.lastCSRF }),
	Reset: () => { state.calls = {}; state.logins = 0; state.lastCSRF = ''; state.token = ''; return null },
}

function send(res, status, body) {
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
	res.end(body)
}

function errorBody(code, message) {
	return JSON.stringify({ result: null, error: { code, message } }) + '\n'
}

async function api(name, req, body, res) {
	const f = functions[name]
	if (!f) {
		send(res, 404, errorBody('sherpa:badFunction', `function "${name}" does not exist`))
		return
	}
	state.calls[name] = (state.calls[name] || 0) + 1
	if (name !== 'Stats' && name !== 'Reset') {
		state.lastCSRF = req.headers['x-test-csrf'] || ''
	}
	let params
	try {
		params = JSON.parse(body).params || []
	} catch (err) {
		send(res, 200, errorBody('sherpa:badRequest', 'invalid JSON request body'))
		return
	}
	try {
		const r = await f(params, req)
		send(res, 200, r && r.raw ? `{"result":${r.raw}}\n` : JSON.stringify({ result: r }) + '\n')
	} catch (err) {
		send(res, err.status || 200, errorBody(err.code, err.message))
	}
}

// Misbehaving endpoints: /raw/KIND/FUNCTION.
function raw(kind, res) {
	switch (kind) {
		case 'malformed': send(res, 200, '{"result": tru'); break
		case 'notobject': send(res, 200, '[1,2]'); break
		case 'noresult': send(res, 200, '{"value":1}'); break
		case 'errornoresult': send(res, 200, '{"error":{"code":"user:error","message":"bare error"}}'); break
		case 'status500': send(res, 500, errorBody('internalServerError', 'raw failure')); break
		case 'status503html': res.writeHead(503, { 'Content-Type': 'text/html' }); res.end('<html>busy</html>'); break
		case 'status404html': res.writeHead(404, { 'Content-Type': 'text/html' }); res.end('<html>not here</html>'); break
		case 'drop': res.socket.destroy(); break
		case 'slowbody': res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{"result":'); break
		default: send(res, 404, errorBody('sherpa:badFunction', 'unknown raw kind'))
	}
}

const server = http.createServer((req, res) => {
	let body = ''
	req.setEncoding('utf8')
	req.on('data', d => { body += d })
	req.on('end', () => {
		const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
		if (req.method !== 'POST') {
			res.writeHead(405)
			res.end('method not allowed\n')
		} else if (path.startsWith('/clientapi/')) {
			api(path.substring('/clientapi/'.length), req, body, res)
		} else if (path.startsWith('/raw/')) {
			raw(path.split('/')[2], res)
		} else {
			res.writeHead(404)
			res.end('not found\n')
		}
	})
})

server.listen(0, '127.0.0.1', () => {
	console.log(`listening on http://127.0.0.1:${server.address().port}/`)
})
