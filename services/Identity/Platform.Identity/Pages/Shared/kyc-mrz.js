// Checks the machine-readable zone as it is typed (ICAO 9303 check digits: weights 7, 3, 1; A-Z count 10-35,
// '<' counts 0) and says which field's digit is wrong. Only a help: the server checks the MRZ again on submission.
// Its words are the page's (data-text-* and data-field-* on #mrz-check, from IdentityText): none are written here.
(function () {
  'use strict';
  var input = document.getElementById('mrz');
  var output = document.getElementById('mrz-check');
  if (!input || !output) { return; }

  // A sentence of the page's, with {0}, {1}… replaced by the values given.
  function text(name, values) {
    return (output.getAttribute('data-text-' + name) || '').replace(/\{(\d+)\}/g, function (_, i) { return String(values[Number(i)]); });
  }
  function field(name) { return output.getAttribute('data-field-' + name) || name; }

  function value(c) {
    if (c >= '0' && c <= '9') { return c.charCodeAt(0) - 48; }
    if (c >= 'A' && c <= 'Z') { return c.charCodeAt(0) - 55; }
    return 0;
  }
  function digit(field) {
    var weights = [7, 3, 1], sum = 0;
    for (var i = 0; i < field.length; i++) { sum += value(field[i]) * weights[i % 3]; }
    return String(sum % 10);
  }
  function check(name, field, given) {
    return { name: name, ok: digit(field) === given, expected: digit(field), given: given };
  }
  // The fields each layout protects with a check digit: [name, start, end, check position] on the joined lines.
  function checksOf(lines) {
    if (lines.length === 2 && lines[0].length === 44 && lines[1].length === 44) {
      var l = lines[1];
      return [
        check(field('document-number'), l.slice(0, 9), l[9]),
        check(field('birth-date'), l.slice(13, 19), l[19]),
        check(field('expiry-date'), l.slice(21, 27), l[27]),
        check(field('personal-number'), l.slice(28, 42), l[42]),
        check(field('composite-line'), l.slice(0, 10) + l.slice(13, 20) + l.slice(21, 43), l[43])
      ];
    }
    if (lines.length === 3 && lines.every(function (x) { return x.length === 30; })) {
      var a = lines[0], b = lines[1];
      return [
        check(field('document-number'), a.slice(5, 14), a[14]),
        check(field('birth-date'), b.slice(0, 6), b[6]),
        check(field('expiry-date'), b.slice(8, 14), b[14]),
        check(field('composite-zone'), a.slice(5, 30) + b.slice(0, 7) + b.slice(8, 15) + b.slice(18, 29), b[29])
      ];
    }
    return null;
  }
  function say(text, ok, items) {
    output.textContent = '';
    var p = document.createElement('p');
    p.className = ok ? 'app-mrz-ok' : 'app-mrz-problem';
    p.textContent = text;
    output.appendChild(p);
    if (items && items.length) {
      var ul = document.createElement('ul');
      items.forEach(function (t) { var li = document.createElement('li'); li.textContent = t; ul.appendChild(li); });
      output.appendChild(ul);
    }
  }
  function update() {
    var lines = input.value.toUpperCase().split(/\r?\n/).map(function (x) { return x.trim(); }).filter(function (x) { return x.length > 0; });
    if (lines.length === 0) { output.textContent = ''; return; }
    var bad = lines.join('').replace(/[A-Z0-9<]/g, '');
    if (bad.length > 0) {
      say(text('bad-characters', [bad.slice(0, 5)]), false);
      return;
    }
    var checks = checksOf(lines);
    if (!checks) {
      say(text('so-far', [lines.length, lines.map(function (x) { return x.length; }).join(', ')]), false);
      return;
    }
    var wrong = checks.filter(function (c) { return !c.ok; });
    if (wrong.length === 0) {
      say(text('all-right', [checks.length]), true);
    } else {
      say(text('mismatch', []), false, wrong.map(function (c) {
        return text('field-wrong', [c.name, c.given, c.expected]);
      }));
    }
  }
  input.addEventListener('input', update);
  update();
}());
