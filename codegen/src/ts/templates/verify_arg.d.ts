@DECL@function verifyArg(path: string, v: any, typewords: string[], toJS: boolean, allowUnknownKeys: boolean, typesMap: SherpadocTypenameMap, opts: ClientOptions): any;

