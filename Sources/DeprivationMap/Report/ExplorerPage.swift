import Foundation

/// The page section of the interactive map: Leaflet inlined, the data as JSON, and the script
/// that draws the areas by decile, the layers, the area panel, the postcode search and the scale.
enum ExplorerPage {
    static func section(_ report: RegionReport) -> String {
        guard let library = report.mapLibrary, let data = report.explorerData else { return "" }
        return """
        <h2 id="explore-map">Explore the map</h2>
        <p class="note">Pan and zoom; click an area for its name, decile, people, nearest services and whether the food van targets it; switch layers on and off at the top right (with Wards on, a click shows the ward's row of the ward table); find a postcode of the region.</p>
        <style>\(library.css)
        #explore{height:560px;border:1px solid #bbb;background:#f4f6f8}
        #explore-tools{display:flex;gap:1em;align-items:flex-start;margin:.5em 0}
        #area-panel{min-width:16em;max-width:24em;border:1px solid #ccc;padding:.4em .6em;background:#fafafa}
        #area-panel table{font-size:90%}
        </style>
        <div id="explore-tools">
        <form id="postcode-search"><label>Postcode <input id="postcode-input" type="text" size="9" autocomplete="off"></label> <button type="submit">Find</button> <span id="postcode-message"></span></form>
        </div>
        <div style="display:flex;gap:1em;align-items:flex-start"><div id="explore" style="flex:1"></div><div id="area-panel">Click an area.</div></div>
        <p class="note">\(ReportPage.escape(library.licence)). Ward outlines join the LSOAs that best fit each ward (ONS lookup); no map tiles are fetched.</p>
        <script type="application/json" id="explore-data">\(data)</script>
        <script>\(library.javascript)</script>
        <script>\(script)</script>
        """
    }

