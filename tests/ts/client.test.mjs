// The generated client over loopback HTTP against the test server: every result
// shape, every error code (each triggered for real), parameter checks that send
// nothing, the login/CSRF retry flow, aborts, timeouts and int64 precision.
import { test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { importClient, startServer, rejects } from './helpers.mjs'

const api = await importClient('clientapi')
const skewed = await importClient('skewed')

let server
let base // http://127.0.0.1:PORT/
let client // api.Client for /clientapi/
let wrong // skewed.Client for /clientapi/: the client's view differs from the server's

before(async () => {
	server = await startServer()
	base = server.url
	client = new api.Client().withOptions({ baseURL: base + 'clientapi/' })
	wrong = new skewed.Client().withOptions({ baseURL: base + 'clientapi/' })
})

after(async () => {
	await server.stop()
})

beforeEach(async () => {
	await client.Reset()
})

// How many requests for function name the server has seen since the last Reset.
async function calls(name) {
	const stats = await client.Stats()
	return (stats.Calls || {})[name] || 0
}

// Go writes a nil list, map or []byte as null, while the Rust runtime (which has no
// nil Vec) writes it as empty: the client accepts both.
function assertEmpty(v, empty) {
	assert.ok(v === null || JSON.stringify(v) === JSON.stringify(empty), 'null or empty: ' + JSON.stringify(v))
}

// A client for a misbehaving endpoint of the test server (/raw/KIND/).
function raw(kind) {
	return new api.Client().withOptions({ baseURL: base + 'raw/' + kind + '/' })
}

test('results: single value, void, tuples', async () => {
	assert.equal(await client.Echo('hello <&> ✓'), 'hello <&> ✓')
	assert.equal(await client.NoReturn(), null)
	assert.deepEqual(await client.TwoReturns(-42, 'x'), [-42, 'x'])
	const [ptr, two, list] = await client.ThreeReturns()
	assert.equal(ptr, null)
	assert.equal(two, 'two')
	assertEmpty(list, [])
})

test('results: every type word through a struct, converted both ways', async () => {
	const t = {
		Bool: true, Int8: -128, Uint8: 255, Int16: -32768, Uint16: 65535, Int32: -2147483648, Uint32: 4294967295,
		Int64: 9007199254740991, Uint64: 9007199254740991, Int64s: '-9223372036854775808', Uint64s: '18446744073709551615',
		Float32: 1.5, Float64: 0.1, String: 'ünïcode', Time: new Date('2024-01-02T03:04:05.123Z'), Any: { nested: [1, 'two', null] },
		Bytes: 'aGVsbG8=', Mode: api.Mode.ModeTesting, Level: api.Level.LevelNegative, Token: 'tok',
		Ptr: { Name: 'ptr', When: new Date('2023-12-31T23:59:59.000Z') }, List: [{ Name: 'a' }, { Name: 'b', When: null }],
		Map: { k: { Name: 'm' } }, Nested: { x: [1, null, 3] }, Times: [new Date('2020-02-29T00:00:00Z')],
	}
	const got = await client.EchoThing(t)
	assert.ok(got.Time instanceof Date)
	assert.equal(got.Time.toISOString(), '2024-01-02T03:04:05.123Z')
	assert.equal(got.Ptr.When.toISOString(), '2023-12-31T23:59:59.000Z')
	assert.equal(got.Times[0].toISOString(), '2020-02-29T00:00:00.000Z')
	assert.equal(got.Int64s, '-9223372036854775808')
	assert.equal(got.Uint64s, '18446744073709551615')
	assert.deepEqual(got.List.map(s => s.Name), ['a', 'b'])
	assert.equal(got.Map.k.Name, 'm')
	assert.deepEqual(got.Nested, { x: [1, null, 3] })
	assert.deepEqual(got.Any, { nested: [1, 'two', null] })
	assert.equal(got.Mode, 'testing')
	assert.equal(got.Level, -5)
	assert.equal(got.Bytes, 'aGVsbG8=')
})

test('results: zero values (null lists and maps, zero time)', async () => {
	const z = await client.ZeroThing()
	assertEmpty(z.List, [])
	assertEmpty(z.Map, {})
	assertEmpty(z.Bytes, '')
	assertEmpty(z.Times, [])
	assert.equal(z.Ptr, null)
	assert.equal(z.Int64s, '0')
	assert.equal(z.Time.toISOString(), '0001-01-01T00:00:00.000Z')
	assert.equal(z.Mode, api.Mode.ModeNone)
})

test('results: basic types', async () => {
	assert.deepEqual(await client.EchoInts(-128, 255, -32768, 65535, -2147483648, 4294967295, -9007199254740991, 9007199254740991),
		[-128, 255, -32768, 65535, -2147483648, 4294967295, -9007199254740991, 9007199254740991])
	assert.deepEqual(await client.EchoInt64s('9007199254740993', '18446744073709551615'), ['9007199254740993', '18446744073709551615'])
	assert.deepEqual(await client.EchoInt64s(12, 34), ['12', '34'])
	assert.deepEqual(await client.EchoFloats(1.5, 1e21), [1.5, 1e21])
	const t = await client.EchoTime(new Date('2024-01-02T03:04:05.678Z'))
	assert.equal(t.toISOString(), '2024-01-02T03:04:05.678Z')
	assert.equal((await client.TimeWithOffset()).toISOString(), '2024-01-02T02:04:05.600Z')
	assert.equal(await client.EchoBytes('aGk='), 'aGk=')
	assertEmpty(await client.EchoBytes(null), '')
	assert.deepEqual(await client.EchoMap({ b: 2, a: 1 }), { a: 1, b: 2 })
	assertEmpty(await client.EchoMap(null), {})
	assert.deepEqual(await client.EchoList(['x', 'y']), ['x', 'y'])
	assert.deepEqual(await client.EchoList([]), [])
	assert.deepEqual(await client.EchoAny({ a: [true, 1.5, 'x'] }), { a: [true, 1.5, 'x'] })
	assert.equal(await client.EchoMode(api.Mode.ModeEnforce), 'enforce')
	assert.equal(await client.EchoLevel(api.Level.LevelHigh), 10)
	assert.equal(await client.EchoToken('anything'), 'anything')
	assert.equal(await client.EchoNullable(null), null)
	assert.equal(await client.EchoNullable(true), true)
	assert.equal(await client.BigInt64s(), '9007199254740993')
})

test('int64 beyond 2^53: rejected instead of silently rounded', async () => {
	// Result: the server sends 9007199254740993 exactly; JavaScript cannot represent it.
	await rejects(assert, client.BigInt64(), 'sherpa:badTypes', /^result: got 9007199254740992, expected int64 within .*lose precision/)
	// Params: nothing is sent.
	await rejects(assert, client.EchoInts(0, 0, 0, 0, 0, 0, 2 ** 53, 0), 'sherpa:badParams', /^params\[6\]: got 9007199254740992, expected int64 within/)
	await rejects(assert, client.EchoInts(0, 0, 0, 0, 0, 0, 0, -1), 'sherpa:badParams', /^params\[7\]: got -1, expected uint64 in range/)
	await rejects(assert, client.EchoInt64s(2 ** 53, '0'), 'sherpa:badParams', /params\[0\]: got 9007199254740992, expected integer fitting in float/)
	assert.equal(await calls('EchoInts'), 0)
	assert.equal(await calls('EchoInt64s'), 0)
})

test('parameter check failures send nothing', async () => {
	await rejects(assert, client.Echo(5), 'sherpa:badParams', /^params\[0\]: got 5, expected string$/)
	await rejects(assert, client.Echo(), 'sherpa:badParams', /^params\[0\]: got undefined, expected string$/)
	await rejects(assert, client.EchoInts(0, 256, 0, 0, 0, 0, 0, 0), 'sherpa:badParams', /params\[1\]: got 256, expected uint8 in range 0\.\.255/)
	await rejects(assert, client.EchoTime('2024-01-02T03:04:05Z'), 'sherpa:badParams', /expected non-null object/)
	await rejects(assert, client.EchoThing({ Bool: true, Extra: 1 }), 'sherpa:badParams', /unknown key "Extra" for struct Thing|params\[0\]\.\w+: got undefined/)
	await rejects(assert, client.EchoMode('other'), 'sherpa:badParams', /unknown value "other" for named strings Mode/)
	await rejects(assert, client.EchoMap({ a: 'x' }), 'sherpa:badParams', /^params\[0\]\.a: got "x", expected integer$/)
	await rejects(assert, client.EchoMap(5), 'sherpa:badParams', /expected object/)
	for (const f of ['Echo', 'EchoInts', 'EchoTime', 'EchoThing', 'EchoMode', 'EchoMap']) {
		assert.equal(await calls(f), 0, 'requests for ' + f)
	}
})

test('sherpa:badData: parameters JSON cannot encode send nothing', async () => {
	const cyclic = {}
	cyclic.self = cyclic
	await rejects(assert, client.EchoAny(cyclic), 'sherpa:badData', /^cannot marshal to JSON$/)
	await rejects(assert, client.EchoAny(10n), 'sherpa:badData', /cannot marshal/)
	assert.equal(await calls('EchoAny'), 0)
})

test('skipParamCheck sends unverified parameters; skipReturnCheck returns the raw result', async () => {
	const unchecked = client.withOptions({ skipParamCheck: true, skipReturnCheck: true })
	assert.equal(await unchecked.EchoAny('x'), 'x')
	assert.equal(await unchecked.TimeWithOffset(), '2024-01-02T03:04:05.6+01:00')
	assert.equal(await unchecked.BigInt64(), 9007199254740992)
	assert.equal(await calls('EchoAny'), 1)
})

test('server error codes are passed on', async () => {
	await rejects(assert, client.Fail('user:error', 'bad input'), 'user:error', /^bad input$/)
	await rejects(assert, client.Fail('server:error', 'it broke'), 'server:error', /^it broke$/)
	await rejects(assert, client.Fail('', 'plain Go error'), '', /^plain Go error$/)
	await rejects(assert, client.Secret(), 'user:noAuth', /missing csrf header/)
	await rejects(assert, raw('errornoresult').Echo('x'), 'user:error', /^bare error$/)
})

test('sherpa:badFunction: a function the server does not have', async () => {
	await rejects(assert, wrong.Missing(), 'sherpa:badFunction', /Missing/)
	await rejects(assert, raw('status404html').Echo('x'), 'sherpa:badFunction', /^function Echo does not exist$/)
})

test('sherpa:http: statuses other than 200 and 404', async () => {
	await rejects(assert, client.Internal(), 'sherpa:http', /^error calling function, HTTP status: 500/)
	await rejects(assert, raw('status500').Echo('x'), 'sherpa:http', /^error calling function, HTTP status: 500: raw failure$/)
	await rejects(assert, raw('status503html').Echo('x'), 'sherpa:http', /^error calling function, HTTP status: 503$/)
})

test('sherpa:badResponse: malformed JSON, not an object, no result', async () => {
	await rejects(assert, raw('malformed').Echo('x'), 'sherpa:badResponse', /^bad JSON from server$/)
	await rejects(assert, raw('notobject').Echo('x'), 'sherpa:badResponse', /not an object/)
	await rejects(assert, raw('noresult').Echo('x'), 'sherpa:badResponse', /missing 'result'/)
})

test('sherpa:badTypes: results that do not match the schema', async () => {
	await rejects(assert, wrong.Echo('x'), 'sherpa:badTypes', /^result: got "x", expected integer$/)
	await rejects(assert, wrong.NoReturn(), 'sherpa:badTypes', /^result: got null, expected string$/)
	await rejects(assert, wrong.TwoReturns(1, 'a'), 'sherpa:badTypes', /returned a value while prototype says it returns "void"/)
	await rejects(assert, wrong.ThreeReturns(), 'sherpa:badTypes', /wrong number of values returned by ThreeReturns, saw 3 != expected 2/)
	await rejects(assert, wrong.EchoMode(''), 'sherpa:badTypes', /^result: unknown value "" for named strings Mode$/)
	await rejects(assert, wrong.EchoList(['a']), 'sherpa:badTypes', /^result\[0\]: bad value "a" for struct Sub$|^result: bad value/)
	await rejects(assert, wrong.EchoAny({ Name: 'n' }), 'sherpa:badTypes', /^result\.Extra: got undefined, expected string$/)
	// Unknown keys in results are dropped.
	assert.deepEqual(await wrong.EchoAny({ Name: 'n', When: null, Extra: 'e', Unknown: 1 }), { Name: 'n', When: null, Extra: 'e' })
})

test('sherpa:connection: refused and dropped connections', async () => {
	const port = await new Promise(resolve => {
		const s = net.createServer()
		s.listen(0, '127.0.0.1', () => {
			const p = s.address().port
			s.close(() => resolve(p))
		})
	})
	const refused = new api.Client().withOptions({ baseURL: `http://127.0.0.1:${port}/clientapi/` })
	const e = await rejects(assert, refused.Echo('x'), 'sherpa:connection', /^connection failed: ECONNREFUSED$/)
	// The underlying error is kept as the cause.
	assert.ok(e.cause instanceof Error, 'cause kept')
	await rejects(assert, raw('drop').Echo('x'), 'sherpa:connection', /^connection failed/)
	// No absolute base URL in Node: said so, before fetch is called.
	let fetched = false
	const noBase = new api.Client().withOptions({ fetch: () => { fetched = true; return fetch('http://127.0.0.1:1/') } })
	await rejects(assert, noBase.Echo('x'), 'sherpa:connection', /^connection failed: no base URL: .*withOptions\(\{baseURL\}\)$/)
	assert.equal(fetched, false)
})

test('sherpa:timeout: slow function, and a body that never ends', async () => {
	const t0 = Date.now()
	await rejects(assert, client.withOptions({ timeoutMsec: 150 }).Sleep(3000), 'sherpa:timeout', /^request timeout$/)
	assert.ok(Date.now() - t0 < 2000, 'timed out quickly')
	await rejects(assert, raw('slowbody').withOptions({ timeoutMsec: 150 }).Echo('x'), 'sherpa:timeout', /^request timeout$/)
	// A timeout that is not reached.
	assert.equal(await client.withOptions({ timeoutMsec: 5000 }).Sleep(10), null)
})

test('sherpa:aborted: aborter, AbortSignal, and an already aborted signal', async () => {
	const aborter = {}
	const p = client.withOptions({ aborter }).Sleep(3000)
	await new Promise(r => setTimeout(r, 50))
	assert.equal(typeof aborter.abort, 'function')
	aborter.abort()
	await rejects(assert, p, 'sherpa:aborted', /^request aborted$/)

	const ac = new AbortController()
	const p2 = client.withOptions({ signal: ac.signal }).Sleep(3000)
	setTimeout(() => ac.abort(), 50)
	await rejects(assert, p2, 'sherpa:aborted', /^request aborted$/)

	const before = await calls('Echo')
	await rejects(assert, client.withOptions({ signal: AbortSignal.abort() }).Echo('x'), 'sherpa:aborted')
	assert.equal(await calls('Echo'), before, 'nothing sent with an aborted signal')
})

test('login flow: one shared login for concurrent calls, then the same requests again with the new CSRF header', async () => {
	const reasons = []
	const login = async reason => {
		reasons.push(reason)
		await new Promise(r => setTimeout(r, 50))
		return await client.Login('secret')
	}
	const c = new api.Client().withOptions({ baseURL: base + 'clientapi/', csrfHeader: 'x-test-csrf', login })
	const results = await Promise.all([c.Secret(), c.Secret(), c.Secret()])
	assert.deepEqual(results, ['the secret', 'the secret', 'the secret'])
	assert.deepEqual(reasons, [''], 'one login, reason empty for user:noAuth')
	let stats = await client.Stats()
	assert.equal(stats.Logins, 1)
	assert.equal(stats.Calls.Secret, 6, 'three failed and three retried requests')
	assert.equal(stats.LastCSRF, c.authState.token)
	assert.match(c.authState.token, /^token\d+$/)

	// The session expires: user:badAuth, login with its message as reason.
	await client.Expire()
	const again = await Promise.all([c.Secret(), c.Secret()])
	assert.deepEqual(again, ['the secret', 'the secret'])
	assert.deepEqual(reasons, ['', 'session expired'])
	stats = await client.Stats()
	assert.equal(stats.Logins, 2)

	// Clients derived with withOptions share the auth state; withAuthToken starts a new one.
	const derived = c.withOptions({ timeoutMsec: 5000 })
	assert.equal(derived.authState, c.authState)
	assert.equal(await derived.Secret(), 'the secret')
	const other = c.withAuthToken('stale')
	assert.notEqual(other.authState, c.authState)
	assert.equal(other.options, c.options)
	assert.equal(await other.Secret(), 'the secret')
	assert.notEqual(other.authState.token, 'stale')
	assert.equal((await client.Stats()).Logins, 3)
})

test('login flow: a failing login rejects the call with an Error carrying a code', async () => {
	const failing = new api.Client().withOptions({ baseURL: base + 'clientapi/', csrfHeader: 'x-test-csrf', login: () => client.Login('wrong') })
	await rejects(assert, failing.Secret(), 'user:loginFailed', /invalid credentials/)
	const throwsString = new api.Client().withOptions({ baseURL: base + 'clientapi/', csrfHeader: 'x-test-csrf', login: () => Promise.reject('no') })
	await rejects(assert, throwsString.Secret(), 'user:noAuth', /"no"|no/)
	// Without login option, the auth error itself is the result.
	await rejects(assert, client.withOptions({ csrfHeader: 'x-test-csrf' }).withAuthToken('bad').Secret(), 'user:badAuth', /session expired/)
})

test('withOptions({baseURL}) takes effect', async () => {
	const c = new api.Client().withOptions({ baseURL: base + 'raw/malformed/' })
	await rejects(assert, c.Echo('x'), 'sherpa:badResponse')
	const back = c.withOptions({ baseURL: base + 'clientapi/' })
	assert.equal(await back.Echo('x'), 'x')
})

test('a custom fetch function is used', async () => {
	const seen = []
	const c = client.withOptions({ fetch: (url, init) => { seen.push([url, init.headers['Content-Type'], init.body]); return fetch(url, init) } })
	assert.equal(await c.Echo('via custom fetch'), 'via custom fetch')
	assert.deepEqual(seen, [[base + 'clientapi/Echo', 'application/json', '{"params":["via custom fetch"]}']])
})

test('cookieFetch keeps cookies as a browser does', async () => {
	// A fake fetch: answers each request with the next list of Set-Cookie headers and
	// records the Cookie header it was sent.
	const sent = []
	let setNext = []
	const fake = async (url, init) => {
		sent.push(init.headers.Cookie ?? init.headers.cookie ?? '-')
		const set = setNext
		setNext = []
		return { status: 200, text: async () => '{"result":null}', headers: { getSetCookie: () => set } }
	}
	const f = api.cookieFetch(fake)
	const call = async (url, set = [], headers = {}) => {
		setNext = set
		await f(url, { method: 'POST', headers, body: '', signal: undefined })
		return sent[sent.length - 1]
	}
	const past = new Date(Date.now() - 60000).toUTCString()
	assert.equal(await call('http://mail.example.org/admin/api/LoginPrep', [
		'a=1; Path=/',
		'b="x y"; Path=/admin/; HttpOnly',
		'c=3; Path=/other/',
		'd=4; Domain=elsewhere.example',
		'e=5; Secure; Path=/',
		'f=6; Expires=' + past,
	]), '-')
	// Longer paths first; quoted values as set; no other path, domain, Secure over http.
	assert.equal(await call('http://mail.example.org/admin/api/Login'), 'b="x y"; a=1')
	assert.equal(await call('http://mail.example.org/other/x'), 'c=3; a=1')
	assert.equal(await call('https://mail.example.org/admin/x'), 'b="x y"; a=1; e=5')
	// Host-only: not for a subdomain. A given Cookie header is kept.
	assert.equal(await call('http://sub.mail.example.org/admin/x'), '-')
	assert.equal(await call('http://mail.example.org/', [], { Cookie: 'z=9' }), 'z=9; a=1')
	// Max-Age=0 removes, a new value replaces.
	await call('http://mail.example.org/admin/api/Logout', ['b=; Path=/admin/; Max-Age=0', 'a=2; Path=/'])
	assert.equal(await call('http://mail.example.org/admin/api/Domains'), 'a=2')
	// Loopback counts as secure, as in browsers: mox's session cookie is Secure.
	await call('http://127.0.0.1:1080/admin/api/Login', ['s=t; Path=/admin/; Secure'])
	assert.equal(await call('http://127.0.0.1:1080/admin/api/Domains'), 's=t')
})
