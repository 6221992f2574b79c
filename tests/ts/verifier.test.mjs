// The runtime verifier against the encoding of each type (docs/protocol.md: JSON encoding, TypeScript client),
// value by value, in both directions: "in" is a parameter on its way to the server
// (toJS false, unknown keys rejected), "out" a result on its way to the caller (toJS
// true, unknown keys dropped). Every row runs against each build of the client: the
// ES module the generator emits, the same module compiled from api.ts by tsc (when
// present), and the namespace script form.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importClient, loadNamespaceClient, rejects } from './helpers.mjs'

const mox = { slicesNullable: true, mapsNullable: true, nullableOptional: true }
const strict = { slicesNullable: false, mapsNullable: false, nullableOptional: false }
const date = s => new Date(s)
const bad = re => ({ err: re })

// [typewords, value, direction ('in', 'out' or 'both'), expected, options (default mox)]
// expected: undefined = returned unchanged, { err: /re/ } = rejected, { value: x } = converted to x.
const table = [
	// bool
	[['bool'], true, 'both'],
	[['bool'], false, 'both'],
	[['bool'], 1, 'both', bad(/^p: got 1, expected bool$/)],
	[['bool'], 'true', 'both', bad(/expected bool/)],
	[['bool'], null, 'both', bad(/got null, expected bool/)],
	// integers: integer-valued numbers only, range-checked
	[['int8'], 127, 'both'],
	[['int8'], -128, 'both'],
	[['int8'], 128, 'both', bad(/got 128, expected int8 in range -128\.\.127/)],
	[['int8'], -129, 'both', bad(/expected int8 in range/)],
	[['uint8'], 255, 'both'],
	[['uint8'], 256, 'both', bad(/expected uint8 in range 0\.\.255/)],
	[['uint8'], -1, 'both', bad(/expected uint8 in range/)],
	[['int16'], -32768, 'both'],
	[['int16'], 32768, 'both', bad(/expected int16/)],
	[['uint16'], 65535, 'both'],
	[['uint16'], 65536, 'both', bad(/expected uint16/)],
	[['int32'], 2147483647, 'both'],
	[['int32'], 2147483648, 'both', bad(/got 2147483648, expected int32 in range -2147483648\.\.2147483647/)],
	[['uint32'], 4294967295, 'both'],
	[['uint32'], 4294967296, 'both', bad(/expected uint32/)],
	[['int32'], 1.5, 'both', bad(/got 1\.5, expected integer/)],
	[['int32'], '5', 'both', bad(/got "5", expected integer/)],
	[['int32'], NaN, 'both', bad(/got NaN, expected integer/)],
	// int64/uint64: numbers; beyond ±(2^53-1) is a precision error, not silently rounded
	[['int64'], 9007199254740991, 'both'],
	[['int64'], -9007199254740991, 'both'],
	[['int64'], 9007199254740992, 'both', bad(/got 9007199254740992, expected int64 within -9007199254740991\.\.9007199254740991 \(larger integers lose precision in JavaScript\)/)],
	[['int64'], -9007199254740992, 'both', bad(/lose precision/)],
	[['uint64'], 9007199254740992, 'both', bad(/expected uint64 within 0\.\.9007199254740991/)],
	[['uint64'], -1, 'both', bad(/expected uint64 in range 0\.\./)],
	[['int64'], 1.5, 'both', bad(/expected integer/)],
	// int64s/uint64s: an integer number or a decimal string, always converted to a string
	[['int64s'], 123, 'both', { value: '123' }],
	[['int64s'], '123', 'both', { value: '123' }],
	[['int64s'], '-9223372036854775808', 'both', { value: '-9223372036854775808' }],
	[['int64s'], '9007199254740993', 'both', { value: '9007199254740993' }],
	[['int64s'], '9223372036854775808', 'both', bad(/expected integer fitting in float without precision loss, or string of int64 decimal digits/)],
	[['int64s'], '1.5', 'both', bad(/expected integer fitting/)],
	[['int64s'], ' 12', 'both', bad(/expected integer fitting/)],
	[['int64s'], 1.5, 'both', bad(/expected integer fitting/)],
	[['int64s'], 9007199254740992, 'both', bad(/expected integer fitting/)],
	[['int64s'], null, 'both', bad(/got null, expected integer fitting/)],
	[['uint64s'], '18446744073709551615', 'both', { value: '18446744073709551615' }],
	[['uint64s'], '-1', 'both', bad(/uint64 decimal digits/)],
	[['uint64s'], -1, 'both', bad(/uint64 decimal digits/)],
	// floats
	[['float64'], 1.5, 'both'],
	[['float64'], 0, 'both'],
	[['float32'], 1e30, 'both'],
	[['float64'], '1', 'both', bad(/got "1", expected float/)],
	[['float64'], Infinity, 'in', bad(/expected finite float64/)],
	[['float64'], NaN, 'in', bad(/expected finite float64/)],
	[['float32'], 1e39, 'in', bad(/expected finite float32/)],
	// string
	[['string'], '', 'both'],
	[['string'], 'héllo', 'both'],
	[['string'], 1, 'both', bad(/got 1, expected string/)],
	[['string'], null, 'both', bad(/got null, expected string/)],
	// timestamp: RFC 3339 strings become Dates coming in; Dates become toISOString() going out
	[['timestamp'], '2024-01-02T03:04:05Z', 'out', { value: date('2024-01-02T03:04:05Z') }],
	[['timestamp'], '2024-01-02T03:04:05.6+01:00', 'out', { value: date('2024-01-02T02:04:05.600Z') }],
	[['timestamp'], '2024-01-02T03:04:05.123456789Z', 'out', { value: date('2024-01-02T03:04:05.123Z') }],
	[['timestamp'], '0001-01-01T00:00:00Z', 'out', { value: date('0001-01-01T00:00:00Z') }],
	[['timestamp'], '2024', 'out', bad(/^p: invalid date 2024$/)],
	[['timestamp'], '2024-01-02 03:04:05Z', 'out', bad(/invalid date/)],
	[['timestamp'], '2024-01-02T03:04:05', 'out', bad(/invalid date/)],
	[['timestamp'], 5, 'out', bad(/got 5, expected string, with timestamp/)],
	[['timestamp'], date('2024-01-02T00:00:00Z'), 'in', { value: '2024-01-02T00:00:00.000Z' }],
	[['timestamp'], '2024-01-02T00:00:00Z', 'in', bad(/expected non-null object/)],
	[['timestamp'], {}, 'in', bad(/got \{\}, expected Date/)],
	[['timestamp'], new Date(NaN), 'in', bad(/expected Date with a year from 0 to 9999/)],
	[['timestamp'], date('+010000-01-01T00:00:00Z'), 'in', bad(/expected Date with a year from 0 to 9999/)],
	// any: not checked, not converted
	[['any'], { a: [1, '2'], t: '2024-01-02T03:04:05Z' }, 'both'],
	[['any'], null, 'both'],
	// nullable
	[['nullable', 'string'], null, 'both'],
	[['nullable', 'string'], undefined, 'both'],
	[['nullable', 'string'], undefined, 'both', bad(/got undefined, expected string/), strict],
	[['nullable', 'string'], 'x', 'both'],
	[['nullable', 'string'], 1, 'both', bad(/got 1, expected string/)],
	// [] lists
	[['[]', 'string'], ['a', 'b'], 'both'],
	[['[]', 'string'], [], 'both'],
	[['[]', 'string'], null, 'both'],
	[['[]', 'string'], undefined, 'both'],
	[['[]', 'string'], null, 'both', bad(/got null, expected array/), strict],
	[['[]', 'string'], 'ab', 'both', bad(/got "ab", expected array/)],
	[['[]', 'string'], ['a', 1], 'both', bad(/^p\[1\]: got 1, expected string$/)],
	[['[]', 'timestamp'], ['2024-01-02T03:04:05Z'], 'out', { value: [date('2024-01-02T03:04:05Z')] }],
	[['[]', '[]', 'int32'], [[1], [2, 'x']], 'both', bad(/^p\[1\]\[1\]: got "x", expected integer$/)],
	// {} maps: really objects (sherpats let numbers and strings through)
	[['{}', 'int32'], { a: 1, b: 2 }, 'both'],
	[['{}', 'int32'], {}, 'both'],
	[['{}', 'int32'], null, 'both'],
	[['{}', 'int32'], null, 'both', bad(/got null, expected object/), strict],
	[['{}', 'int32'], 5, 'both', bad(/got 5, expected object/)],
	[['{}', 'int32'], 'ab', 'both', bad(/got "ab", expected object/)],
	[['{}', 'int32'], [1], 'both', bad(/got \[1\], expected object/)],
	[['{}', 'int32'], new Map([['a', 1]]), 'in', bad(/expected object/)],
	[['{}', 'int32'], { a: 'x' }, 'both', bad(/^p\.a: got "x", expected integer$/)],
	[['{}', 'int32'], JSON.parse('{"__proto__": 1}'), 'both', { value: JSON.parse('{"__proto__": 1}') }],
	[['{}', 'timestamp'], { a: '2024-01-02T03:04:05Z' }, 'out', { value: { a: date('2024-01-02T03:04:05Z') } }],
	// structs: only declared fields; unknown keys rejected in params, dropped in results
	[['Sub'], { Name: 'x', When: null }, 'both'],
	[['Sub'], { Name: 'x' }, 'both', { value: { Name: 'x' } }],
	[['Sub'], { Name: 'x' }, 'both', bad(/^p\.When: got undefined, expected (non-null object|string, with timestamp)$/), strict],
	[['Sub'], { Name: 'x', When: '2024-01-02T03:04:05Z', Extra: 1 }, 'out', { value: { Name: 'x', When: date('2024-01-02T03:04:05Z') } }],
	[['Sub'], { Name: 'x', Extra: 1 }, 'in', bad(/^p: unknown key "Extra" for struct Sub$/)],
	[['Sub'], { When: null }, 'both', bad(/^p\.Name: got undefined, expected string$/)],
	[['Sub'], null, 'both', bad(/^p: bad value null for named type Sub$/)],
	[['Sub'], [], 'both', bad(/bad value \[\] for struct Sub/)],
	[['Sub'], 'x', 'both', bad(/bad value "x" for struct Sub/)],
	[['Sub'], { Name: 'x', When: date('2024-01-02T00:00:00Z') }, 'in', { value: { Name: 'x', When: '2024-01-02T00:00:00.000Z' } }],
	[['[]', 'Sub'], [{ Name: 'a' }, { Name: 'b', When: 'later' }], 'out', bad(/^p\[1\]\.When: invalid date later$/)],
	// named strings: values checked when the type has them
	[['Mode'], 'enforce', 'both'],
	[['Mode'], '', 'both'],
	[['Mode'], 'other', 'both', bad(/^p: unknown value "other" for named strings Mode$/)],
	[['Mode'], 1, 'both', bad(/mistyped value 1 for named strings Mode/)],
	[['Token'], 'anything', 'both'],
	[['Token'], 1, 'both', bad(/mistyped value 1 for named strings Token/)],
	// named ints
	[['Level'], 10, 'both'],
	[['Level'], -5, 'both'],
	[['Level'], 2, 'both', bad(/^p: unknown value 2 for named ints Level$/)],
	[['Level'], '1', 'both', bad(/mistyped value "1" for named ints Level/)],
	[['Level'], 1.5, 'both', bad(/mistyped value 1\.5 for named ints Level/)],
	// malformed typewords
	[['Nope'], 1, 'both', bad(/^p: unknown type Nope$/)],
	[[], 1, 'both', bad(/^p: bad typewords$/)],
	[['string', 'string'], 'x', 'both', bad(/got \["string"\], expected empty typewords/)],
]

