/** The version of the sherpa protocol this client speaks; servers report theirs in sherpa.json. */
export declare const supportedSherpaVersion = 1;
interface SherpadocSection {
    Name: string;
    Docs: string;
    Functions: SherpadocFunction[];
    Sections: SherpadocSection[];
    Structs: SherpadocStruct[];
    Ints: SherpadocInts[];
    Strings: SherpadocStrings[];
    Version?: string;
    SherpaVersion: number;
    SherpadocVersion?: number;
}
interface SherpadocFunction {
    Name: string;
    Docs: string;
    Params: SherpadocArg[];
    Returns: SherpadocArg[];
}
interface SherpadocArg {
    Name: string;
    Typewords: string[];
}
interface SherpadocStruct {
    Name: string;
    Docs: string;
    Fields: SherpadocField[];
}
interface SherpadocField {
    Name: string;
    Docs: string;
    Typewords: string[];
}
interface SherpadocInts {
    Name: string;
    Docs: string;
    Values: {
        Name: string;
        Value: number;
        Docs: string;
    }[] | null;
}
interface SherpadocStrings {
    Name: string;
    Docs: string;
    Values: {
        Name: string;
        Value: string;
        Docs: string;
    }[] | null;
}
type SherpadocNamedType = SherpadocStruct | SherpadocStrings | SherpadocInts;
interface SherpadocTypenameMap {
    [typename: string]: SherpadocNamedType;
}
export type Section = SherpadocSection;
export type Function = SherpadocFunction;
export type Arg = SherpadocArg;
export type Struct = SherpadocStruct;
export type Field = SherpadocField;
export type Ints = SherpadocInts;
export type Strings = SherpadocStrings;
export type NamedType = SherpadocNamedType;
export type TypenameMap = SherpadocTypenameMap;
interface SherpaAbortSignal {
    readonly aborted: boolean;
    addEventListener(type: 'abort', listener: () => void): void;
    removeEventListener(type: 'abort', listener: () => void): void;
}
interface SherpaRequestInit {
    method: string;
    headers: {
        [name: string]: string;
    };
    body: string;
    signal: any;
}
interface SherpaResponse {
    readonly status: number;
    text(): globalThis.Promise<string>;
}
type SherpaFetch = (url: string, init: SherpaRequestInit) => globalThis.Promise<SherpaResponse>;
/** Options of a Client; see Client.withOptions. */
export interface ClientOptions {
    /** Base URL of the API, ending in a slash; function names are appended to it.
     * Defaults to defaultBaseURL. Required in Node, where there is no page location. */
    baseURL?: string;
    /** The client sets `abort` on this object during a call; calling it aborts the
     * request, which then rejects with code sherpa:aborted. */
    aborter?: {
        abort?: () => void;
    };
    /** Aborts the call (code sherpa:aborted) when the signal fires, like fetch's option. */
    signal?: SherpaAbortSignal;
    /** Time limit for each HTTP request of a call; code sherpa:timeout when exceeded. */
    timeoutMsec?: number;
    /** Send parameters without verifying them against the schema. */
    skipParamCheck?: boolean;
    /** Return results as received, without verifying or converting them. */
    skipReturnCheck?: boolean;
    /** Accept null for [] (list) values. */
    slicesNullable?: boolean;
    /** Accept null for {} (map) values. */
    mapsNullable?: boolean;
    /** Accept undefined wherever null is accepted (absent struct fields). */
    nullableOptional?: boolean;
    /** Name of the HTTP header in which the CSRF token of authState is sent. */
    csrfHeader?: string;
    /** Called when a call fails with user:noAuth or user:badAuth (the reason is the
     * error message for badAuth, empty for noAuth). It must resolve to the new CSRF
     * token; the call is then sent again. Concurrent calls share one login. */
    login?: (reason: string) => globalThis.Promise<string>;
    /** The fetch function to use instead of the global one, e.g. one that keeps cookies in Node. */
    fetch?: SherpaFetch;
}
/** Authentication state, shared by the clients made from one another with withOptions. */
export interface AuthState {
    /** CSRF token, sent in the csrfHeader. */
    token?: string;
    /** Login in progress, shared by concurrent calls. */
    loginPromise?: globalThis.Promise<void>;
}
/** A fetch function that keeps cookies as a browser does: it stores what servers set
 * (several cookies, Path, Domain, Max-Age, Expires, Secure) and sends back what applies
 * to each request. For Node, whose fetch keeps no cookies, and APIs with session
 * cookies such as mox's: `withOptions({fetch: cookieFetch()})`. Each call makes a new,
 * empty jar; clients made from one another with withOptions share their fetch and so
 * the jar. `fetchFn` is the fetch to wrap, the global one by default. */
export declare function cookieFetch(fetchFn?: SherpaFetch): SherpaFetch;
export {};
