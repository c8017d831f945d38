// mynaflow report: filters that redraw the pictures, findings and edges
// that highlight their flows, and a self-test (#selftest) for the browser
// test. The geometry (edgePath, packing) mirrors src/report/picture.rs.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var consoleError = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };
  var data = JSON.parse(document.getElementById('data').textContent);
  var G = data.geom, UI = data.ui;

  // Mirrors picture::ports: edges spread down the side facing their other end.
  function ports(edges, corner, shown) {
    var at = {}, out = [];
    var centre = function (n) { return corner[n][1] + G.nodeH / 2; };
    edges.forEach(function (e, k) {
      out.push([0, 0]);
      if (!shown(k)) return;
      var ra = corner[e.b][0] >= corner[e.a][0] - 1, rb = corner[e.a][0] >= corner[e.b][0] - 1;
      (at[e.a + (ra ? 'r' : 'l')] = at[e.a + (ra ? 'r' : 'l')] || []).push([centre(e.b), k, 1, e.a]);
      (at[e.b + (rb ? 'r' : 'l')] = at[e.b + (rb ? 'r' : 'l')] || []).push([centre(e.a), k, 0, e.b]);
    });
    Object.keys(at).forEach(function (key) {
      var list = at[key];
      list.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
      list.forEach(function (p, i) {
        var y = corner[p[3]][1] + G.nodeH * (i + 1) / (list.length + 1);
        if (p[2]) out[p[1]][0] = y; else out[p[1]][1] = y;
      });
    });
    return out;
  }

  // Mirrors picture::edge_path.
  function edgePath(a, ay, b, by) {
    var pts, swapped = false;
    if (Math.abs(a[0] - b[0]) < 1) {
      var sx = a[0] + G.nodeW, bulge = 24 + Math.abs(ay - by) * 0.2;
      pts = [[sx, ay], [sx + bulge, ay], [sx + bulge, by], [sx, by]];
    } else if (a[0] < b[0]) {
      var x0 = a[0] + G.nodeW, x1 = b[0], dx = (x1 - x0) / 2;
      pts = [[x0, ay], [x0 + dx, ay], [x1 - dx, by], [x1, by]];
    } else {
      var u0 = b[0] + G.nodeW, u1 = a[0], du = (u1 - u0) / 2;
      pts = [[u0, by], [u0 + du, by], [u1 - du, ay], [u1, ay]];
      swapped = true;
    }
    // Rounds halves up first, as picture::r1 does.
    var f = function (n) { return (Math.round(n * 10) / 10).toFixed(1); };
    var d = 'M' + f(pts[0][0]) + ' ' + f(pts[0][1]) + ' C' + f(pts[1][0]) + ' ' + f(pts[1][1]) + ' ' +
      f(pts[2][0]) + ' ' + f(pts[2][1]) + ' ' + f(pts[3][0]) + ' ' + f(pts[3][1]);
    var mx = (pts[0][0] + 3 * pts[1][0] + 3 * pts[2][0] + pts[3][0]) / 8;
    var my = (pts[0][1] + 3 * pts[1][1] + 3 * pts[2][1] + pts[3][1]) / 8;
    return { d: d, mx: mx, my: my, swapped: swapped };
  }

  var states = [];

  function section(di) { return document.getElementById('d' + di); }
  function svgOf(di) { return document.getElementById('d' + di + '-svg'); }
  function edgeEl(di, k) { return document.getElementById('d' + di + '-e' + k); }
  function nodeEl(di, n) { return document.getElementById('d' + di + '-n' + n); }

  function keeps(st, flow) {
    if (st.mn && !flow.mn) return false;
    if (st.findings && !flow.finding) return false;
    if (st.item && flow.items.indexOf(st.item) < 0) return false;
    if (st.section && flow.sections.indexOf(st.section) < 0) return false;
    return true;
  }

  function active(st) { return st.mn || st.findings || st.item !== '' || st.section !== ''; }

  function redraw(di) {
    var D = data.designs[di], st = states[di];
    var nodeShown = D.nodes.map(function () { return !active(st); });
    var flowsShown = {};
    D.edges.forEach(function (e, k) {
      var legs = e.legs.filter(function (f) { return keeps(st, D.flows[f]); });
      var el = edgeEl(di, k);
      if (!el) return;
      el.classList.toggle('hidden', legs.length === 0);
      el.setAttribute('tabindex', legs.length ? '0' : '-1');
      if (!legs.length) return;
      nodeShown[e.a] = true; nodeShown[e.b] = true;
      legs.forEach(function (f) { flowsShown[f] = true; });
      var mn = legs.some(function (f) { return D.flows[f].mn; });
      var codes = [];
      legs.forEach(function (f) {
        D.flows[f].codes.forEach(function (c) { if (codes.indexOf(c) < 0) codes.push(c); });
      });
      codes.sort();
      el.classList.toggle('mn', mn);
      el.classList.toggle('err', codes.length > 0);
      var text = legs.length === 1 ? D.flows[legs[0]].cut : '×' + legs.length;
      if (mn) text = '★ ' + text;
      if (codes.length) text += ' ✖' + codes.join(',');
      el.querySelector('.badge').textContent = text;
    });
    // Pack each column's shown nodes, keeping the layout's order.
    var cols = D.colX.map(function () { return []; });
    D.nodes.forEach(function (n, i) { if (nodeShown[i]) cols[n.col].push(i); });
    var rows = 1;
    cols.forEach(function (c) {
      c.sort(function (a, b) { return D.nodes[a].row - D.nodes[b].row; });
      rows = Math.max(rows, c.length);
    });
    // Empty columns close up, as in picture::geometry.
    var corner = [], k = 0, colX = [];
    cols.forEach(function (c, ci) {
      colX[ci] = c.length ? G.side + (k++) * G.colW : null;
      var shift = (rows - c.length) / 2;
      c.forEach(function (n, r) { corner[n] = [colX[ci], G.top + (r + shift) * G.rowH]; });
    });
    section(di).querySelectorAll('.coltitle').forEach(function (t) {
      var ci = +t.getAttribute('data-col');
      t.classList.toggle('hidden', colX[ci] === null);
      if (colX[ci] !== null) t.setAttribute('x', (colX[ci] + G.nodeW / 2).toFixed(1));
    });
    D.nodes.forEach(function (n, i) {
      var el = nodeEl(di, i);
      el.classList.toggle('hidden', !nodeShown[i]);
      if (nodeShown[i]) el.setAttribute('transform', 'translate(' + corner[i][0].toFixed(1) + ' ' + corner[i][1].toFixed(1) + ')');
    });
    var port = ports(D.edges, corner, function (k) { return !edgeEl(di, k).classList.contains('hidden'); });
    D.edges.forEach(function (e, k) {
      if (!nodeShown[e.a] || !nodeShown[e.b]) return;
      var el = edgeEl(di, k), p = edgePath(corner[e.a], port[k][0], corner[e.b], port[k][1]);
      var atEnd = p.swapped ? e.bw : e.fw, atStart = p.swapped ? e.fw : e.bw;
      el.querySelectorAll('path').forEach(function (path) { path.setAttribute('d', p.d); });
      var line = el.querySelector('.line');
      var marker = 'url(#d' + di + '-arrow)';
      if (atEnd) line.setAttribute('marker-end', marker); else line.removeAttribute('marker-end');
      if (atStart) line.setAttribute('marker-start', marker); else line.removeAttribute('marker-start');
      var b = el.querySelector('.badge');
      b.setAttribute('x', p.mx.toFixed(1)); b.setAttribute('y', p.my.toFixed(1));
    });
    unclutter(di);
    var svg = svgOf(di), h = G.top + rows * G.rowH + 16;
    var w = Math.max(G.side * 2 + Math.max(k - 1, 0) * G.colW + G.nodeW + G.right, G.minW);
    svg.setAttribute('height', h.toFixed(0));
    svg.setAttribute('width', w.toFixed(0));
    var vb = svg.getAttribute('viewBox').split(' ');
    vb[2] = w.toFixed(0);
    vb[3] = h.toFixed(0);
    svg.setAttribute('viewBox', vb.join(' '));
    var n = Object.keys(flowsShown).length;
    section(di).querySelector('output.shown').textContent = n + ' ' + UI.of + ' ' + D.flows.length + ' ' + UI.shown;
  }

  // Moves edge labels that would overlap an earlier one up or down a
  // little (the first free place of a few). A grid of 200px cells (wider than a label) keeps it
  // linear. Only the script does this: it can measure the text.
  function unclutter(di) {
    var grid = {}, CELL = 200, H = 14;
    var near = function (b) {
      var out = [];
      for (var gx = Math.floor(b.x / CELL) - 1; gx <= Math.floor((b.x + b.w) / CELL) + 1; gx++) {
        for (var gy = Math.floor(b.y / CELL) - 1; gy <= Math.floor((b.y + b.h) / CELL) + 1; gy++) {
          (grid[gx + ',' + gy] || []).forEach(function (o) { out.push(o); });
        }
      }
      return out;
    };
    var hits = function (a, b) {
      return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    };
    data.designs[di].edges.forEach(function (e, k) {
      var el = edgeEl(di, k);
      if (el.classList.contains('hidden')) return;
      var t = el.querySelector('.badge');
      var x = +t.getAttribute('x'), y = +t.getAttribute('y');
      var w = t.getComputedTextLength ? t.getComputedTextLength() + 4 : 60;
      var shifts = [0, H, -H, 2 * H, -2 * H, 3 * H, -3 * H], box = null;
      for (var i = 0; i < shifts.length; i++) {
        var b = { x: x - w / 2, y: y + shifts[i] - H / 2, w: w, h: H };
        if (!near(b).some(function (o) { return hits(o, b); })) { box = b; break; }
      }
      if (!box) box = { x: x - w / 2, y: y - H / 2, w: w, h: H };
      t.setAttribute('y', (box.y + H / 2).toFixed(1));
      var key = Math.floor(box.x / CELL) + ',' + Math.floor(box.y / CELL);
      (grid[key] = grid[key] || []).push(box);
    });
  }

  function clearFocus() {
    document.querySelectorAll('.hl').forEach(function (el) { el.classList.remove('hl'); });
    document.querySelectorAll('svg.focus').forEach(function (el) { el.classList.remove('focus'); });
    document.querySelectorAll('.finding.sel').forEach(function (el) {
      el.classList.remove('sel'); el.setAttribute('aria-pressed', 'false');
    });
  }

  function listFlows(di, flows, title) {
    var D = data.designs[di], panel = document.getElementById('d' + di + '-panel');
    panel.textContent = '';
    var h = document.createElement('h4');
    h.textContent = title;
    panel.appendChild(h);
    var ul = document.createElement('ul');
    flows.slice().sort(function (a, b) { return D.flows[a].line - D.flows[b].line; }).forEach(function (f) {
      var li = document.createElement('li'), fl = D.flows[f];
      li.appendChild(document.createTextNode(UI.line + ' ' + fl.line + ': '));
      var code = document.createElement('code');
      code.textContent = fl.text;
      li.appendChild(code);
      if (fl.codes.length) li.appendChild(document.createTextNode(' ✖ ' + fl.codes.join(', ')));
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function highlight(di, flows) {
    var D = data.designs[di], any = false;
    D.edges.forEach(function (e, k) {
      if (e.legs.some(function (f) { return flows.indexOf(f) >= 0; })) {
        edgeEl(di, k).classList.add('hl');
        nodeEl(di, e.a).classList.add('hl');
        nodeEl(di, e.b).classList.add('hl');
        any = true;
      }
    });
    if (any) svgOf(di).classList.add('focus');
    return any;
  }

  function clickFinding(el) {
    var i = +el.getAttribute('data-finding'), F = data.findings[i];
    if (F && F.design >= 0) {
      // A flow the filters hide: show everything again first.
      var D0 = data.designs[F.design], st = states[F.design];
      if (F.flows.some(function (f) { return !keeps(st, D0.flows[f]); })) resetFilters(F.design);
    }
    clearFocus();
    el.classList.add('sel');
    el.setAttribute('aria-pressed', 'true');
    if (!F || F.design < 0) return;
    var di = F.design;
    if (!F.flows.length) {
      var panel = document.getElementById('d' + di + '-panel');
      panel.textContent = F.undrawn ? UI.undrawn : UI.none;
      return;
    }
    highlight(di, F.flows);
    listFlows(di, F.flows, UI.flows + ' — ' + el.querySelector('.code').textContent);
    if (svgOf(di).scrollIntoView) svgOf(di).scrollIntoView({ block: 'nearest' });
  }

  function clickEdge(di, k) {
    var D = data.designs[di], st = states[di], e = D.edges[k];
    clearFocus();
    var seen = [], legs = e.legs.filter(function (f) {
      if (!keeps(st, D.flows[f]) || seen.indexOf(f) >= 0) return false;
      seen.push(f); return true;
    });
    edgeEl(di, k).classList.add('hl');
    nodeEl(di, e.a).classList.add('hl');
    nodeEl(di, e.b).classList.add('hl');
    svgOf(di).classList.add('focus');
    listFlows(di, legs, UI.flows + ': ' + D.nodes[e.a].name + ' – ' + D.nodes[e.b].name + ' (' + legs.length + ')');
  }

  function readForm(di) {
    var form = section(di).querySelector('form.filters');
    states[di] = {
      item: form.elements.dataitem.value, section: form.elements.sect.value,
      mn: form.elements.mn.checked, findings: form.elements.findings.checked
    };
    clearFocus();
    redraw(di);
  }

  function resetFilters(di) {
    var form = section(di).querySelector('form.filters');
    form.elements.dataitem.value = ''; form.elements.sect.value = '';
    form.elements.mn.checked = false; form.elements.findings.checked = false;
    readForm(di);
  }

  function activate(el, fn) {
    el.addEventListener('click', fn);
    el.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); fn(); }
    });
  }

  // The paths as drawn by Rust, to check the script draws them the same.
  var drawn = Array.prototype.map.call(document.querySelectorAll('svg .edge .line'), function (p) {
    return p.getAttribute('d') + (p.getAttribute('marker-start') || '') + (p.getAttribute('marker-end') || '');
  });
  data.designs.forEach(function (D, di) {
    states[di] = { item: '', section: '', mn: false, findings: false };
    var form = section(di).querySelector('form.filters');
    form.addEventListener('change', function () { readForm(di); });
    form.addEventListener('submit', function (ev) { ev.preventDefault(); });
    form.addEventListener('reset', function (ev) { ev.preventDefault(); resetFilters(di); });
    D.edges.forEach(function (e, k) {
      activate(edgeEl(di, k), function () { clickEdge(di, k); });
    });
    redraw(di);
  });
  document.querySelectorAll('.finding').forEach(function (el) {
    activate(el, function () { clickFinding(el); });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });

  // Address options, for links and screenshots: #mn, #findings, #finding=N,
  // #section=ID.
  var hash = location.hash.replace(/^#/, '').split('&');
  hash.forEach(function (h) {
    if (h === 'mn' || h === 'findings') {
      data.designs.forEach(function (D, di) {
        section(di).querySelector('form.filters').elements[h].checked = true;
        readForm(di);
      });
    }
    var sm = /^section=(.+)$/.exec(h);
    if (sm) {
      var want;
      try { want = decodeURIComponent(sm[1]); } catch (e) { want = sm[1]; }
      // Only the designs that offer the section: another keeps its picture whole.
      data.designs.forEach(function (D, di) {
        var sect = section(di).querySelector('form.filters').elements.sect;
        var offered = Array.prototype.some.call(sect.options, function (o) { return o.value === want; });
        if (offered && want !== '') { sect.value = want; readForm(di); }
      });
    }
    var m = /^finding=(\d+)$/.exec(h);
    if (m && document.getElementById('f' + m[1])) clickFinding(document.getElementById('f' + m[1]));
  });

  function visibleEdges(di) {
    return Array.prototype.filter.call(svgOf(di).querySelectorAll('.edge'), function (el) {
      return !el.classList.contains('hidden');
    });
  }

  // The self-test the browser test reads: filters, a finding, an edge, the
  // keyboard. Results go into <pre id="selftest">.
  function selftest() {
    var checks = [];
    function check(name, ok, detail) { checks.push({ name: name, ok: !!ok, detail: detail }); }
    var redrawn = Array.prototype.map.call(document.querySelectorAll('svg .edge .line'), function (p) {
      return p.getAttribute('d') + (p.getAttribute('marker-start') || '') + (p.getAttribute('marker-end') || '');
    });
    var differ = drawn.filter(function (d, i) { return d !== redrawn[i]; });
    check('the script draws the same picture as Rust', differ.length === 0, differ.slice(0, 2).join(' | '));
    data.designs.forEach(function (D, di) {
      resetFilters(di);
      var form = section(di).querySelector('form.filters');
      var all = visibleEdges(di).length;
      check('d' + di + ' edges drawn', all > 0 || D.flows.length === 0, all);
      form.elements.mn.checked = true;
      form.dispatchEvent(new Event('change'));
      var mn = visibleEdges(di);
      check('d' + di + ' my number filter shows only ★ edges', mn.every(function (el) {
        return el.classList.contains('mn') && el.querySelector('.badge').textContent.indexOf('★') === 0;
      }), mn.length);
      var mnFlows = D.flows.filter(function (f) { return f.mn; }).length;
      check('d' + di + ' my number filter: edges iff My Number flows', (mn.length > 0) === (mnFlows > 0), mnFlows);
      var shownNodes = svgOf(di).querySelectorAll('.node:not(.hidden)').length;
      check('d' + di + ' my number filter: nodes packed into the picture', shownNodes <= D.nodes.length, shownNodes);
      resetFilters(di);
      check('d' + di + ' reset shows every edge again', visibleEdges(di).length === all, visibleEdges(di).length);
      var sel = form.elements.dataitem;
      if (sel.options.length > 1) {
        sel.value = sel.options[1].value;
        form.dispatchEvent(new Event('change'));
        var want = sel.value, ok = true;
        D.edges.forEach(function (e, k) {
          var shown = !edgeEl(di, k).classList.contains('hidden');
          var has = e.legs.some(function (f) { return D.flows[f].items.indexOf(want) >= 0; });
          if (shown !== has) ok = false;
        });
        check('d' + di + ' item filter shows exactly the item\'s edges', ok, want);
        resetFilters(di);
      }
      var sect = form.elements.sect;
      if (sect.options.length > 1) {
        sect.value = sect.options[1].value;
        form.dispatchEvent(new Event('change'));
        var ws = sect.value, sok = true;
        D.edges.forEach(function (e, k) {
          var shown = !edgeEl(di, k).classList.contains('hidden');
          var has = e.legs.some(function (f) { return D.flows[f].sections.indexOf(ws) >= 0; });
          if (shown !== has) sok = false;
        });
        check('d' + di + ' section filter shows exactly the section\'s edges', sok, ws);
        resetFilters(di);
      }
      form.elements.findings.checked = true;
      form.dispatchEvent(new Event('change'));
      var fok = true, nf = 0;
      D.edges.forEach(function (e, k) {
        var shown = !edgeEl(di, k).classList.contains('hidden');
        var has = e.legs.some(function (f) { return D.flows[f].finding; });
        if (shown) nf++;
        if (shown !== has) fok = false;
      });
      check('d' + di + ' findings filter shows exactly the edges with findings', fok, nf);
      resetFilters(di);
      var first = visibleEdges(di)[0];
      if (first) {
        first.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        var items = document.querySelectorAll('#d' + di + '-panel li').length;
        check('d' + di + ' Enter on an edge lists its flows', first.classList.contains('hl') && items > 0, items);
      }
      var f = section(di).querySelector('.finding');
      if (f) {
        var F = data.findings[+f.getAttribute('data-finding')];
        form.elements.mn.checked = true;
        form.dispatchEvent(new Event('change'));
        f.click();
        var hl = svgOf(di).querySelectorAll('.edge.hl:not(.hidden)').length;
        check('d' + di + ' clicking a finding highlights its flows', F.flows.length === 0 || (hl > 0 && svgOf(di).classList.contains('focus')), hl);
        check('d' + di + ' the finding is selected', f.classList.contains('sel'), '');
      }
      resetFilters(di);
    });
    var res = { ok: errors.length === 0 && checks.every(function (c) { return c.ok; }), checks: checks, errors: errors };
    var pre = document.getElementById('selftest');
    pre.textContent = JSON.stringify(res);
    pre.setAttribute('data-ok', res.ok ? 'yes' : 'no');
  }
  if (hash.indexOf('selftest') >= 0) {
    try { selftest(); } catch (e) {
      errors.push(String(e && e.stack || e));
      document.getElementById('selftest').textContent = JSON.stringify({ ok: false, checks: [], errors: errors });
    }
  }
})();
