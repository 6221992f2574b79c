// The search box: shows only the functions, types and fields whose name or text
// contains every word typed, hides the contents entries and sections left empty,
// and says how many items match. `/` focuses the box, Escape clears it.
(function () {
	'use strict'
	var box = document.querySelector('.search')
	var input = document.getElementById('filter')
	var matches = document.getElementById('matches')
	var nothing = document.getElementById('nothing')
	var toc = document.getElementById('toc')
	var items = Array.prototype.map.call(document.querySelectorAll('[data-item]'), function (el) {
		// The name, signature, docs and members: not the "Used by" and call lines, or
		// every type would match the names of the functions using it.
		var text = Array.prototype.map.call(el.querySelectorAll('h3, .sig, .item > .docs, .members'), function (part) { return part.textContent }).join(' ')
		return { el: el, text: text.toLowerCase(), entry: document.querySelector('[data-for="' + el.id.replace(/["\\]/g, '\\$&') + '"]') }
	})
	var sections = Array.prototype.slice.call(document.querySelectorAll('section[data-section]'))
	box.hidden = false
	if (window.matchMedia && !window.matchMedia('(min-width: 60rem)').matches) {
		toc.open = false
	}

	function apply() {
		var words = input.value.toLowerCase().split(/\s+/).filter(Boolean)
		var shown = 0
		items.forEach(function (it) {
			var ok = words.every(function (w) { return it.text.indexOf(w) >= 0 })
			it.el.hidden = !ok
			if (it.entry) {
				it.entry.hidden = !ok
			}
			if (ok) {
				shown++
			}
		})
		sections.forEach(function (s) {
			var any = s.querySelector('[data-item]:not([hidden])') !== null
			s.hidden = words.length > 0 && !any
			var entry = toc.querySelector('li[data-section="' + s.getAttribute('data-section') + '"]')
			if (entry) {
				entry.hidden = s.hidden
			}
		})
		// A contents group ("Functions", "Types") with no entry left goes too.
		Array.prototype.forEach.call(toc.querySelectorAll('ul ul'), function (list) {
			list.hidden = list.querySelector('li:not([hidden])') === null
			if (list.previousElementSibling) {
				list.previousElementSibling.hidden = list.hidden
			}
		})
		nothing.hidden = shown > 0
		matches.textContent = words.length ? shown + ' of ' + items.length + ' items' : ''
	}

	input.addEventListener('input', apply)
	input.addEventListener('keydown', function (e) {
		if (e.key === 'Escape') {
			input.value = ''
			apply()
		}
	})
	document.addEventListener('keydown', function (e) {
		if (e.key === '/' && document.activeElement !== input && !e.ctrlKey && !e.metaKey && !e.altKey) {
			e.preventDefault()
			input.focus()
		}
	})
	if (input.value) {
		apply()
	}
})()