const builds = []
for (const [name, load] of [
	['emitted ES module', () => importClient('clientapi')],
	['tsc-compiled ES module', () => importClient('clientapi-tsc')],
	['namespace script', async () => loadNamespaceClient('clientapi-ns', 'clientapi')],
]) {
	const api = await load()
	if (api) {
		builds.push([name, api])
	}
}

// Values from the namespace build come from another realm; structuredClone makes them
// comparable with deepStrictEqual (which compares prototypes).
const local = v => (v === undefined ? v : structuredClone(v))

for (const [buildName, api] of builds) {
	test(`verifier table (${buildName})`, () => {
		let n = 0
		for (const [tw, v, dir, expect, opts] of table) {
			for (const toJS of dir === 'both' ? [false, true] : [dir === 'out']) {
				const what = `${JSON.stringify(tw)} ${toJS ? 'out' : 'in'} ${String(v)}`
				const run = () => api.verifyArg('p', v, tw, toJS, toJS, api.types, opts || mox)
				if (expect && expect.err) {
					assert.throws(run, err => {
						assert.match(err.message, expect.err, what)
						return true
					}, what)
				} else {
					const want = expect ? expect.value : v
					assert.deepStrictEqual(local(run()), want, what)
				}
				n++
			}
		}
		assert.ok(n > 150, 'rows run: ' + n)
	})

	test(`conversions in a nested struct (${buildName})`, () => {
		const wire = {
			Bool: true, Int8: -1, Uint8: 1, Int16: 2, Uint16: 3, Int32: 4, Uint32: 5, Int64: 6, Uint64: 7,
			Int64s: 8, Uint64s: '9', Float32: 1.5, Float64: 2.5, String: 's', Time: '2024-01-02T03:04:05+02:00',
			Any: { x: '2024-01-02T03:04:05Z' }, Bytes: 'aGVsbG8=', Mode: 'testing', Level: 10, Token: 't',
			Ptr: { Name: 'p', When: '2024-01-02T03:04:05Z' }, List: [{ Name: 'l' }], Map: { k: { Name: 'm', When: null } },
			Nested: { a: [1, null] }, Times: ['2024-01-02T03:04:05Z'], Unknown: 'dropped',
		}
		const got = local(api.verifyArg('result', wire, ['Thing'], true, true, api.types, mox))
		const want = { ...wire }
		delete want.Unknown
		want.Int64s = '8'
		want.Time = date('2024-01-02T01:04:05Z')
		want.Ptr = { Name: 'p', When: date('2024-01-02T03:04:05Z') }
		want.Times = [date('2024-01-02T03:04:05Z')]
		assert.deepStrictEqual(got, want)
		// The input is not modified.
		assert.equal(wire.Time, '2024-01-02T03:04:05+02:00')
		// Back to the wire: Dates become strings, and unknown keys are an error.
		const sent = local(api.verifyArg('params[0]', got, ['Thing'], false, false, api.types, mox))
		assert.equal(sent.Time, '2024-01-02T01:04:05.000Z')
		assert.equal(sent.Ptr.When, '2024-01-02T03:04:05.000Z')
		assert.throws(() => api.verifyArg('params[0]', { ...got, Extra: 1 }, ['Thing'], false, false, api.types, mox), /^Error: params\[0\]: unknown key "Extra" for struct Thing$/)
		assert.throws(() => api.verifyArg('result', { ...wire, Level: 3 }, ['Thing'], true, true, api.types, mox), /^Error: result\.Level: unknown value 3 for named ints Level$/)
	})

	test(`parse and parser (${buildName})`, () => {
		assert.deepStrictEqual(local(api.parser.Sub({ Name: 'x', When: '2024-01-02T03:04:05Z' })), { Name: 'x', When: date('2024-01-02T03:04:05Z') })
		assert.deepStrictEqual(local(api.parse('Mode', 'enforce')), 'enforce')
		assert.throws(() => api.parser.Sub({ Name: 'x', Extra: 1 }), /^Error: Sub: unknown key "Extra" for struct Sub$/)
		assert.throws(() => api.parser.Level(3), /Level: unknown value 3 for named ints Level/)
	})

	test(`exports (${buildName})`, () => {
		for (const name of ['Client', 'defaultBaseURL', 'supportedSherpaVersion', 'types', 'structTypes', 'stringsTypes', 'intsTypes', 'parser', 'parse', 'verifyArg', 'Mode', 'Level']) {
			assert.ok(name in api, 'exported: ' + name)
		}
		assert.equal(api.supportedSherpaVersion, 1)
		assert.equal(api.Mode.ModeEnforce, 'enforce')
		assert.equal(api.Level.LevelHigh, 10)
		assert.equal(api.Level[10], 'LevelHigh')
		assert.equal(api.Level[-5], 'LevelNegative')
		assert.deepStrictEqual(local(api.structTypes), { Stats: true, Sub: true, Thing: true })
		assert.deepStrictEqual(local(api.stringsTypes), { Mode: true, Token: true })
		assert.deepStrictEqual(local(api.intsTypes), { Level: true })
		assert.deepStrictEqual(Object.keys(api.types), ['Thing', 'Sub', 'Stats', 'Level', 'Mode', 'Token'])
		assert.equal(api.types.Sub.Docs, '')
		for (const k of ['_sherpaCall', 'sherpaCall', 'defaultOptions', 'sherpaVerifyArg']) {
			assert.ok(!(k in api), 'not exported: ' + k)
		}
	})
}

