// DMARC and TLS reports: summaries over a chosen period, reports by domain and by ID,
// DMARC evaluations, TLS results, the TLSRPT record lookup, and both suppress lists.

import * as api from '../../../generated/api'
import { Ctx, form, field, button, render, client, login } from './app'
import { h, Child, link, href, section, table, dl, fmtTime, ymd, parseYmd, yesno, domainFull, domainName, age, errMessage } from './dom'
import { crumbs } from './domain'
import { Segment, dayChart, daysOf, meter } from './charts'

// The period of a report page, from the hash query (start and end as yyyy-mm-dd, end
// inclusive). The default is the last 7 days including today.
interface Period {
	start: Date // local midnight of the first day
	end: Date // local midnight after the last day
	startText: string
	endText: string
}

function period(ctx: Ctx): Period {
	const today = new Date()
	today.setHours(0, 0, 0, 0)
	const defStart = new Date(today)
	defStart.setDate(defStart.getDate() - 6)
	const start = parseYmd(ctx.query.get('start') || '') || defStart
	const last = parseYmd(ctx.query.get('end') || '') || today
	const end = new Date(last)
	end.setDate(end.getDate() + 1)
	return { start: start, end: end, startText: ymd(start), endText: ymd(last) }
}

function periodQuery(p: Period): string {
	return '?start=' + p.startText + '&end=' + p.endText
}

