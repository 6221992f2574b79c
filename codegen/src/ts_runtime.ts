// The runtime library of the generated TypeScript client.
//
// The generator appends this text, unchanged, after the schema-specific part of every
// generated client (inside `namespace NAME { ... }` for the script form). It is kept as
// a real TypeScript module so it can be type-checked and compiled on its own: the
// generator embeds this file, and the tsc output of it (ts_runtime.js and
// ts_runtime.d.ts next to it, checked for staleness by tests/typescript.rs) for the
// api.js and api.d.ts it writes.
//
// Rules for this file, which the generator relies on:
// - It never refers to the generated part: everything schema-specific is passed in.
// - Standard globals are reached through `globalThis.`, because a schema may define
//   types named `Error`, `Date`, `Promise`, `Object`, ... that shadow them in the
//   generated module.
// - Private names start with `sherpa` or `Sherpa`; the generator refuses schemas whose
//   type names collide with any top-level name in this file.
// - Public exports are written `export function`, `export const`, `export interface`
//   or `export type` at the start of a line, one declaration per line start, so the
//   generator can turn the module into a namespace without parsing TypeScript.
// - The sherpadoc interfaces are declared under private names and exported through
//   one-line `export type Name = SherpadocName` aliases, which the generator leaves out
//   when the schema itself defines a type with that name.

/** The version of the sherpa protocol this client speaks; servers report theirs in sherpa.json. */
export const supportedSherpaVersion = 1

// A sherpadoc document, as served by the `_docs` function.
interface SherpadocSection {
	Name: string
	Docs: string
	Functions: SherpadocFunction[]
	Sections: SherpadocSection[]
	Structs: SherpadocStruct[]
	Ints: SherpadocInts[]
	Strings: SherpadocStrings[]
	Version?: string
	SherpaVersion: number
	SherpadocVersion?: number
}

// A function: its name is the last element of its URL.
interface SherpadocFunction {
	Name: string
	Docs: string
	Params: SherpadocArg[]
	Returns: SherpadocArg[]
}

// A parameter or return value.
interface SherpadocArg {
	Name: string
	Typewords: string[]
}

// A named struct type.
interface SherpadocStruct {
	Name: string
	Docs: string
	Fields: SherpadocField[]
}

// A struct field; the name is the JSON key.
interface SherpadocField {
	Name: string
	Docs: string
	Typewords: string[]
}

// A named integer type. Values null or empty means any integer.
interface SherpadocInts {
	Name: string
	Docs: string
	Values: { Name: string, Value: number, Docs: string }[] | null
}

// A named string type. Values null or empty means any string.
interface SherpadocStrings {
	Name: string
	Docs: string
	Values: { Name: string, Value: string, Docs: string }[] | null
}

type SherpadocNamedType = SherpadocStruct | SherpadocStrings | SherpadocInts

// The named types of a schema by name, as in the exported `types`.
interface SherpadocTypenameMap {
	[typename: string]: SherpadocNamedType
}

export type Section = SherpadocSection
export type Function = SherpadocFunction
export type Arg = SherpadocArg
export type Struct = SherpadocStruct
export type Field = SherpadocField
export type Ints = SherpadocInts
export type Strings = SherpadocStrings
export type NamedType = SherpadocNamedType
export type TypenameMap = SherpadocTypenameMap

// The part of AbortSignal the client uses. Declared here so the client compiles with
// any `lib` setting (browser or Node typings, or neither); the real AbortSignal fits.
interface SherpaAbortSignal {
	readonly aborted: boolean
	addEventListener(type: 'abort', listener: () => void): void
	removeEventListener(type: 'abort', listener: () => void): void
}

interface SherpaAbortController {
	readonly signal: SherpaAbortSignal
	abort(): void
}

// What the client passes to fetch. The global fetch of browsers and Node accepts it.
interface SherpaRequestInit {
	method: string
	headers: { [name: string]: string }
	body: string
	signal: any
}

// The part of a fetch Response the client reads.
interface SherpaResponse {
	readonly status: number
	text(): globalThis.Promise<string>
}

type SherpaFetch = (url: string, init: SherpaRequestInit) => globalThis.Promise<SherpaResponse>

// The globals the client uses, all optional except timers, so that a missing one
// (no location in Node, no localStorage in a worker) is handled instead of crashing.
interface SherpaGlobals {
	fetch?: SherpaFetch
	AbortController?: new () => SherpaAbortController
	setTimeout(fn: () => void, msec: number): unknown
	clearTimeout(handle: unknown): void
	location?: { protocol: string, host: string, pathname: string, href: string }
	localStorage?: { getItem(key: string): string | null }
}

const sherpaGlobals = globalThis as unknown as SherpaGlobals

/** Options of a Client; see Client.withOptions. */
export interface ClientOptions {
	/** Base URL of the API, ending in a slash; function names are appended to it.
	 * Defaults to defaultBaseURL. Required in Node, where there is no page location. */
	baseURL?: string
	/** The client sets `abort` on this object during a call; calling it aborts the
	 * request, which then rejects with code sherpa:aborted. */
	aborter?: { abort?: () => void }
	/** Aborts the call (code sherpa:aborted) when the signal fires, like fetch's option. */
	signal?: SherpaAbortSignal
	/** Time limit for each HTTP request of a call; code sherpa:timeout when exceeded. */
	timeoutMsec?: number
	/** Send parameters without verifying them against the schema. */
	skipParamCheck?: boolean
	/** Return results as received, without verifying or converting them. */
	skipReturnCheck?: boolean
	/** Accept null for [] (list) values. */
	slicesNullable?: boolean
	/** Accept null for {} (map) values. */
	mapsNullable?: boolean
	/** Accept undefined wherever null is accepted (absent struct fields). */
	nullableOptional?: boolean
	/** Name of the HTTP header in which the CSRF token of authState is sent. */
	csrfHeader?: string
	/** Called when a call fails with user:noAuth or user:badAuth (the reason is the
	 * error message for badAuth, empty for noAuth). It must resolve to the new CSRF
	 * token; the call is then sent again. Concurrent calls share one login. */
	login?: (reason: string) => globalThis.Promise<string>
	/** The fetch function to use instead of the global one, e.g. one that keeps cookies in Node. */
	fetch?: SherpaFetch
}

