/**
 * Verifies value v against typewords and returns it converted: timestamps become Date
 * (toJS) or RFC 3339 strings, int64s/uint64s become strings, objects are copied with
 * only their declared fields (unknown fields are an error unless allowUnknownKeys).
 * Throws an Error with a message like "path.Field[2]: got ..., expected ...".
 */
@DECL@function verifyArg(path: string, v: any, typewords: string[], toJS: boolean, allowUnknownKeys: boolean, typesMap: SherpadocTypenameMap, opts: ClientOptions): any;