// The form that picks the period: two dates and a few presets. Submitting changes the
// hash, which renders the page again for the new period.
function periodForm(p: Period, path: string[]): HTMLElement {
	const start = h('input', { type: 'date', name: 'start', id: 'period-start', value: p.startText, required: true })
	const end = h('input', { type: 'date', name: 'end', id: 'period-end', value: p.endText, required: true })
	const go = (s: string, e: string) => {
		const hash = href(...path) + '?start=' + s + '&end=' + e
		if (window.location.hash === hash) {
			// No hashchange for the same address: show the current data anyway.
			render(true)
		} else {
			window.location.hash = hash
		}
	}
	const preset = (label: string, days: number) => h('button', {
		type: 'button', class: 'small', onclick: () => {
			const t = new Date()
			const s = new Date()
			s.setDate(s.getDate() - days + 1)
			go(ymd(s), ymd(t))
		},
	}, label)
	return form({ class: 'inline-form period', 'aria-label': 'Period' }, async () => {
		if (start.value > end.value) {
			throw new Error('The first day is after the last day.')
		}
		go(start.value, end.value)
	},
	field('From', start),
	field('To (inclusive)', end),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Show'), preset('7 days', 7), preset('30 days', 30), preset('1 year', 365)))
}

function counts(m: { [k: string]: number } | undefined): string {
	return Object.entries(m || {}).map(([k, v]) => k + ': ' + v).join(', ') || '-'
}

function tabs(items: [string, string[]][], currentIndex: number): HTMLElement {
	return h('nav', { class: 'tabs', 'aria-label': 'Sections' }, items.map(([label, path], i) => h('a', { href: href(...path), 'aria-current': i === currentIndex ? 'page' : null }, label)))
}

const dmarcTabs = (i: number) => tabs([['Summaries', ['dmarc']], ['Reports', ['dmarc', 'reports']], ['Evaluations', ['dmarc', 'evaluations']]], i)
const tlsTabs = (i: number) => tabs([['Summaries', ['tlsrpt']], ['Reports', ['tlsrpt', 'reports']], ['Results', ['tlsrpt', 'results']]], i)

// Importing reports: the server's POST /admin/import takes one file per request (a
// report, a report email or an mbox file) and answers with a line per file or message.

interface ImportUnit {
	name: string
	subject: string | null
	status: string // imported, present, skipped, failed, not-stored
	text: string
	newIds: number[]
	presentIds: number[]
}

interface ImportResult {
	units: ImportUnit[]
	dmarcNew: number
	dmarcPresent: number
	tlsNew: number
	tlsPresent: number
	skipped: number
	failed: number
	stored: boolean
	summary: string
}

interface ApiError {
	code: string
	message: string
}

// Sends one file, with the session's CSRF token; an ended session prompts for the
// password once and sends it again, as the API client does for calls.
async function importFile(file: File, kind: string): Promise<ImportResult> {
	for (let attempt = 0; ; attempt++) {
		const query = new URLSearchParams({ name: file.name, kind: kind })
		const resp = await fetch('import?' + query.toString(), { method: 'POST', headers: { 'x-mox-csrf': client.authState.token || '' }, body: file })
		let body: { error?: ApiError } & Partial<ImportResult>
		try {
			body = await resp.json()
		} catch {
			throw new Error(file.name + ': the server answered with status ' + resp.status)
		}
		const err = body.error
		if (!err) {
			return body as ImportResult
		}
		if (attempt === 0 && (err.code === 'user:noAuth' || err.code === 'user:badAuth')) {
			client.authState.token = await login(err.message)
			continue
		}
		throw new Error(file.name + ': ' + err.message)
	}
}

// The import form of the DMARC and TLS pages: files in, a line per file or message out.
function importSection(kind: 'dmarc' | 'tlsrpt'): HTMLElement {
	const input = h('input', { type: 'file', name: 'import-files', multiple: true, required: true })
	const results = h('ul', { class: 'import-results', 'aria-label': 'Import results' })
	const more = h('p', {})
	const f = form({ class: 'import', 'aria-label': 'Import reports' }, async () => {
		results.replaceChildren()
		more.replaceChildren()
		let added = 0
		let present = 0
		let failed = 0
		for (const file of Array.from(input.files || [])) {
			try {
				const r = await importFile(file, kind)
				for (const u of r.units) {
					results.append(h('li', { class: 'import-' + u.status }, u.text))
				}
				added += r.dmarcNew + r.tlsNew
				present += r.dmarcPresent + r.tlsPresent
				failed += r.failed
			} catch (e) {
				failed++
				results.append(h('li', { class: 'import-failed' }, errMessage(e)))
			}
		}
		input.value = ''
		if (added > 0) {
			more.append(h('button', { type: 'button', class: 'small', onclick: () => render(true) }, 'Show the new reports'))
		}
		const msg = added + ' new, ' + present + ' already present' + (failed ? ', ' + failed + ' failed (see below)' : '') + '.'
		if (failed) {
			throw new Error(msg)
		}
		return msg
	},
	field('Files', input, kind === 'dmarc' ? 'DMARC reports (.xml, .xml.gz, .zip), report emails (.eml) or mbox files.' : 'TLS reports (.json, .json.gz), report emails (.eml) or mbox files.'),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Import')))
	return section('Import reports',
		h('p', {}, 'Reports that arrived by email, as files, saved messages or a mailbox. A report already stored is not stored again.'),
		f, results, more)
}

// The day (local, yyyy-mm-dd) a report counts on in the charts: the day its period
// begins, or the first day of the chart when it began earlier.
function dayIndex(index: Map<string, number>, days: string[], begin: Date): number {
	const i = index.get(ymd(begin))
	if (i !== undefined) {
		return i
	}
	return begin.getTime() < new Date(days[0] + 'T00:00:00').getTime() ? 0 : days.length - 1
}

const dmarcSegments: Segment[] = [
	{ label: 'Pass', cls: 'c-pass' },
	{ label: 'Fail', cls: 'c-fail' },
	{ label: 'Quarantined', cls: 'c-quarantine' },
	{ label: 'Rejected', cls: 'c-reject' },
]

// Which segment a report row counts in: what the receiver did with the messages when it
// applied a policy, else whether DMARC passed (aligned DKIM or SPF).
function dmarcSegment(pe: api.PolicyEvaluated): number {
	if (pe.Disposition === 'reject') {
		return 3
	}
	if (pe.Disposition === 'quarantine') {
		return 2
	}
	return pe.DKIM === 'pass' || pe.SPF === 'pass' ? 0 : 1
}

// Messages per day by result, and the sources that sent the most, from the period's
// reports.
function dmarcCharts(ctx: Ctx, reports: api.DomainFeedback[], p: Period): HTMLElement[] {
	const days = daysOf(p.start, p.end)
	const index = new Map(days.map((d, i) => [d, i]))
	const values = days.map(() => dmarcSegments.map(() => 0))
	const sources = new Map<string, { count: number, pass: number }>()
	for (const r of reports) {
		const i = dayIndex(index, days, new Date(r.ReportMetadata.DateRange.Begin * 1000))
		for (const rec of r.Records || []) {
			const n = rec.Row.Count
			const seg = dmarcSegment(rec.Row.PolicyEvaluated)
			if (days.length > 0) {
				values[i][seg] += n
			}
			const s = sources.get(rec.Row.SourceIP) || { count: 0, pass: 0 }
			s.count += n
			s.pass += seg === 0 ? n : 0
			sources.set(rec.Row.SourceIP, s)
		}
	}
	const top = Array.from(sources.entries()).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).slice(0, 10)
	const max = top.length ? top[0][1].count : 0
	const reverse = (ip: string) => {
		const cell = h('span', { class: 'muted' }, '…')
		ctx.client.LookupIP(ip).then(r => {
			const names = r.Hostnames || []
			cell.className = names.length ? '' : 'muted'
			cell.textContent = names.length ? names.join(', ') : '-'
		}, () => {
			cell.textContent = '-'
		})
		return cell
	}
	return [
		section('Messages per day',
			dayChart('chart-dmarc-days', 'Messages per day by DMARC result', days, dmarcSegments, values)),
		section('Top sending sources',
			table(['Source IP', 'Reverse name', 'Messages', 'DMARC pass'],
				top.map(([ip, s]) => [ip, reverse(ip), h('span', { class: 'meter-cell' }, meter(s.count, max, s.count + ' messages'), '' + s.count), Math.round(s.pass / s.count * 100) + '%']),
				'No sources in this period.')),
	]
}

// DMARC

export async function dmarcPage(ctx: Ctx) {
	const p = period(ctx)
	const [summaries, reports] = await Promise.all([ctx.client.DMARCSummaries(p.start, p.end, ''), ctx.client.DMARCReports(p.start, p.end, '')])
	const sums = summaries || []
	return [
		crumbs(h('span', {}, 'DMARC')),
		h('h1', {}, 'DMARC aggregate reports'),
		dmarcTabs(0),
		periodForm(p, ['dmarc']),
		section('Summaries per domain',
			h('p', {}, 'Messages that others received from your domains, as reported by them in the period. ', h('a', { href: href('dmarc', 'reports') + periodQuery(p) }, 'All reports in this period'), '.'),
			table(['Domain', 'Messages', 'Disposition none', 'Quarantine', 'Reject', 'DKIM fail', 'SPF fail', 'Policy overrides'],
				sums.map(s => [h('a', { href: href('dmarc', 'reports', s.Domain) + periodQuery(p) }, s.Domain), '' + s.Total, '' + s.DispositionNone, '' + s.DispositionQuarantine, '' + s.DispositionReject, '' + s.DKIMFail, '' + s.SPFFail, counts(s.PolicyOverrides)]),
				'No reports in this period.')),
		dmarcCharts(ctx, reports || [], p),
		importSection('dmarc'),
	]
}

export async function dmarcReportsPage(ctx: Ctx, domain = '') {
	const p = period(ctx)
	const reports = (await ctx.client.DMARCReports(p.start, p.end, domain)) || []
	const rows = reports.map(r => {
		const recs = r.Records || []
		const total = recs.reduce((n, x) => n + x.Row.Count, 0)
		const fail = recs.reduce((n, x) => n + (x.Row.PolicyEvaluated.DKIM === 'fail' && x.Row.PolicyEvaluated.SPF === 'fail' ? x.Row.Count : 0), 0)
		return [
			link('' + r.ID, 'dmarc', 'reports', r.Domain, r.ID),
			r.Domain,
			r.ReportMetadata.OrgName,
			fmtTime(new Date(r.ReportMetadata.DateRange.Begin * 1000)) + ' – ' + fmtTime(new Date(r.ReportMetadata.DateRange.End * 1000)),
			'' + total,
			'' + fail,
		]
	})
	return [
		domain ? crumbs(link('DMARC', 'dmarc'), h('span', {}, domain)) : crumbs(link('DMARC', 'dmarc'), h('span', {}, 'Reports')),
		h('h1', {}, domain ? 'DMARC reports for ' + domain : 'DMARC reports'),
		dmarcTabs(1),
		periodForm(p, domain ? ['dmarc', 'reports', domain] : ['dmarc', 'reports']),
		table(['ID', 'Domain', 'Reporter', 'Period', 'Messages', 'DMARC fail'], rows, 'No reports in this period.'),
	]
}

function dkimResults(rs: api.DKIMAuthResult[] | null | undefined): string {
	return (rs || []).map(r => r.Domain + (r.Selector ? ' (' + r.Selector + ')' : '') + ': ' + (r.Result || '-') + (r.HumanResult ? ' ' + r.HumanResult : '')).join('; ') || '-'
}

function spfResults(rs: api.SPFAuthResult[] | null | undefined): string {
	return (rs || []).map(r => r.Domain + (r.Scope ? ' (' + r.Scope + ')' : '') + ': ' + (r.Result || '-')).join('; ') || '-'
}

function reasons(rs: api.PolicyOverrideReason[] | null | undefined): string {
	return (rs || []).map(r => r.Type + (r.Comment ? ': ' + r.Comment : '')).join('; ') || '-'
}

function policyPublished(pp: api.PolicyPublished): HTMLElement {
	return dl([
		['Domain', pp.Domain],
		['Policy', pp.Policy || '-'],
		['Subdomain policy', pp.SubdomainPolicy || '-'],
		['DKIM alignment', pp.ADKIM === 's' ? 'strict' : 'relaxed'],
		['SPF alignment', pp.ASPF === 's' ? 'strict' : 'relaxed'],
		['Percentage', '' + pp.Percentage],
		['Reporting options', pp.ReportingOptions || '-'],
	])
}

export async function dmarcReportPage(ctx: Ctx, domain: string, id: string) {
	const r = await ctx.client.DMARCReportID(domain, +id)
	const md = r.ReportMetadata
	return [
		crumbs(link('DMARC', 'dmarc'), link(domain, 'dmarc', 'reports', domain), h('span', {}, 'Report ' + r.ID)),
		h('h1', {}, 'DMARC report ', '' + r.ID, ' for ', r.Domain),
		h('div', { class: 'cards' },
			section('Report',
				dl([
					['Reporter', md.OrgName],
					['Email', md.Email],
					['Contact', md.ExtraContactInfo || '-'],
					['Report ID', md.ReportID],
					['Period', fmtTime(new Date(md.DateRange.Begin * 1000)) + ' – ' + fmtTime(new Date(md.DateRange.End * 1000))],
					['From domain', r.FromDomain || '-'],
					['Errors', (md.Errors || []).join('; ') || '-'],
				])),
			section('Policy published', policyPublished(r.PolicyPublished))),
		section('Records',
			table(['Source IP', 'Count', 'Disposition', 'DKIM', 'SPF', 'Overrides', 'Header from', 'Envelope from', 'Envelope to', 'DKIM results', 'SPF results'],
				(r.Records || []).map(x => [
					x.Row.SourceIP, '' + x.Row.Count, x.Row.PolicyEvaluated.Disposition || '-',
					h('span', { class: 'result ' + x.Row.PolicyEvaluated.DKIM }, x.Row.PolicyEvaluated.DKIM || '-'),
					h('span', { class: 'result ' + x.Row.PolicyEvaluated.SPF }, x.Row.PolicyEvaluated.SPF || '-'),
					reasons(x.Row.PolicyEvaluated.Reasons),
					x.Identifiers.HeaderFrom || '-', x.Identifiers.EnvelopeFrom || '-', x.Identifiers.EnvelopeTo || '-',
					dkimResults(x.AuthResults.DKIM), spfResults(x.AuthResults.SPF),
				]), 'No records.')),
	]
}

// Suppress lists: reporting addresses that get no reports until a time. The DMARC and
// TLS lists have the same shape and functions.
interface Suppress {
	ID: number
	Inserted: Date
	ReportingAddress: string
	Until: Date
	Comment: string
}

interface SuppressFns {
	list(): Promise<Suppress[] | null>
	add(addr: string, until: Date, comment: string): Promise<void>
	remove(id: number): Promise<void>
	extend(id: number, until: Date): Promise<void>
}

async function suppressSection(ctx: Ctx, kind: string, fns: SuppressFns): Promise<HTMLElement> {
	const list = (await fns.list()) || []
	const in31 = () => {
		const d = new Date()
		d.setDate(d.getDate() + 31)
		return d
	}
	const addr = h('input', { type: 'email', name: 'address', id: kind + '-suppress-address', required: true, autocapitalize: 'off' })
	const until = h('input', { type: 'date', name: 'until', id: kind + '-suppress-until', required: true, value: ymd(in31()) })
	const comment = h('input', { name: 'comment', id: kind + '-suppress-comment' })
	const add = form({ class: 'inline-form', 'aria-label': 'Add to suppress list' }, async () => {
		const u = parseYmd(until.value)
		if (!u) {
			throw new Error('Invalid date.')
		}
		await fns.add(addr.value.trim(), u, comment.value)
		ctx.reload(addr.value.trim() + ' added to the suppress list.')
	},
	field('Reporting address', addr),
	field('Until', until),
	field('Comment', comment),
	h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Add')))
	return section('Suppress list',
		h('p', {}, 'No ', kind === 'dmarc' ? 'DMARC' : 'TLS', ' reports are sent to these addresses until the given time.'),
		table(['Address', 'Until', 'Comment', 'Added', ''], list.map(s => [
			s.ReportingAddress,
			[fmtTime(s.Until), ' (', age(s.Until), ')'],
			s.Comment || '-',
			fmtTime(s.Inserted),
			h('span', { class: 'row' },
				button('Extend 31 days', async () => {
					await fns.extend(s.ID, in31())
					ctx.reload('Suppression of ' + s.ReportingAddress + ' extended.')
				}, { class: 'small', label: 'Extend suppression of ' + s.ReportingAddress }),
				button('Remove', async () => {
					await fns.remove(s.ID)
					ctx.reload(s.ReportingAddress + ' removed from the suppress list.')
				}, { class: 'small danger', label: 'Remove ' + s.ReportingAddress + ' from the suppress list' })),
		]), 'The suppress list is empty.'),
		add)
}

export async function dmarcEvaluationsPage(ctx: Ctx) {
	const c = ctx.client
	const stats = await c.DMARCEvaluationStats()
	const suppress = await suppressSection(ctx, 'dmarc', {
		list: () => c.DMARCSuppressList(),
		add: (a, u, cm) => c.DMARCSuppressAdd(a, u, cm),
		remove: id => c.DMARCSuppressRemove(id),
		extend: (id, u) => c.DMARCSuppressExtend(id, u),
	})
	return [
		crumbs(link('DMARC', 'dmarc'), h('span', {}, 'Evaluations')),
		h('h1', {}, 'DMARC evaluations'),
		dmarcTabs(2),
		h('p', {}, 'Evaluations of incoming messages, kept until they are sent in DMARC reports to the domains that asked for them.'),
		section('Pending evaluations per domain',
			table(['Domain', 'Evaluations', 'Dispositions', 'Report will be sent'],
				Object.entries(stats || {}).sort().map(([d, st]) => [link(domainFull(st.Domain), 'dmarc', 'evaluations', d), '' + st.Count, (st.Dispositions || []).join(', ') || '-', yesno(st.SendReport)]),
				'No evaluations.')),
		suppress,
	]
}

export async function dmarcEvaluationsDomainPage(ctx: Ctx, d: string) {
	const [dom, evals] = await ctx.client.DMARCEvaluationsDomain(d)
	const list = evals || []
	return [
		crumbs(link('DMARC', 'dmarc'), link('Evaluations', 'dmarc', 'evaluations'), h('span', {}, d)),
		h('h1', {}, 'DMARC evaluations for ', domainFull(dom)),
		table(['Evaluated', 'Optional', 'Interval', 'Addresses', 'Policy', 'Source IP', 'Disposition', 'Aligned DKIM', 'Aligned SPF', 'Overrides', 'Envelope to', 'Envelope from', 'Header from', 'DKIM results', 'SPF results'],
			list.map(e => [fmtTime(e.Evaluated), yesno(e.Optional), e.IntervalHours + 'h', (e.Addresses || []).join(', '), e.PolicyPublished.Policy || '-', e.SourceIP, e.Disposition || '-', yesno(e.AlignedDKIMPass), yesno(e.AlignedSPFPass), reasons(e.OverrideReasons), e.EnvelopeTo, e.EnvelopeFrom, e.HeaderFrom, dkimResults(e.DKIMResults), spfResults(e.SPFResults)]),
			'No evaluations.'),
		list.length === 0 ? null : section('Remove',
			h('p', {}, 'Removing the evaluations means no report about them will be sent.'),
			button('Remove evaluations for ' + domainName(dom), async () => {
				await ctx.client.DMARCRemoveEvaluations(d)
				ctx.reload('Evaluations removed.')
			}, { class: 'danger', confirm: 'Remove all evaluations for ' + domainName(dom) + '? No report will be sent for them.' })),
	]
}

// TLS reports

function tlsrptLookup(ctx: Ctx, initial: string): HTMLElement {
	const out = h('div', { id: 'tlsrpt-lookup-result' })
	const input = h('input', { name: 'domain', id: 'tlsrpt-lookup-domain', required: true, value: initial, autocapitalize: 'off', spellcheck: 'false' })
	const f = form({ class: 'inline-form', 'aria-label': 'Look up TLSRPT record' }, async () => {
		out.replaceChildren()
		const [record, txt, errstr] = await ctx.client.LookupTLSRPTRecord(input.value.trim())
		out.replaceChildren(errstr
			? h('p', { class: 'err' }, errstr)
			: dl([
				['TXT record', h('code', {}, txt)],
				['Version', record ? record.Version : '-'],
				['Report addresses', record ? (record.RUAs || []).map(l => (l || []).join(', ')).join('; ') : '-'],
				['Extensions', record ? (record.Extensions || []).map(x => x.Key + '=' + x.Value).join('; ') || '-' : '-'],
			]))
	}, field('Domain', input), h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Look up')))
	return section('TLSRPT record lookup', h('p', {}, 'The DNS record (_smtp._tls.domain) that says where TLS reports for a domain go.'), f, out)
}

const tlsSegments: Segment[] = [
	{ label: 'Successful', cls: 'c-pass' },
	{ label: 'Failed', cls: 'c-fail' },
]

// TLS sessions per day, successful and failed, for all policy domains or one.
function tlsChart(reports: api.TLSReportRecord[], p: Period): HTMLElement {
	const days = daysOf(p.start, p.end)
	const index = new Map(days.map((d, i) => [d, i]))
	const domains = Array.from(new Set(reports.flatMap(r => (r.Report.Policies || []).map(x => x.Policy.Domain)))).sort()
	const draw = (domain: string) => {
		const values = days.map(() => [0, 0])
		for (const r of reports) {
			const i = dayIndex(index, days, r.Report.DateRange.Start)
			for (const pol of r.Report.Policies || []) {
				if (days.length > 0 && (domain === '' || pol.Policy.Domain === domain)) {
					values[i][0] += pol.Summary.TotalSuccessfulSessionCount
					values[i][1] += pol.Summary.TotalFailureSessionCount
				}
			}
		}
		return dayChart('chart-tls-days', 'TLS sessions per day' + (domain ? ' for ' + domain : ''), days, tlsSegments, values)
	}
	let chart = draw('')
	const select = h('select', {
		name: 'chart-domain', onchange: () => {
			const next = draw(select.value)
			chart.replaceWith(next)
			chart = next
		},
	}, h('option', { value: '' }, 'All policy domains'), domains.map(d => h('option', { value: d }, d)))
	return section('Sessions per day', field('Policy domain', select), chart)
}

export async function tlsrptPage(ctx: Ctx) {
	const p = period(ctx)
	const [summaries, reports] = await Promise.all([ctx.client.TLSRPTSummaries(p.start, p.end, ''), ctx.client.TLSReports(p.start, p.end, '')])
	const sums = summaries || []
	return [
		crumbs(h('span', {}, 'TLS reports')),
		h('h1', {}, 'TLS reports'),
		tlsTabs(0),
		periodForm(p, ['tlsrpt']),
		section('Summaries per policy domain',
			h('p', {}, 'TLS connection results that others reported for deliveries to your domains and hosts. ', h('a', { href: href('tlsrpt', 'reports') + periodQuery(p) }, 'All reports in this period'), '.'),
			table(['Policy domain', 'Successful sessions', 'Failed sessions', 'Failures by type'],
				sums.map(s => [h('a', { href: href('tlsrpt', 'reports', domainName(s.PolicyDomain)) + periodQuery(p) }, domainFull(s.PolicyDomain)), '' + s.Success, '' + s.Failure, counts(s.ResultTypeCounts)]),
				'No reports in this period.')),
		tlsChart(reports || [], p),
		tlsrptLookup(ctx, ''),
		importSection('tlsrpt'),
	]
}

export async function tlsReportsPage(ctx: Ctx, domain = '') {
	const p = period(ctx)
	// ParseDomain gives the full name (Unicode and ASCII) for the heading, and an
	// error for a mistyped domain in the address instead of an empty list.
	const [dom, reports] = await Promise.all([domain ? ctx.client.ParseDomain(domain) : Promise.resolve(null), ctx.client.TLSReports(p.start, p.end, domain)])
	const rows = (reports || []).map(r => {
		const pols = r.Report.Policies || []
		return [
			link('' + r.ID, 'tlsrpt', 'reports', r.Domain, r.ID),
			r.Domain + (r.HostReport ? ' (host)' : ''),
			r.Report.OrganizationName,
			fmtTime(r.Report.DateRange.Start) + ' – ' + fmtTime(r.Report.DateRange.End),
			'' + pols.reduce((n, x) => n + x.Summary.TotalSuccessfulSessionCount, 0),
			'' + pols.reduce((n, x) => n + x.Summary.TotalFailureSessionCount, 0),
			r.FromDomain || '-',
		]
	})
	return [
		crumbs(link('TLS reports', 'tlsrpt'), h('span', {}, dom ? domainName(dom) : 'Reports')),
		h('h1', {}, dom ? 'TLS reports for ' + domainFull(dom) : 'TLS reports'),
		tlsTabs(1),
		periodForm(p, domain ? ['tlsrpt', 'reports', domain] : ['tlsrpt', 'reports']),
		table(['ID', 'Policy domain', 'Reporter', 'Period', 'Successful', 'Failed', 'From domain'], rows, 'No reports in this period.'),
	]
}

function tlsResults(results: api.Result[] | null | undefined): Child {
	return (results || []).map(res => h('article', { class: 'policy' },
		h('h3', {}, 'Policy ', res.Policy.Type, ' for ', res.Policy.Domain),
		dl([
			['Successful sessions', '' + res.Summary.TotalSuccessfulSessionCount],
			['Failed sessions', '' + res.Summary.TotalFailureSessionCount],
			['MX hosts', (res.Policy.MXHost || []).join(', ') || '-'],
			['Policy', (res.Policy.String || []).length ? h('pre', {}, (res.Policy.String || []).join('\n')) : '-'],
		]),
		(res.FailureDetails || []).length === 0 ? null : table(['Result', 'Sessions', 'Sending IP', 'Receiving MX', 'MX HELO', 'Receiving IP', 'Reason code', 'Information'],
			(res.FailureDetails || []).map(f => [h('span', { class: 'result fail' }, f.ResultType), '' + f.FailedSessionCount, f.SendingMTAIP, f.ReceivingMXHostname, f.ReceivingMXHelo || '-', f.ReceivingIP, f.FailureReasonCode || '-', f.AdditionalInformation || '-']))))
}

export async function tlsReportPage(ctx: Ctx, domain: string, id: string) {
	const r = await ctx.client.TLSReportID(domain, +id)
	return [
		crumbs(link('TLS reports', 'tlsrpt'), link(domain, 'tlsrpt', 'reports', domain), h('span', {}, 'Report ' + r.ID)),
		h('h1', {}, 'TLS report ', '' + r.ID, ' for ', r.Domain),
		dl([
			['Reporter', r.Report.OrganizationName],
			['Contact', r.Report.ContactInfo || '-'],
			['Report ID', r.Report.ReportID],
			['Period', fmtTime(r.Report.DateRange.Start) + ' – ' + fmtTime(r.Report.DateRange.End)],
			['For', r.HostReport ? 'the host (TLSRPT record of the mail host)' : 'the domain'],
			['From domain', r.FromDomain || '-'],
			['Mail from', r.MailFrom || '-'],
		]),
		section('Policies', tlsResults(r.Report.Policies)),
	]
}

function resultSums(rs: api.Result[] | null | undefined): [number, number] {
	return [(rs || []).reduce((n, x) => n + x.Summary.TotalSuccessfulSessionCount, 0), (rs || []).reduce((n, x) => n + x.Summary.TotalFailureSessionCount, 0)]
}

export async function tlsResultsPage(ctx: Ctx) {
	const c = ctx.client
	const results = (await c.TLSRPTResults()) || []
	const suppress = await suppressSection(ctx, 'tlsrpt', {
		list: () => c.TLSRPTSuppressList(),
		add: (a, u, cm) => c.TLSRPTSuppressAdd(a, u, cm),
		remove: id => c.TLSRPTSuppressRemove(id),
		extend: (id, u) => c.TLSRPTSuppressExtend(id, u),
	})
	return [
		crumbs(link('TLS reports', 'tlsrpt'), h('span', {}, 'Results')),
		h('h1', {}, 'TLS results'),
		tlsTabs(2),
		h('p', {}, 'Results of this server\'s outgoing TLS connections, per day, kept until they are sent in TLS reports.'),
		table(['Policy domain', 'Day (UTC)', 'Recipient domain', 'Kind', 'Send report', 'Sent', 'Successful', 'Failed', ''],
			results.map(r => {
				const [ok, fail] = resultSums(r.Results)
				return [
					link(r.PolicyDomain, 'tlsrpt', 'results', r.IsHost ? 'host' : 'rcptdom', r.PolicyDomain),
					r.DayUTC,
					link(r.RecipientDomain, 'tlsrpt', 'results', 'rcptdom', r.RecipientDomain),
					r.IsHost ? 'MX host (DANE)' : 'Recipient domain (MTA-STS)',
					yesno(r.SendReport),
					[r.SentToRecipientDomain ? 'to recipient domain' : '', r.SentToPolicyDomain ? 'to policy domain' : ''].filter(x => x).join(', ') || 'no',
					'' + ok, '' + fail,
					button('Remove', async () => {
						await c.TLSRPTRemoveResults(false, r.PolicyDomain, r.DayUTC)
						ctx.reload('Results for ' + r.PolicyDomain + ' on ' + r.DayUTC + ' removed.')
					}, { class: 'small danger', label: 'Remove results for ' + r.PolicyDomain + ' on ' + r.DayUTC, confirm: 'Remove the results for policy domain ' + r.PolicyDomain + ' on ' + r.DayUTC + '? No report will be sent for them.' }),
				]
			}), 'No results.'),
		suppress,
	]
}

export async function tlsResultsDomainPage(ctx: Ctx, kind: string, d: string) {
	const isRcptDom = kind === 'rcptdom'
	const [dom, results] = await ctx.client.TLSRPTResultsDomain(isRcptDom, d)
	const list = results || []
	return [
		crumbs(link('TLS reports', 'tlsrpt'), link('Results', 'tlsrpt', 'results'), h('span', {}, d)),
		h('h1', {}, 'TLS results for ', isRcptDom ? 'recipient domain ' : 'MX host ', domainFull(dom)),
		list.length === 0 ? h('p', { class: 'muted' }, 'No results.') : list.map(r => h('section', {},
			h('h2', {}, r.DayUTC, ': ', isRcptDom ? 'policy domain ' + r.PolicyDomain : 'recipient domain ' + r.RecipientDomain),
			dl([
				['Created', fmtTime(r.Created)],
				['Updated', fmtTime(r.Updated)],
				['Send report', yesno(r.SendReport)],
				['Sent to recipient domain', yesno(r.SentToRecipientDomain)],
				['Sent to policy domain', yesno(r.SentToPolicyDomain)],
				['Recipient domain reporting addresses', (r.RecipientDomainReportingAddresses || []).join(', ') || '-'],
			]),
			tlsResults(r.Results))),
		list.length === 0 ? null : section('Remove',
			button('Remove all results for ' + domainName(dom), async () => {
				await ctx.client.TLSRPTRemoveResults(isRcptDom, d, '')
				ctx.reload('Results removed.')
			}, { class: 'danger', confirm: 'Remove all TLS results for ' + domainName(dom) + '? No report will be sent for them.' })),
		tlsrptLookup(ctx, domainName(dom)),
	]
}

