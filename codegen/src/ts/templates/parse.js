@EXPORT@function parse(name, v) {
	return sherpaVerifyArg(name, v, [name], true, false, types, intsTypes, defaultOptions);
}

