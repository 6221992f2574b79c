export function parse(name: string, v: any): any {
	return sherpaVerifyArg(name, v, [name], true, false, types, intsTypes, defaultOptions)
}

