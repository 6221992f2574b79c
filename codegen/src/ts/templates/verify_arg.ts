export function verifyArg(path: string, v: any, typewords: string[], toJS: boolean, allowUnknownKeys: boolean, typesMap: SherpadocTypenameMap, opts: ClientOptions): any {
	return sherpaVerifyArg(path, v, typewords, toJS, allowUnknownKeys, typesMap, intsTypes, opts)
}