/** Authentication state, shared by the clients made from one another with withOptions. */
export interface AuthState {
	/** CSRF token, sent in the csrfHeader. */
	token?: string
	/** Login in progress, shared by concurrent calls. */
	loginPromise?: globalThis.Promise<void>
}

// An Error that also carries a sherpa error code. Every call rejects with one.
interface SherpaError extends globalThis.Error {
	code: string
}

function sherpaError(code: string, message: string): SherpaError {
	const err = new globalThis.Error(message) as SherpaError
	err.code = code
	return err
}

// One cookie in a cookieFetch jar.
interface SherpaCookie {
	name: string
	value: string
	// The request host for a host-only cookie, else the Domain attribute.
	domain: string
	hostOnly: boolean
	path: string
	secure: boolean
	// Milliseconds since the epoch; undefined for a session cookie.
	expires?: number
}

// The part of a fetch Response that cookieFetch reads.
interface SherpaCookieResponse extends SherpaResponse {
	readonly headers?: { getSetCookie?(): string[] }
}

function sherpaIsLoopback(host: string): boolean {
	return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

// Whether a cookie with this path is sent for a request path (RFC 6265 path-match).
function sherpaPathMatches(cookiePath: string, requestPath: string): boolean {
	return requestPath === cookiePath || (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
}

// Reads one Set-Cookie header into the jar: adds or replaces the cookie, or removes it
// when it has expired (Max-Age zero or less, or an Expires in the past).
function sherpaStoreCookie(jar: SherpaCookie[], header: string, host: string, requestPath: string, now: number): void {
	const parts = header.split(';')
	const first = parts[0]
	const eq = first.indexOf('=')
	if (eq <= 0) {
		return
	}
	const slash = requestPath.lastIndexOf('/')
	const c: SherpaCookie = {
		name: first.slice(0, eq).trim(),
		value: first.slice(eq + 1).trim(),
		domain: host,
		hostOnly: true,
		path: slash > 0 ? requestPath.slice(0, slash) : '/',
		secure: false,
	}
	let maxAge: number | undefined
	for (const attr of parts.slice(1)) {
		const i = attr.indexOf('=')
		const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase()
		const val = i < 0 ? '' : attr.slice(i + 1).trim()
		if (key === 'path' && val.startsWith('/')) {
			c.path = val
		} else if (key === 'domain' && val) {
			const d = val.replace(/^\./, '').toLowerCase()
			if (host !== d && !host.endsWith('.' + d)) {
				return
			}
			c.domain = d
			c.hostOnly = false
		} else if (key === 'max-age' && /^-?\d+$/.test(val)) {
			maxAge = globalThis.Number(val)
		} else if (key === 'expires' && maxAge === undefined) {
			const t = globalThis.Date.parse(val)
			if (!globalThis.isNaN(t)) {
				c.expires = t
			}
		} else if (key === 'secure') {
			c.secure = true
		}
	}
	if (maxAge !== undefined) {
		c.expires = now + maxAge * 1000
	}
	const i = jar.findIndex(o => o.name === c.name && o.domain === c.domain && o.path === c.path)
	if (i >= 0) {
		jar.splice(i, 1)
	}
	if (c.expires === undefined || c.expires > now) {
		jar.push(c)
	}
}

/** A fetch function that keeps cookies as a browser does: it stores what servers set
 * (several cookies, Path, Domain, Max-Age, Expires, Secure) and sends back what applies
 * to each request. For Node, whose fetch keeps no cookies, and APIs with session
 * cookies such as mox's: `withOptions({fetch: cookieFetch()})`. Each call makes a new,
 * empty jar; clients made from one another with withOptions share their fetch and so
 * the jar. `fetchFn` is the fetch to wrap, the global one by default. */
export function cookieFetch(fetchFn?: SherpaFetch): SherpaFetch {
	const jar: SherpaCookie[] = []
	return async (url: string, init: SherpaRequestInit): globalThis.Promise<SherpaResponse> => {
		const inner = fetchFn || sherpaGlobals.fetch
		if (!inner) {
			throw new globalThis.Error('no fetch function available')
		}
		const u = new (globalThis as unknown as { URL: new (url: string) => { protocol: string, hostname: string, host: string, pathname: string } }).URL(url)
		const host = u.hostname.toLowerCase()
		const now = globalThis.Date.now()
		const secure = u.protocol === 'https:' || sherpaIsLoopback(host)
		const send = jar
			.filter(c => (c.expires === undefined || c.expires > now)
				&& (c.hostOnly ? host === c.domain : host === c.domain || host.endsWith('.' + c.domain))
				&& sherpaPathMatches(c.path, u.pathname)
				&& (!c.secure || secure))
			.sort((a, b) => b.path.length - a.path.length)
		const headers: { [name: string]: string } = {}
		for (const k of globalThis.Object.keys(init.headers)) {
			headers[k] = init.headers[k]
		}
		if (send.length > 0) {
			const own = send.map(c => c.name + '=' + c.value).join('; ')
			const given = globalThis.Object.keys(headers).find(k => k.toLowerCase() === 'cookie')
			if (given) {
				headers[given] = headers[given] + '; ' + own
			} else {
				headers['Cookie'] = own
			}
		}
		const resp = await inner(url, { method: init.method, headers: headers, body: init.body, signal: init.signal }) as SherpaCookieResponse
		const set = resp.headers && resp.headers.getSetCookie ? resp.headers.getSetCookie() : []
		for (const h of set) {
			sherpaStoreCookie(jar, h, host, u.pathname, globalThis.Date.now())
		}
		return resp
	}
}

// Computes the default base URL for an API name: the directory of the page's URL
// followed by the name, e.g. "https://host/admin/api/" for a page at
// https://host/admin/ or https://host/admin/index.html. Without a page location
// (Node) only the relative "name/" is possible, and calls need an explicit baseURL.
// It runs while the module is evaluated, before the constants of this file are
// initialized, so it reads globalThis itself.
function sherpaDefaultBaseURL(api: string): string {
	const loc = (globalThis as unknown as SherpaGlobals).location
	if (!loc || typeof loc.pathname !== 'string') {
		return api + '/'
	}
	const dir = loc.pathname.substring(0, loc.pathname.lastIndexOf('/') + 1) || '/'
	return loc.protocol + '//' + loc.host + dir + api + '/'
}

// The verifier works on typewords compiled into trees of nodes, once per types table,
// so that verifying a value switches on small integers instead of parsing typewords
// for every value (a 10,000-element result has a quarter million values).
const SherpaKind = {
	Any: 0, Bool: 1, Int: 2, Float: 3, Int64s: 4, String: 5, Timestamp: 6,
	Nullable: 7, List: 8, Map: 9, Named: 10, Bad: 11,
} as const

interface SherpaNode {
	kind: number
	// The typeword, for messages.
	word: string
	// Integer range (Int), or whether unsigned (Int64s, through min >= 0).
	min: number
	max: number
	// Nullable, List, Map: the element type.
	elem: SherpaNode | null
	// Named: the type, resolved on first use (types may refer to themselves).
	named: SherpaNamed | null | undefined
	// Bad: the error message.
	message: string
}

// What the verifier knows about a named type.
interface SherpaNamed {
	kind: 'struct' | 'strings' | 'ints'
	fields: { name: string, node: SherpaNode, proto: boolean }[]
	fieldNames: globalThis.Set<string>
	// Allowed values; null when any value of the base type is allowed.
	values: globalThis.Set<string | number> | null
}

// Per types table: compiled typeword lists (by their text) and named types.
interface SherpaCompiled {
	nodes: globalThis.Map<string, SherpaNode>
	named: globalThis.Map<string, SherpaNamed | null>
	types: SherpadocTypenameMap
	intsTypes: { [typename: string]: boolean }
}

const sherpaCompiledCache = new globalThis.WeakMap<object, SherpaCompiled>()

function sherpaCompiled(types: SherpadocTypenameMap, intsTypes: { [typename: string]: boolean }): SherpaCompiled {
	let cc = sherpaCompiledCache.get(types)
	if (!cc) {
		cc = { nodes: new globalThis.Map(), named: new globalThis.Map(), types: types, intsTypes: intsTypes }
		sherpaCompiledCache.set(types, cc)
	}
	return cc
}

const sherpaIntRanges: { [word: string]: [number, number] } = {
	int8: [-128, 127],
	uint8: [0, 255],
	int16: [-32768, 32767],
	uint16: [0, 65535],
	int32: [-2147483648, 2147483647],
	uint32: [0, 4294967295],
	int64: [-globalThis.Number.MAX_SAFE_INTEGER, globalThis.Number.MAX_SAFE_INTEGER],
	uint64: [0, globalThis.Number.MAX_SAFE_INTEGER],
}

function sherpaNode(kind: number, word: string): SherpaNode {
	return { kind: kind, word: word, min: 0, max: 0, elem: null, named: undefined, message: '' }
}

// Compiles typewords[i:] into a node. Malformed typewords become Bad nodes, which fail
// only when a value is verified against them.
function sherpaCompile(tw: string[], i: number): SherpaNode {
	const w = tw[i]
	if (typeof w !== 'string') {
		const n = sherpaNode(SherpaKind.Bad, '')
		n.message = 'bad typewords'
		return n
	}
	if (w === 'nullable' || w === '[]' || w === '{}') {
		const n = sherpaNode(w === 'nullable' ? SherpaKind.Nullable : w === '[]' ? SherpaKind.List : SherpaKind.Map, w)
		n.elem = sherpaCompile(tw, i + 1)
		return n
	}
	if (i !== tw.length - 1) {
		const n = sherpaNode(SherpaKind.Bad, w)
		n.message = 'got ' + sherpaFormat(tw.slice(i + 1)) + ', expected empty typewords'
		return n
	}
	switch (w) {
		case 'any':
			return sherpaNode(SherpaKind.Any, w)
		case 'bool':
			return sherpaNode(SherpaKind.Bool, w)
		case 'int8':
		case 'uint8':
		case 'int16':
		case 'uint16':
		case 'int32':
		case 'uint32':
		case 'int64':
		case 'uint64': {
			const n = sherpaNode(SherpaKind.Int, w)
			n.min = sherpaIntRanges[w][0]
			n.max = sherpaIntRanges[w][1]
			return n
		}
		case 'float32':
		case 'float64': {
			const n = sherpaNode(SherpaKind.Float, w)
			n.max = w === 'float32' ? 3.4028234663852886e38 : globalThis.Number.MAX_VALUE
			return n
		}
		case 'int64s':
		case 'uint64s': {
			const n = sherpaNode(SherpaKind.Int64s, w)
			n.min = w === 'uint64s' ? 0 : -1
			return n
		}
		case 'string':
			return sherpaNode(SherpaKind.String, w)
		case 'timestamp':
			return sherpaNode(SherpaKind.Timestamp, w)
	}
	return sherpaNode(SherpaKind.Named, w)
}

// The compiled node for a typeword list, cached by its text.
function sherpaCompileCached(cc: SherpaCompiled, tw: string[]): SherpaNode {
	const key = globalThis.Array.isArray(tw) ? globalThis.JSON.stringify(tw) : ''
	let n = cc.nodes.get(key)
	if (!n) {
		n = sherpaCompile(globalThis.Array.isArray(tw) ? tw : [], 0)
		cc.nodes.set(key, n)
	}
	return n
}

function sherpaNamedInfo(cc: SherpaCompiled, name: string): SherpaNamed | null {
	let info = cc.named.get(name)
	if (info !== undefined) {
		return info
	}
	info = null
	const types = cc.types
	const t = globalThis.Object.prototype.hasOwnProperty.call(types, name) ? types[name] : undefined
	if (t && 'Fields' in t) {
		const fields = (t.Fields || []).map(f => ({ name: f.Name, node: sherpaCompileCached(cc, f.Typewords), proto: f.Name === '__proto__' }))
		info = { kind: 'struct', fields: fields, fieldNames: new globalThis.Set(fields.map(f => f.name)), values: null }
	} else if (t && 'Values' in t) {
		const values: (string | number)[] = (t.Values || []).map(v => v.Value)
		const isInts = values.length > 0 ? typeof values[0] === 'number' : !!cc.intsTypes[name]
		info = { kind: isInts ? 'ints' : 'strings', fields: [], fieldNames: new globalThis.Set(), values: values.length > 0 ? new globalThis.Set(values) : null }
	}
	cc.named.set(name, info)
	return info
}

interface SherpaVerifyContext {
	compiled: SherpaCompiled
	// Convert objects and arrays in place instead of copying them: only for values
	// nobody else holds, i.e. a freshly parsed response.
	inPlace: boolean
	toJS: boolean
	allowUnknownKeys: boolean
	slicesNullable: boolean
	mapsNullable: boolean
	nullableOptional: boolean
}

// Thrown inside the verifier; the path is collected while unwinding so that
// successful verification never builds path strings.
interface SherpaVerifyFailure {
	sherpaVerifyFailure: true
	path: string[]
	message: string
}

function sherpaFail(message: string): SherpaVerifyFailure {
	return { sherpaVerifyFailure: true, path: [], message: message }
}

function sherpaAddPath(err: unknown, elem: string): unknown {
	if (err && typeof err === 'object' && (err as SherpaVerifyFailure).sherpaVerifyFailure) {
		(err as SherpaVerifyFailure).path.push(elem)
	}
	return err
}

// Formats a value for an error message, shortened so a wrong 10,000-element list
// does not end up in a message.
function sherpaFormat(v: unknown): string {
	let s: string
	if (v === undefined) {
		s = 'undefined'
	} else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
		s = typeof v === 'bigint' ? v + 'n' : globalThis.String(v)
	} else {
		try {
			s = globalThis.JSON.stringify(v)
		} catch (err) {
			s = globalThis.String(v)
		}
	}
	return s.length > 200 ? s.substring(0, 200) + '...' : s
}

// Whether v is a plain object (not an array, Date, Map, ...). The prototype test is
// the fast path for objects from JSON.parse; toString handles other realms.
function sherpaIsObject(v: unknown): v is { [key: string]: any } {
	if (typeof v !== 'object' || v === null) {
		return false
	}
	const proto = globalThis.Object.getPrototypeOf(v)
	return proto === globalThis.Object.prototype || proto === null || globalThis.Object.prototype.toString.call(v) === '[object Object]'
}

// Stores a key in a fresh object; "__proto__" must become an own property, not the prototype.
function sherpaSetKey(r: { [key: string]: any }, k: string, v: unknown): void {
	if (k === '__proto__') {
		globalThis.Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true })
	} else {
		r[k] = v
	}
}