    static let script = #"""
    (function () {
      var D = JSON.parse(document.getElementById('explore-data').textContent);
      var map = L.map('explore', { zoomSnap: 0.5 });
      map.attributionControl.setPrefix(false); // no link out of an offline page; the sources are listed below
      var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };
      var byCode = {};
      var areas = L.geoJSON(D.areas, {
        style: function (f) { return { color: '#666', weight: 0.4, fillColor: D.colours[(f.properties.decile || 0) - 1] || '#cccccc', fillOpacity: 0.75 }; },
        onEachFeature: function (f, layer) { byCode[f.properties.code] = layer; layer.on('click', function () { show(f.properties); }); }
      }).addTo(map);
      map.fitBounds(areas.getBounds());
      function show(p) {
        var rows = [['Area', esc(p.name) + ' (' + esc(p.code) + ')'], ['IMD decile', p.decile || '–'], ['People', p.population != null ? Math.round(p.population).toLocaleString('en-GB') : '–']];
        D.kinds.forEach(function (k) { rows.push(['Nearest ' + esc(k[1]), p[k[0]] != null ? p[k[0]].toFixed(2) + ' ' + D.unit : '–']); });
        rows.push(['Food van', p.target ? (p.stop ? 'targeted; covered by stop ' + p.stop : 'targeted; not covered') : 'not targeted']);
        if (p.district) rows.push(['District', esc(p.district)]);
        if (p.ward) rows.push(['Ward', esc(p.ward)]);
        panel(rows, p.code, 'area');
      }
      function panel(rows, code, kind) {
        var el = document.getElementById('area-panel');
        el.innerHTML = '<table>' + rows.map(function (r) { return '<tr><th class="l">' + r[0] + '</th><td class="l" data-field="' + r[0] + '">' + r[1] + '</td></tr>'; }).join('') + '</table>';
        el.dataset.code = code;
        el.dataset.kind = kind;
      }
      // A ward's row of the ward table (wards.csv), as written there.
      function showWard(p) {
        var r = p.row || {}, dash = function (v, suffix) { return v != null && v !== '' ? esc(v) + (suffix || '') : '–'; };
        var rows = [['Ward', esc(p.name) + ' (' + esc(p.code) + ')'], ['District', dash(r.district)],
                    ['Rank', r.rank ? esc(r.rank) + ' of ' + p.wards + ', most deprived first' : '–'], ['LSOAs', dash(r.lsoas)],
                    ['People', r.population ? Number(r.population).toLocaleString('en-GB') : '–'],
                    ['IMD score (population-weighted)', dash(r.imd_score)], ['Core20 share', dash(r.core20_pct, '%')]];
        D.kinds.forEach(function (k) { rows.push(['Nearest ' + esc(k[1]) + ' (population-weighted)', dash(r[k[0] + '_nearest_' + D.unit], ' ' + D.unit)]); });
        rows.push(['Food van covers', dash(r.van_covered_pct, '% of people')]);
        panel(rows, p.code, 'ward');
      }
      var overlays = {};
      D.services.forEach(function (s) {
        var g = L.layerGroup(s.points.map(function (p) { return L.circleMarker([p[1], p[0]], { radius: 4, color: '#222', weight: 1, fillColor: s.colour, fillOpacity: 1 }).bindTooltip(esc(p[2])); }));
        overlays[s.label.charAt(0).toUpperCase() + s.label.slice(1)] = g.addTo(map);
      });
      if (D.route.length) {
        var days = D.dayColours; // the same colour per day as the static map and its legend
        overlays['Food-van route'] = L.layerGroup(D.route.map(function (r, k) { return L.polyline(r.line.map(function (c) { return [c[1], c[0]]; }), { color: days[k % days.length], weight: 3 }).bindTooltip('Day ' + r.day); })).addTo(map);
        overlays['Food-van stops'] = L.layerGroup(D.stops.map(function (s) { return L.circleMarker([s.point[1], s.point[0]], { radius: 7, color: '#000', weight: 2, fillColor: '#fff', fillOpacity: 1 }).bindTooltip('Stop ' + s.number + ': ' + esc(s.name) + ', day ' + s.day + ' at ' + s.arrive + ', ' + Math.round(s.people).toLocaleString('en-GB') + ' people'); })).addTo(map);
      }
      var outline = function (colour, weight) { return function () { return { color: colour, weight: weight, fill: false, interactive: false }; }; };
      overlays['Districts'] = L.geoJSON(D.districts, { style: outline('#000', 2), onEachFeature: function (f, l) { l.bindTooltip(esc(f.properties.name), { sticky: true }); } }).addTo(map);
      var byWard = {};
      overlays['Wards'] = L.geoJSON(D.wards, {
        style: function () { return { color: '#555', weight: 1, fill: true, fillOpacity: 0 }; },
        onEachFeature: function (f, l) { byWard[f.properties.code] = l; l.bindTooltip(esc(f.properties.name), { sticky: true }); l.on('click', function () { showWard(f.properties); }); }
      });
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      L.control.scale({ imperial: false }).addTo(map);
      // Postcode search: a compact index of the region's postcodes (Code-Point Open).
      var index = {};
      if (D.postcodes.codes) D.postcodes.codes.split(',').forEach(function (c, k) { index[c] = [D.postcodes.xy[2 * k + 1] / 1e5, D.postcodes.xy[2 * k] / 1e5]; });
      var marker = null;
      document.getElementById('postcode-search').addEventListener('submit', function (e) {
        e.preventDefault();
        var code = document.getElementById('postcode-input').value.toUpperCase().replace(/\s+/g, '');
        var at = index[code], message = document.getElementById('postcode-message');
        if (!at) { message.textContent = code ? code + ' is not a postcode of this region.' : ''; return; }
        map.setView(at, 16);
        if (marker) marker.remove();
        marker = L.marker(at, { icon: L.divIcon({ className: '', html: '<div style="width:14px;height:14px;border:3px solid #000;border-radius:50%;background:#ffeb3b"></div>' }) }).addTo(map);
        message.textContent = code + ' found.';
      });
      window.dmExplorer = { map: map, areas: areas, overlays: overlays, byCode: byCode, byWard: byWard, postcodes: index };
      document.getElementById('explore').dataset.ready = 'yes';
    })();
    """#
}
