// An ES module user of the admin client that only has api.js and api.d.ts (no
// TypeScript source), as after `npm install ../generated`: tests/typescript.rs copies
// this file next to those two and type-checks it, so api.d.ts must describe everything
// a TypeScript user of api.ts would use. Only type-checked, never run.
import * as api from './api.js'
import { Client, Mode, type Domain, type ClientOptions } from './api.js'

const options: ClientOptions = {
	baseURL: 'http://localhost:8080/admin/api/',
	csrfHeader: 'x-mox-csrf',
	timeoutMsec: 10000,
	signal: new AbortController().signal,
	login: async (reason: string) => {
		console.log('login needed', reason)
		return 'token'
	},
	fetch: (url, init) => fetch(url, init),
}

export async function main(): Promise<void> {
	const client = new Client().withOptions(options).withAuthToken('token')
	const domains: Domain[] | null = await client.Domains()
	const [first, rest]: [Domain, api.Evaluation[] | null] = await client.DMARCEvaluationsDomain((domains || [])[0]?.ASCII || 'example.org')
	const mode: Mode = Mode.ModeTesting
	const m2: api.Mode = api.Mode.ModeNone
	const msgs: api.Msg[] | null = await client.QueueList()
	const queued: Date | undefined = msgs?.[0]?.Queued
	try {
		await client.QueueKick(0, '')
	} catch (err) {
		const code: string = (err as Error & { code: string }).code
		console.log(code, (err as Error).message)
	}
	const parsed: api.Domain = api.parser.Domain({ ASCII: 'x', Unicode: '' })
	const section: api.Section | undefined = undefined
	console.log(first, rest, mode, m2, queued, parsed, section, api.defaultBaseURL, api.supportedSherpaVersion, api.types, api.structTypes)
}
