@DECL@function parse(name: string, v: any): any;