// int64s/uint64s in string form: plain decimal (Go's strconv rules), within the type's range.
function sherpaDecimalInRange(s: string, unsigned: boolean): boolean {
	if (!/^[+-]?[0-9]+$/.test(s)) {
		return false
	}
	const n = globalThis.BigInt(s)
	return unsigned ? n >= globalThis.BigInt(0) && n <= globalThis.BigInt('18446744073709551615') : n >= globalThis.BigInt('-9223372036854775808') && n <= globalThis.BigInt('9223372036854775807')
}

// Two decimal digits at s[i], or -1.
function sherpaDigits2(s: string, i: number): number {
	const a = s.charCodeAt(i) - 48
	const b = s.charCodeAt(i + 1) - 48
	return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

// Parses an RFC 3339 timestamp as Go writes and reads them (upper-case T, a zone,
// any number of fraction digits, valid field ranges) into milliseconds since the
// epoch, or NaN. Hand-written because it is both stricter and several times faster
// than Date's own parsing, which dominates the verification of large results.
function sherpaParseTimestamp(s: string): number {
	const n = s.length
	if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
		return NaN
	}
	const y1 = sherpaDigits2(s, 0)
	const y2 = sherpaDigits2(s, 2)
	const month = sherpaDigits2(s, 5)
	const day = sherpaDigits2(s, 8)
	const hour = sherpaDigits2(s, 11)
	const minute = sherpaDigits2(s, 14)
	const second = sherpaDigits2(s, 17)
	if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
		return NaN
	}
	const year = y1 * 100 + y2
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
	const monthDays = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
	if (day > monthDays) {
		return NaN
	}
	let i = 19
	let msec = 0
	if (s.charCodeAt(i) === 46) {
		i++
		const start = i
		let scale = 100
		for (; i < n; i++) {
			const d = s.charCodeAt(i) - 48
			if (d < 0 || d > 9) {
				break
			}
			if (scale >= 1) {
				msec += d * scale
				scale /= 10
			}
		}
		if (i === start) {
			return NaN
		}
	}
	let offset = 0
	const z = s.charCodeAt(i)
	if (z === 90 && i === n - 1) {
		offset = 0
	} else if ((z === 43 || z === 45) && i === n - 6 && s.charCodeAt(i + 3) === 58) {
		const oh = sherpaDigits2(s, i + 1)
		const om = sherpaDigits2(s, i + 4)
		if (oh < 0 || om < 0 || om > 59) {
			return NaN
		}
		offset = (oh * 60 + om) * (z === 43 ? 1 : -1)
	} else {
		return NaN
	}
	// Days since 1970-01-01 of the proleptic Gregorian date (era-based, exact for years 0-9999).
	const y = month <= 2 ? year - 1 : year
	const era = globalThis.Math.floor(y / 400)
	const yoe = y - era * 400
	const doy = globalThis.Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
	const doe = yoe * 365 + globalThis.Math.floor(yoe / 4) - globalThis.Math.floor(yoe / 100) + doy
	const days = era * 146097 + doe - 719468
	return ((days * 24 + hour) * 60 + minute - offset) * 60000 + second * 1000 + msec
}

