// Builds the admin page's bundle with the pinned esbuild: src/main.ts (with the
// generated client it imports) into dist/admin.js, and admin.css into dist/admin.css,
// both minified. The output depends only on the sources and the esbuild version, so
// the checked-in dist/ can be compared with a fresh build:
//
//   node server/web/build.mjs          write dist/ (only files whose content changed)
//   node server/web/build.mjs --check  exit 1 naming the files in dist/ that are stale

import * as esbuild from 'esbuild'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = dirname(fileURLToPath(import.meta.url))
const dist = join(dir, 'dist')
const check = process.argv.includes('--check')

const common = {
	bundle: true,
	minify: true,
	write: false,
	charset: 'utf8',
	legalComments: 'none',
	sourcemap: false,
	logLevel: 'warning',
	// Browsers of the last few years; nothing here needs newer syntax.
	target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
}

const builds = [
	{ ...common, entryPoints: [join(dir, 'src', 'main.ts')], outfile: join(dist, 'admin.js'), format: 'iife' },
	{ ...common, entryPoints: [join(dir, 'admin.css')], outfile: join(dist, 'admin.css') },
]

let stale = []
for (const opts of builds) {
	const result = await esbuild.build(opts)
	for (const f of result.outputFiles) {
		let current = null
		try {
			current = readFileSync(f.path)
		} catch {
			// Missing: stale.
		}
		if (current !== null && Buffer.compare(current, Buffer.from(f.contents)) === 0) {
			continue
		}
		if (check) {
			stale.push(f.path)
		} else {
			mkdirSync(dirname(f.path), { recursive: true })
			writeFileSync(f.path, f.contents)
			console.log('wrote ' + f.path + ' (' + f.contents.length + ' bytes)')
		}
	}
}
if (stale.length > 0) {
	console.error('stale build output (run: node server/web/build.mjs):\n' + stale.map(s => '  ' + s).join('\n'))
	process.exit(1)
}