test('all builds export the same names', () => {
	assert.ok(builds.length >= 2, 'builds loaded: ' + builds.map(b => b[0]).join(', '))
	const names = builds.map(([, api]) => Object.keys(api).sort())
	for (const n of names.slice(1)) {
		assert.deepStrictEqual(n, names[0])
	}
})

test('defaultBaseURL follows the page location, without the sherpats double slash', () => {
	const api = loadNamespaceClient('clientapi-ns', 'clientapi')
	assert.equal(api.defaultBaseURL, 'https://mail.example/admin/api/')
})

test('hygiene: names that shadow globals or are reserved words still work at run time', async () => {
	const hy = await importClient('hygiene')
	assert.ok(hy, 'hygiene client generated')
	// A struct named like a standard global, a field named __proto__ kept as an own property.
	const v = JSON.parse('{"Name":"n","__proto__":"p","a-b":1,"delete":true,"class":{"X":1},"When":"2024-01-02T03:04:05Z"}')
	const r = hy.parser.Section(v)
	assert.ok(Object.prototype.hasOwnProperty.call(r, '__proto__'))
	assert.equal(Object.getPrototypeOf(r), Object.prototype)
	assert.equal(r['a-b'], 1)
	assert.ok(r.When instanceof Date)
	assert.throws(() => hy.parser.Section({ ...v, Name: 1 }), /^Error: Section\.Name: got 1, expected string$/)
	// The enum named "delete" is exported as delete0, its members keep their names.
	assert.equal(hy.delete0['a-b'], 'a-b')
	assert.equal(hy.delete0.class, 'class')
	assert.equal(hy.Symbol.SymbolOne, 1)
	// Methods named by reserved words and non-identifiers exist and check their params.
	const c = new hy.Client()
	assert.equal(typeof c.delete, 'function')
	assert.equal(typeof c['a-b'], 'function')
	await rejects(assert, c.delete(1, 2, true, 'x', { X: 1 }), 'sherpa:badParams', /^params\[0\]: got 1, expected string$/)
})
