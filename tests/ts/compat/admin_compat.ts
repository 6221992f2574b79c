// A frontend written the way sherpats users write them (modelled on mox's
// webadmin/admin.ts): a plain script, compiled together with the namespace form of the
// generated client (`namespace api`), using enums as values and types, tuple results,
// optional fields, withOptions({csrfHeader, login}) and withAuthToken. It must compile
// with `tsc --strict` against our output without edits; tests/typescript.rs checks that.
// It is only type-checked, never run.

const login = async (reason: string): Promise<string> => {
	return new Promise((resolve: (v: string) => void, _: (v: any) => void) => {
		const form = document.createElement('form')
		const password = document.createElement('input')
		password.type = 'password'
		const status = document.createElement('div')
		status.textContent = reason ? 'Error: ' + reason : ''
		form.appendChild(status)
		form.appendChild(password)
		form.addEventListener('submit', async (e: SubmitEvent) => {
			e.preventDefault()
			try {
				const loginToken = await client.LoginPrep()
				const token: api.CSRFToken = await client.Login(loginToken, password.value)
				try {
					window.localStorage.setItem('webadmincsrftoken', token)
				} catch (err) {
					console.log('saving csrf token in localStorage', err)
				}
				form.remove()
				resolve(token)
			} catch (err) {
				window.alert('Error: ' + errmsg(err))
			}
		})
		document.body.appendChild(form)
	})
}

const localStorageGet = (k: string): string | null => {
	try {
		return window.localStorage.getItem(k)
	} catch (err) {
		return null
	}
}

const client = new api.Client().withOptions({ csrfHeader: 'x-mox-csrf', login: login }).withAuthToken(localStorageGet('webadmincsrftoken') || '')

const errmsg = (err: unknown) => '' + ((err as any).message || '(no error message)')

const check = async <T>(elem: { disabled: boolean }, p: Promise<T>): Promise<T> => {
	try {
		elem.disabled = true
		return await p
	} catch (err) {
		console.log({ err })
		window.alert('Error: ' + errmsg(err))
		throw err
	} finally {
		elem.disabled = false
	}
}

const formatDomain = (d: api.Domain) => d.Unicode || d.ASCII

const formatIPDomain = (d: api.IPDomain): string => (d.IP ? '[' + d.IP + ']' : formatDomain(d.Domain))

const modeText = (m: api.Mode): string => {
	switch (m) {
		case api.Mode.ModeEnforce:
			return 'enforce'
		case api.Mode.ModeTesting:
			return 'testing'
		case api.Mode.ModeNone:
			return 'none'
	}
	return 'unknown'
}

const policyMode: api.Mode = api.Mode.ModeEnforce
const subdomainPolicy: api.DMARCPolicy = api.DMARCPolicy.PolicyEmpty
const policyModes: api.Mode[] = [api.Mode.ModeEnforce, api.Mode.ModeTesting, api.Mode.ModeNone]

const logout = async () => {
	await check({ disabled: false }, client.Logout())
	window.localStorage.removeItem('webadmincsrftoken')
	window.location.reload()
}

const index = async () => {
	const [domains, queueSize, checkUpdatesEnabled] = await Promise.all([client.Domains(), client.QueueSize(), client.CheckUpdatesEnabled()])
	const names: string[] = (domains || []).map(formatDomain)
	const n: number = queueSize
	const b: boolean = checkUpdatesEnabled
	console.log(names, n, b, modeText(policyMode), policyModes.length, subdomainPolicy)
}

const domainDMARC = async (d: string) => {
	// Several return values come as a tuple.
	const [dnsdomain, evaluations]: [api.Domain, api.Evaluation[] | null] = await client.DMARCEvaluationsDomain(d)
	for (const e of evaluations || []) {
		const when: Date = e.Evaluated
		const p: api.Disposition = e.PolicyPublished.Policy
		const disposition: api.Disposition = e.Disposition
		console.log(formatDomain(dnsdomain), when.toISOString(), p === api.Disposition.DispositionReject, disposition)
	}
	const [record, txt, error] = await client.LookupTLSRPTRecord(d)
	if (record) {
		console.log(record.Version, txt, error)
	}
	const [staticPath, dynamicPath, staticText, dynamicText] = await client.ConfigFiles()
	console.log(staticPath.length + dynamicPath.length + staticText.length + dynamicText.length)
}

const domainCheck = async (d: string) => {
	const r: api.CheckResult = await client.CheckDomain(d)
	// Optional (nullableOptional) and nullable (slicesNullable) fields.
	const errors: string[] = [...(r.DNSSEC.Errors || []), ...(r.SPF.Errors || [])]
	const ipnames = r.IPRev.IPNames || {}
	for (const ip in ipnames) {
		console.log(ip, (ipnames[ip] || []).join(', '))
	}
	const spf: api.SPFRecord | null | undefined = r.SPF.DomainRecord
	if (spf) {
		console.log(spf.Version, spf.Directives?.length)
	}
	console.log(errors)
}

const queue = async () => {
	const msgs: api.Msg[] = (await client.QueueList()) || []
	for (const m of msgs) {
		const next: Date = m.NextAttempt
		const last: Date | null | undefined = m.LastAttempt
		const from = m.SenderLocalpart + '@' + formatIPDomain(m.SenderDomain)
		const id: number = m.ID
		await client.QueueSaveRequireTLS(id, m.RequireTLS === undefined ? null : m.RequireTLS)
		console.log(from, next, last, m.DialedIPs)
	}
	const dnsbl: { [key: string]: { [key: string]: string } } = await client.DNSBLStatus()
	console.log(Object.keys(dnsbl))
	const levels: { [key: string]: string } = await client.LogLevels()
	await client.LogLevelSet('', levels[''] || 'info')
	const transports: { [key: string]: api.Transport } = await client.Transports()
	console.log(Object.keys(transports))
	const summaries = await client.TLSRPTSummaries(new Date(), new Date(), '')
	console.log(summaries?.length)
}

// Other exports sherpats users can reach.
const options: api.ClientOptions = { ...client.options, timeoutMsec: 5000, aborter: {}, skipParamCheck: false }
const auth: api.AuthState = client.authState
const aborter: { abort?: () => void } = {}
const cancellable = client.withOptions({ aborter: aborter })
const parsed: api.Domain = api.parser.Domain({ ASCII: 'example.org', Unicode: '' })
const viaParse: api.Domain = api.parse('Domain', { ASCII: 'x', Unicode: '' })
const verified: string = api.verifyArg('x', 'y', ['string'], true, false, api.types, client.options)
const docs: api.Section | null = null
const fn: api.Function | null = null
const named: api.NamedType = api.types['Domain']
const isStruct: boolean = api.structTypes['Domain'] && !api.stringsTypes['Domain'] && !api.intsTypes['Domain']
const base: string = api.defaultBaseURL
const sherpaVersion: number = api.supportedSherpaVersion
console.log(options, auth, cancellable, parsed, viaParse, verified, docs, fn, named, isStruct, base, sherpaVersion)

window.addEventListener('load', async () => {
	try {
		await index()
		await domainDMARC('example.org')
		await domainCheck('example.org')
		await queue()
	} catch (err) {
		window.alert('Error: ' + errmsg(err))
	}
	document.getElementById('logout')?.addEventListener('click', logout)
})