function sherpaVerify(v: any, n: SherpaNode, c: SherpaVerifyContext): any {
	switch (n.kind) {
		case SherpaKind.Nullable:
			if (v === null || (v === undefined && c.nullableOptional)) {
				return v
			}
			return sherpaVerify(v, n.elem as SherpaNode, c)
		case SherpaKind.List: {
			if ((v === null && c.slicesNullable) || (v === undefined && c.slicesNullable && c.nullableOptional)) {
				return v
			}
			if (!globalThis.Array.isArray(v)) {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected array')
			}
			// A copy, in which only converted elements are replaced: cheaper than building
			// a new array element by element.
			const elem = n.elem as SherpaNode
			const len = v.length
			const r = c.inPlace ? v : v.slice()
			let k = 0
			try {
				for (; k < len; k++) {
					const e = v[k]
					const x = sherpaVerify(e, elem, c)
					if (x !== e) {
						r[k] = x
					}
				}
			} catch (err) {
				throw sherpaAddPath(err, '[' + k + ']')
			}
			return r
		}
		case SherpaKind.Map: {
			if ((v === null && c.mapsNullable) || (v === undefined && c.mapsNullable && c.nullableOptional)) {
				return v
			}
			if (!sherpaIsObject(v)) {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected object')
			}
			const elem = n.elem as SherpaNode
			const r: { [key: string]: any } = c.inPlace ? v : { ...v }
			for (const k of globalThis.Object.keys(v)) {
				const e = v[k]
				let x: any
				try {
					x = sherpaVerify(e, elem, c)
				} catch (err) {
					throw sherpaAddPath(err, '.' + k)
				}
				if (x !== e) {
					sherpaSetKey(r, k, x)
				}
			}
			return r
		}
		case SherpaKind.Any:
			return v
		case SherpaKind.Bool:
			if (typeof v !== 'boolean') {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected bool')
			}
			return v
		case SherpaKind.Int:
			if (typeof v !== 'number' || !globalThis.Number.isInteger(v)) {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected integer')
			}
			if (v < n.min || v > n.max) {
				if (n.word === 'int64' || (n.word === 'uint64' && v > 0)) {
					throw sherpaFail('got ' + sherpaFormat(v) + ', expected ' + n.word + ' within ' + n.min + '..' + n.max + ' (larger integers lose precision in JavaScript)')
				}
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected ' + n.word + ' in range ' + n.min + '..' + n.max)
			}
			return v
		case SherpaKind.Float:
			if (typeof v !== 'number') {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected float')
			}
			if (!c.toJS && !(v >= -n.max && v <= n.max)) {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected finite ' + n.word)
			}
			return v
		case SherpaKind.Int64s: {
			const unsigned = n.min === 0
			if (typeof v === 'number' && globalThis.Number.isSafeInteger(v) && (!unsigned || v >= 0)) {
				return '' + v
			}
			if (typeof v === 'string' && sherpaDecimalInRange(v, unsigned)) {
				return v
			}
			throw sherpaFail('got ' + sherpaFormat(v) + ', expected integer fitting in float without precision loss, or string of ' + (unsigned ? 'uint64' : 'int64') + ' decimal digits')
		}
		case SherpaKind.String:
			if (typeof v !== 'string') {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected string')
			}
			return v
		case SherpaKind.Timestamp:
			if (c.toJS) {
				if (typeof v !== 'string') {
					throw sherpaFail('got ' + sherpaFormat(v) + ', expected string, with timestamp')
				}
				const t = sherpaParseTimestamp(v)
				if (t !== t) {
					throw sherpaFail('invalid date ' + v)
				}
				return new globalThis.Date(t)
			}
			if (typeof v !== 'object' || v === null) {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected non-null object')
			}
			if (globalThis.Object.prototype.toString.call(v) !== '[object Date]') {
				throw sherpaFail('got ' + sherpaFormat(v) + ', expected Date')
			}
			{
				const t = (v as globalThis.Date).getTime()
				const year = (v as globalThis.Date).getUTCFullYear()
				if (!globalThis.Number.isFinite(t) || year < 0 || year > 9999) {
					throw sherpaFail('got ' + sherpaFormat(v) + ', expected Date with a year from 0 to 9999')
				}
			}
			return (v as globalThis.Date).toISOString()
		case SherpaKind.Bad:
			throw sherpaFail(n.message)
	}
	let info = n.named
	if (info === undefined) {
		info = n.named = sherpaNamedInfo(c.compiled, n.word)
	}
	if (!info) {
		throw sherpaFail('unknown type ' + n.word)
	}
	if (v === null) {
		throw sherpaFail('bad value null for named type ' + n.word)
	}
	if (info.kind === 'struct') {
		if (!sherpaIsObject(v)) {
			throw sherpaFail('bad value ' + sherpaFormat(v) + ' for struct ' + n.word)
		}
		// A copy of the object (fast for objects from JSON.parse), in which converted
		// fields are replaced and, rarely, unknown keys removed.
		const r: { [key: string]: any } = c.inPlace ? v : { ...v }
		const fields = info.fields
		const nfields = fields.length
		// Fast path: the keys are exactly the fields, in order, as Go writes them. The
		// for-in loop reads values through V8's enum cache instead of a lookup by name.
		let j = 0
		let inOrder = true
		// Converted values, stored only once the fast path is known to apply: the
		// general case below must see the original values.
		let converted: [string, any][] | null = null
		for (const k in v) {
			if (j >= nfields || k !== fields[j].name) {
				inOrder = false
				break
			}
			const e = v[k]
			if (e === undefined) {
				inOrder = false
				break
			}
			const fn = fields[j].node
			const kind = fn.kind
			j++
			// Values that need neither conversion nor a function call.
			if (kind === SherpaKind.String ? typeof e === 'string' : kind === SherpaKind.Bool ? typeof e === 'boolean' : kind === SherpaKind.Int && typeof e === 'number' && e >= fn.min && e <= fn.max && globalThis.Number.isInteger(e)) {
				continue
			}
			let x: any
			try {
				x = sherpaVerify(e, fn, c)
			} catch (err) {
				throw sherpaAddPath(err, '.' + k)
			}
			if (x !== e) {
				if (!converted) {
					converted = []
				}
				converted.push([k, x])
			}
		}
		if (inOrder && j === nfields) {
			if (converted) {
				for (const [k, x] of converted) {
					sherpaSetKey(r, k, x)
				}
			}
			return r
		}
		// General case: any order, absent fields, unknown keys.
		let present = 0
		for (let jj = 0; jj < nfields; jj++) {
			const f = fields[jj]
			const e = f.proto && !globalThis.Object.prototype.hasOwnProperty.call(v, f.name) ? undefined : v[f.name]
			let x: any
			try {
				x = sherpaVerify(e, f.node, c)
			} catch (err) {
				throw sherpaAddPath(err, '.' + f.name)
			}
			if (e !== undefined) {
				present++
			}
			if (x !== e) {
				sherpaSetKey(r, f.name, x)
			}
		}
		let keys = 0
		for (const k in v) {
			if (globalThis.Object.prototype.hasOwnProperty.call(v, k)) {
				keys++
			}
		}
		if (keys !== present) {
			for (const k of globalThis.Object.keys(v)) {
				if (!info.fieldNames.has(k)) {
					if (!c.allowUnknownKeys) {
						throw sherpaFail('unknown key ' + sherpaFormat(k) + ' for struct ' + n.word)
					}
					delete r[k]
				} else if (v[k] === undefined) {
					// A declared field given as undefined: leave it out, as JSON would.
					delete r[k]
				}
			}
		}
		return r
	}
	if (info.kind === 'strings') {
		if (typeof v !== 'string') {
			throw sherpaFail('mistyped value ' + sherpaFormat(v) + ' for named strings ' + n.word)
		}
		if (info.values && !info.values.has(v)) {
			throw sherpaFail('unknown value ' + sherpaFormat(v) + ' for named strings ' + n.word)
		}
		return v
	}
	if (typeof v !== 'number' || !globalThis.Number.isSafeInteger(v)) {
		throw sherpaFail('mistyped value ' + sherpaFormat(v) + ' for named ints ' + n.word)
	}
	if (info.values && !info.values.has(v)) {
		throw sherpaFail('unknown value ' + sherpaFormat(v) + ' for named ints ' + n.word)
	}
	return v
}

