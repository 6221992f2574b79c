@EXPORT@function verifyArg(path, v, typewords, toJS, allowUnknownKeys, typesMap, opts) {
	return sherpaVerifyArg(path, v, typewords, toJS, allowUnknownKeys, typesMap, intsTypes, opts);
}

