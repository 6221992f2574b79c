// A client generated from an older version of the test API (tests/ts/clientapi-old.json)
// against the current server. `sherpa-codegen diff` calls every difference between the
// two versions compatible for old clients (checked by the codegen crate's diff tests);
// these calls show that it is: fields the old client does not know are dropped, a
// renamed type reads the same, a parameter that became nullable takes what old clients
// send, and functions the old client lacks do not matter.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { importClient, startServer } from './helpers.mjs'

const old = await importClient('old')

let server
let client

before(async () => {
	server = await startServer()
	client = new old.Client().withOptions({ baseURL: server.url + 'clientapi/' })
})

after(async () => {
	await server.stop()
})

test('an older client works against the current server', async () => {
	assert.equal(await client.Echo('still here'), 'still here')

	// The server's Sub has a field When the old client does not know: it is dropped.
	const thing = await client.ZeroThing()
	const sent = { ...thing, List: [{ Name: 'a' }], Ptr: { Name: 'p' } }
	const echoed = await client.EchoThing(sent)
	assert.deepEqual(echoed.List, [{ Name: 'a' }])
	assert.deepEqual(echoed.Ptr, { Name: 'p' })

	// Stats is Counters to the old client, with the same fields.
	const counters = await client.Stats()
	assert.equal(typeof counters.Logins, 'number')
	assert.equal(typeof counters.LastCSRF, 'string')
	assert.deepEqual(old.parser.Counters(counters), counters)

	// The parameter became nullable; the old client's plain bool is still accepted.
	assert.equal(await client.EchoNullable(true), true)
})