// Verifies value v against typewords and returns it converted: timestamps become Date
// (toJS) or RFC 3339 strings (not toJS), int64s/uint64s become strings, and objects
// are copied with only their declared fields. Throws an Error whose message starts
// with the path of the offending value ("params[0].Field[2]: got ..., expected ...").
function sherpaVerifyArg(path: string, v: any, typewords: string[], toJS: boolean, allowUnknownKeys: boolean, types: SherpadocTypenameMap, intsTypes: { [typename: string]: boolean }, opts: ClientOptions, inPlace?: boolean): any {
	const compiled = sherpaCompiled(types, intsTypes)
	const c: SherpaVerifyContext = {
		compiled: compiled,
		inPlace: !!inPlace,
		toJS: toJS,
		allowUnknownKeys: allowUnknownKeys,
		slicesNullable: !!opts.slicesNullable,
		mapsNullable: !!opts.mapsNullable,
		nullableOptional: !!opts.nullableOptional,
	}
	try {
		return sherpaVerify(v, sherpaCompileCached(compiled, typewords), c)
	} catch (err) {
		if (err && typeof err === 'object' && (err as SherpaVerifyFailure).sherpaVerifyFailure) {
			const f = err as SherpaVerifyFailure
			const p = path + f.path.reverse().join('')
			throw new globalThis.Error(p ? p + ': ' + f.message : f.message)
		}
		throw err
	}
}

