/** Verifies and converts v as a value of the named type, as a call result would be (but with unknown keys an error). */
@DECL@function parse(name: string, v: any): any;

