// Benchmark: verifying a QueueList result (a list of Msg structs) with the generated
// admin client (generated/api.js), at 1k, 10k and 100k messages.
//
//   node bench/ts/queuelist.mjs [sizes...]
//
// For each size it reports the median time of:
// - parse: JSON.parse of the response text alone (what any client pays),
// - call: a whole Client.QueueList() call with a fetch that returns the response text
//   (no network): parsing, then verifying and converting in place,
// - check: call minus parse, i.e. what verification adds to a call,
// - verifyArg: the exported verifier on already parsed data (it copies its input).
import { performance } from 'node:perf_hooks'
import * as api from '../../generated/api.js'

function msg(i) {
	return {
		ID: i + 1,
		Queued: '2024-01-24T10:00:00.000001+01:00',
		SenderAccount: 'mjl',
		SenderLocalpart: 'mjl',
		SenderDomain: { IP: '', Domain: { ASCII: 'example.org', Unicode: '' } },
		RecipientLocalpart: 'user' + i,
		RecipientDomain: { IP: '', Domain: { ASCII: 'xn--mnchen-3ya.example', Unicode: 'münchen.example' } },
		RecipientDomainStr: 'xn--mnchen-3ya.example',
		Attempts: i % 7,
		MaxAttempts: 0,
		DialedIPs: i % 2 ? { 'mx.example.org': ['192.0.2.1', '2001:db8::1'] } : null,
		NextAttempt: '2024-01-24T11:30:00+01:00',
		LastAttempt: i % 3 ? '2024-01-24T10:30:00.5+01:00' : null,
		LastError: i % 3 ? '451 4.7.1 try again later' : '',
		Has8bit: false,
		SMTPUTF8: i % 5 === 0,
		IsDMARCReport: false,
		IsTLSReport: false,
		Size: 12345 + i,
		MessageID: `<${i}.abc@example.org>`,
		MsgPrefix: 'UmVjZWl2ZWQ6IGZyb20gZXhhbXBsZQ0K',
		DSNUTF8: null,
		Transport: '',
		RequireTLS: i % 4 ? null : true,
	}
}

// Median and minimum of the times; on a busy machine the minimum is the better
// estimate of the cost itself.
function stats(ts) {
	const s = [...ts].sort((a, b) => a - b)
	return { median: s[Math.floor(s.length / 2)], min: s[0] }
}

function time(fn, runs) {
	const ts = []
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now()
		fn()
		ts.push(performance.now() - t0)
	}
	return stats(ts)
}

async function timeAsync(fn, runs) {
	const ts = []
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now()
		await fn()
		ts.push(performance.now() - t0)
	}
	return stats(ts)
}

const fmt = t => `${t.median.toFixed(2)} (${t.min.toFixed(2)})`

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1000, 10000, 100000]
const opts = { slicesNullable: true, mapsNullable: true, nullableOptional: true }
console.log(`node ${process.version}; milliseconds, median (minimum) of the runs`)
console.log('size\tparse\t\tcall\t\tcheck\t\tcheck µs/msg\tverifyArg')
for (const n of sizes) {
	const list = Array.from({ length: n }, (_, i) => msg(i))
	const text = JSON.stringify({ result: list }) + '\n'
	const parsed = JSON.parse(text).result
	const runs = n >= 100000 ? 7 : n >= 10000 ? 21 : 101
	// Warm up, and check the result once.
	for (let i = 0; i < 3; i++) {
		const r = api.verifyArg('result', parsed, ['[]', 'Msg'], true, true, api.types, opts)
		if (r.length !== n || !(r[n - 1].Queued instanceof Date)) {
			throw new Error('verification gave an unexpected result')
		}
	}
	const verify = time(() => api.verifyArg('result', parsed, ['[]', 'Msg'], true, true, api.types, opts), runs)
	const parse = time(() => JSON.parse(text), runs)
	const client = new api.Client().withOptions({
		baseURL: 'http://bench.invalid/api/',
		fetch: async () => ({ status: 200, text: async () => text }),
	})
	const got = await client.QueueList()
	if (got.length !== n) {
		throw new Error('call gave an unexpected result')
	}
	const call = await timeAsync(() => client.QueueList(), runs)
	const check = { median: call.median - parse.median, min: call.min - parse.min }
	console.log(`${n}\t${fmt(parse)}\t${fmt(call)}\t${fmt(check)}\t${(check.median * 1000 / n).toFixed(2)}\t\t${fmt(verify)}`)
}