// The sherpats debug hook: with localStorage "sherpats-debug" set to JSON
// {"waitMinMsec": N, "waitMaxMsec": N, "failRate": 0..1}, calls are delayed and fail
// at random, to try out a user interface's handling of slow and failing calls.
async function sherpaDebugSimulate(name: string, options: ClientOptions): globalThis.Promise<void> {
	let config: { waitMinMsec?: number, waitMaxMsec?: number, failRate?: number } | null = null
	try {
		const s = sherpaGlobals.localStorage ? sherpaGlobals.localStorage.getItem('sherpats-debug') : null
		config = s ? globalThis.JSON.parse(s) : null
	} catch (err) {
		config = null
	}
	if (!config || typeof config !== 'object') {
		return
	}
	const min = config.waitMinMsec || 0
	const max = config.waitMaxMsec || 0
	const wait = min + globalThis.Math.random() * globalThis.Math.max(0, max - min)
	await new globalThis.Promise<void>((resolve, reject) => {
		const timer = sherpaGlobals.setTimeout(resolve, wait)
		if (options.aborter) {
			options.aborter.abort = () => {
				sherpaGlobals.clearTimeout(timer)
				reject(sherpaError('sherpa:aborted', 'call to ' + name + ' aborted by user'))
			}
		}
	})
	if (globalThis.Math.random() < (config.failRate || 0)) {
		throw sherpaError('server:injected', 'injected failure on ' + name)
	}
}

