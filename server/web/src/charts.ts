// Charts for the report pages, drawn as SVG by hand: bars per day with stacked
// segments, and horizontal bars for top lists. The pages need two kinds of chart, and
// a charting library would weigh more than the whole admin page; hand-drawn SVG stays
// within the page's Content-Security-Policy (no inline styles: colours come from
// classes in admin.css) and prints and scales like text.
//
// Every chart comes with its numbers as a table (in a <details>), which is what
// screen readers read and what the tests compare the bars with.

import { h, Child, ymd } from './dom'

const svgNS = 'http://www.w3.org/2000/svg'

function svg(tag: string, attrs: { [k: string]: string | number }, ...children: (SVGElement | string)[]): SVGElement {
	const el = document.createElementNS(svgNS, tag)
	for (const [k, v] of Object.entries(attrs)) {
		el.setAttribute(k, '' + v)
	}
	for (const c of children) {
		el.append(c)
	}
	return el
}

// One part of a stacked bar: its label (legend, table header) and its colour class.
export interface Segment {
	label: string
	cls: string
}

// The local days from `start` (local midnight) up to but excluding `end`, as yyyy-mm-dd.
export function daysOf(start: Date, end: Date): string[] {
	const days: string[] = []
	const d = new Date(start)
	// A year of days at most: a longer period would draw bars thinner than a pixel.
	while (d < end && days.length < 400) {
		days.push(ymd(d))
		d.setDate(d.getDate() + 1)
	}
	return days
}

function legend(segments: Segment[]): HTMLElement {
	return h('ul', { class: 'legend' }, segments.map(s => h('li', {}, h('span', { class: 'swatch ' + s.cls }), s.label)))
}

function numbersTable(headers: string[], rows: Child[][]): HTMLElement {
	return h('details', { class: 'chart-numbers' }, h('summary', {}, 'Numbers'),
		h('table', {}, h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
			h('tbody', {}, rows.map(r => h('tr', {}, r.map((c, i) => i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))))
}

// A bar per day, its segments stacked from the bottom in the order given. values[i][j]
// is day i's count for segment j. Each bar segment carries data-day, data-segment and
// data-value, and a <title> for the tooltip.
export function dayChart(id: string, title: string, days: string[], segments: Segment[], values: number[][]): HTMLElement {
	const totals = values.map(v => v.reduce((a, b) => a + b, 0))
	const max = Math.max(1, ...totals)
	const width = Math.max(1, days.length) * 10
	const bars = svg('svg', { class: 'bars', viewBox: '0 0 ' + width + ' 100', preserveAspectRatio: 'none', role: 'img', 'aria-label': title })
	// Guide lines at the top and the middle of the scale.
	bars.append(svg('line', { class: 'guide', x1: 0, x2: width, y1: 0.5, y2: 0.5 }), svg('line', { class: 'guide', x1: 0, x2: width, y1: 50, y2: 50 }))
	days.forEach((day, i) => {
		let y = 100
		segments.forEach((s, j) => {
			const v = values[i][j]
			if (v <= 0) {
				return
			}
			const height = v / max * 100
			y -= height
			bars.append(svg('rect', { class: 'bar ' + s.cls, x: i * 10 + 1, y: y, width: 8, height: height, 'data-day': day, 'data-segment': s.label, 'data-value': v },
				svg('title', {}, day + ': ' + s.label + ' ' + v)))
		})
	})
	const total = totals.reduce((a, b) => a + b, 0)
	return h('figure', { class: 'chart', id: id },
		h('figcaption', {}, title),
		legend(segments),
		h('div', { class: 'plot' },
			h('div', { class: 'scale', 'aria-hidden': 'true' }, h('span', {}, '' + max), h('span', {}, '' + Math.round(max / 2)), h('span', {}, '0')),
			bars),
		h('div', { class: 'axis', 'aria-hidden': 'true' }, h('span', {}, days[0] || ''), h('span', {}, days.length > 2 ? days[Math.floor(days.length / 2)] : ''), h('span', {}, days.length > 1 ? days[days.length - 1] : '')),
		total === 0 ? h('p', { class: 'muted' }, 'Nothing in this period.') : null,
		numbersTable(['Day', ...segments.map(s => s.label), 'Total'], days.map((d, i) => [d, ...values[i].map(v => '' + v), '' + totals[i]]).filter((_, i) => totals[i] > 0)))
}

// A horizontal bar scaled to the largest value, for a cell of a top list.
export function meter(value: number, max: number, label: string): SVGElement {
	const w = max > 0 ? Math.max(1, value / max * 100) : 0
	return svg('svg', { class: 'meter', viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': label },
		svg('rect', { class: 'bar c-total', x: 0, y: 0, width: w, height: 10, 'data-value': value }))
}
