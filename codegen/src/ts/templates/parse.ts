/** Verifies and converts v as a value of the named type, as a call result would be (but with unknown keys an error). */
export function parse(name: string, v: any): any {
	return sherpaVerifyArg(name, v, [name], true, false, types, intsTypes, defaultOptions)
}