// Reads the error object of a non-200 response body, if it has one.
function sherpaBodyError(text: string): { code: string, message: string } | null {
	try {
		const r = globalThis.JSON.parse(text)
		if (r && typeof r === 'object' && r.error && typeof r.error === 'object' && typeof r.error.message === 'string') {
			return { code: typeof r.error.code === 'string' ? r.error.code : '', message: r.error.message }
		}
	} catch (err) {
		// Not JSON, e.g. a proxy's HTML page.
	}
	return null
}

// Sends one HTTP request and returns the parsed response envelope. Rejects with
// sherpa:connection, sherpa:timeout, sherpa:aborted, sherpa:badFunction, sherpa:http,
// sherpa:badResponse or the server's error code.
async function sherpaSend(url: string, name: string, headers: { [name: string]: string }, body: string, options: ClientOptions): globalThis.Promise<{ result: any }> {
	const fetchFn = options.fetch || sherpaGlobals.fetch
	if (!fetchFn) {
		throw sherpaError('sherpa:connection', 'connection failed: no fetch function available')
	}
	if (!sherpaGlobals.location && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) {
		throw sherpaError('sherpa:connection', 'connection failed: no base URL: without a page location (e.g. in Node), set an absolute baseURL with withOptions({baseURL})')
	}
	if (options.signal && options.signal.aborted) {
		throw sherpaError('sherpa:aborted', 'request aborted')
	}
	const controller = sherpaGlobals.AbortController ? new sherpaGlobals.AbortController() : null
	let stop: (err: SherpaError) => void = () => {}
	// Settles when the call is aborted or times out, so that a fetch that ignores its
	// signal still cannot keep the call pending.
	const stopped = new globalThis.Promise<never>((_, reject) => {
		stop = (err: SherpaError) => {
			reject(err)
			if (controller) {
				controller.abort()
			}
		}
	})
	const onAbort = () => stop(sherpaError('sherpa:aborted', 'request aborted'))
	if (options.aborter) {
		options.aborter.abort = onAbort
	}
	if (options.signal) {
		options.signal.addEventListener('abort', onAbort)
	}
	let timer: unknown = undefined
	if (options.timeoutMsec && options.timeoutMsec > 0) {
		timer = sherpaGlobals.setTimeout(() => stop(sherpaError('sherpa:timeout', 'request timeout')), options.timeoutMsec)
	}
	let status: number
	let text: string
	try {
		const request = (async () => {
			let resp: SherpaResponse
			try {
				resp = await fetchFn(url, { method: 'POST', headers: headers, body: body, signal: controller ? controller.signal : undefined })
				return { status: resp.status, text: await resp.text() }
			} catch (err) {
				const cause = err && typeof err === 'object' ? (err as { cause?: { code?: unknown } }).cause : undefined
				const detail = cause && typeof cause.code === 'string' ? cause.code : err instanceof globalThis.Error ? err.message : globalThis.String(err)
				// The underlying error stays available as `cause` (e.g. Node's ECONNREFUSED).
				throw globalThis.Object.assign(sherpaError('sherpa:connection', 'connection failed' + (detail ? ': ' + detail : '')), { cause: err })
			}
		})()
		// Once stopped, a late failure of the request must not be reported as unhandled.
		request.catch(() => {})
		const r = await globalThis.Promise.race([request, stopped])
		status = r.status
		text = r.text
	} finally {
		if (timer !== undefined) {
			sherpaGlobals.clearTimeout(timer)
		}
		if (options.signal) {
			options.signal.removeEventListener('abort', onAbort)
		}
		stopped.catch(() => {})
	}
	if (status !== 200) {
		const e = sherpaBodyError(text)
		if (status === 404) {
			throw sherpaError('sherpa:badFunction', e && e.code === 'sherpa:badFunction' ? e.message : 'function ' + name + ' does not exist')
		}
		throw sherpaError('sherpa:http', 'error calling function, HTTP status: ' + status + (e && e.message ? ': ' + e.message : ''))
	}
	let resp: any
	try {
		resp = globalThis.JSON.parse(text)
	} catch (err) {
		throw sherpaError('sherpa:badResponse', 'bad JSON from server')
	}
	if (!sherpaIsObject(resp)) {
		throw sherpaError('sherpa:badResponse', 'invalid sherpa response object, not an object')
	}
	if (resp.error) {
		const e = resp.error
		const code = e && typeof e.code === 'string' ? e.code : ''
		const message = e && typeof e.message === 'string' ? e.message : sherpaFormat(e)
		throw sherpaError(code, message)
	}
	if (!('result' in resp)) {
		throw sherpaError('sherpa:badResponse', "invalid sherpa response object, missing 'result'")
	}
	return resp as { result: any }
}

// Waits for a login after an authentication error: starts one if none is in progress,
// or joins the one in progress. Rejects when the login fails.
function sherpaLogin(authState: AuthState, login: (reason: string) => globalThis.Promise<string>, err: SherpaError): globalThis.Promise<void> {
	if (!authState.loginPromise) {
		const reason = err.code === 'user:badAuth' ? err.message : ''
		authState.loginPromise = new globalThis.Promise<void>((resolve, reject) => {
			let p: globalThis.Promise<string>
			try {
				p = globalThis.Promise.resolve(login(reason))
			} catch (e) {
				p = globalThis.Promise.reject(e)
			}
			p.then(token => {
				authState.token = token
				authState.loginPromise = undefined
				resolve()
			}, e => {
				authState.loginPromise = undefined
				if (e instanceof globalThis.Error && typeof (e as SherpaError).code === 'string') {
					reject(e)
				} else {
					reject(sherpaError(err.code, e && typeof e.message === 'string' ? e.message : sherpaFormat(e)))
				}
			})
		})
	}
	return authState.loginPromise
}

// Calls a function: verifies the params (nothing is sent when they are wrong), sends
// the request (again after a login when the server asks for one), and verifies and
// converts the result. Every rejection is an Error with a code.
async function sherpaCall(baseURL: string, authState: AuthState, options: ClientOptions, types: SherpadocTypenameMap, intsTypes: { [typename: string]: boolean }, paramTypes: string[][], returnTypes: string[][], name: string, params: any[]): globalThis.Promise<any> {
	if (!options.skipParamCheck) {
		if (params.length !== paramTypes.length) {
			throw sherpaError('sherpa:badParams', 'wrong number of parameters in sherpa call, saw ' + params.length + ' != expected ' + paramTypes.length)
		}
		const checked = new globalThis.Array(params.length)
		for (let i = 0; i < params.length; i++) {
			try {
				checked[i] = sherpaVerifyArg('params[' + i + ']', params[i], paramTypes[i], false, false, types, intsTypes, options)
			} catch (err) {
				throw sherpaError('sherpa:badParams', err instanceof globalThis.Error ? err.message : globalThis.String(err))
			}
		}
		params = checked
	}
	let body: string
	try {
		body = globalThis.JSON.stringify({ params: params })
	} catch (err) {
		throw sherpaError('sherpa:badData', 'cannot marshal to JSON')
	}
	await sherpaDebugSimulate(name, options)

	let resp: { result: any }
	for (;;) {
		const headers: { [name: string]: string } = { 'Content-Type': 'application/json' }
		const token = authState.token
		if (options.csrfHeader && token) {
			headers[options.csrfHeader] = token
		}
		try {
			resp = await sherpaSend(baseURL + name, name, headers, body, options)
			break
		} catch (err) {
			const e = err as SherpaError
			if ((e.code === 'user:noAuth' || e.code === 'user:badAuth') && options.login) {
				// Another call may have logged in while this one was under way: then
				// retrying with the new token is enough.
				if (authState.loginPromise || authState.token === token) {
					await sherpaLogin(authState, options.login, e)
				}
				continue
			}
			throw err
		}
	}

	const result = resp.result
	if (options.skipReturnCheck) {
		return result
	}
	try {
		if (returnTypes.length === 0) {
			if (result !== null && result !== undefined) {
				throw sherpaError('sherpa:badTypes', 'function ' + name + ' returned a value while prototype says it returns "void"')
			}
			return result
		}
		if (returnTypes.length === 1) {
			return sherpaVerifyArg('result', result, returnTypes[0], true, true, types, intsTypes, options, true)
		}
		if (!globalThis.Array.isArray(result)) {
			throw sherpaError('sherpa:badTypes', 'function ' + name + ' returned ' + sherpaFormat(result) + ', expected an array of ' + returnTypes.length + ' values')
		}
		if (result.length !== returnTypes.length) {
			throw sherpaError('sherpa:badTypes', 'wrong number of values returned by ' + name + ', saw ' + result.length + ' != expected ' + returnTypes.length)
		}
		return result.map((v, i) => sherpaVerifyArg('result[' + i + ']', v, returnTypes[i], true, true, types, intsTypes, options, true))
	} catch (err) {
		if (err instanceof globalThis.Error && typeof (err as SherpaError).code === 'string') {
			throw err
		}
		throw sherpaError('sherpa:badTypes', err instanceof globalThis.Error ? err.message : globalThis.String(err))
	}
}
