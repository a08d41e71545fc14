"""Drives the report page's interactive map in headless Chromium over the DevTools protocol, as a
user would: switches every layer off and on by clicking its box, clicks an area and reads the
panel, zooms with the + button, types a postcode and presses Enter. Prints what it saw as JSON.

    explore_page.py CHROMIUM INDEX_HTML AREA_CODE POSTCODE [SCREENSHOT.png]

With a fifth argument it ends by saving a picture of the map section (layers on, the area's panel
shown) — how the README's screenshot is made.
"""
import json, os, shutil, subprocess, sys, tempfile, time, urllib.request
import websocket  # websocket-client (PyPI)

chromium, index, area, postcode = sys.argv[1:5]
profile = tempfile.mkdtemp(prefix="dm-chromium-")
proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1400,1100", "about:blank"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        time.sleep(0.05)
    port = open(port_file).read().split()[0]
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
    ws = websocket.create_connection(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"], timeout=60)
    ids = [0]
    events = []

    def send(method, **params):
        ids[0] += 1
        ws.send(json.dumps({"id": ids[0], "method": method, "params": params}))
        while True:
            msg = json.loads(ws.recv())
            if msg.get("id") == ids[0]:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            events.append(msg)

    def js(expression):
        r = send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def click(x, y):
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
        time.sleep(0.3)

    def centre_of(selector):
        return js(f"(function(){{var e=document.querySelector({json.dumps(selector)});e.scrollIntoView({{block:'center'}});var r=e.getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];}})()")

    for domain in ("Runtime", "Log", "Page"):
        send(f"{domain}.enable")
    started = time.time()
    send("Page.navigate", url="file://" + os.path.abspath(index))
    ready = None
    for _ in range(600):
        if js("document.getElementById('explore') && document.getElementById('explore').dataset.ready") == "yes":
            ready = time.time() - started
            break
        time.sleep(0.05)
    out = {"ready_seconds": ready, "overlays": {}}
    js("document.getElementById('explore').scrollIntoView({block:'center'})")
    time.sleep(0.3)

    # Every layer off, then on again, by clicking its box in the layer control.
    names = js("Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label')).map(function(l){return l.textContent.trim();})")
    for k, name in enumerate(names):
        selector = f".leaflet-control-layers-overlays label:nth-of-type({k + 1}) input"
        before = js(f"dmExplorer.map.hasLayer(dmExplorer.overlays[{json.dumps(name)}])")
        x, y = centre_of(selector)
        click(x, y)
        after = js(f"dmExplorer.map.hasLayer(dmExplorer.overlays[{json.dumps(name)}])")
        out["overlays"][name] = [before, after]
    # With the point layers and the (clickable) wards off, click the area at a point inside it.
    for k, name in enumerate(names):
        if js(f"dmExplorer.map.hasLayer(dmExplorer.overlays[{json.dumps(name)}])") and name != "Districts":
            x, y = centre_of(f".leaflet-control-layers-overlays label:nth-of-type({k + 1}) input")
            click(x, y)
    x, y = js(f"(function(){{var l=dmExplorer.byCode[{json.dumps(area)}];var p=l.feature.properties.point;dmExplorer.map.panTo([p[1],p[0]],{{animate:false}});"
              "var pt=dmExplorer.map.latLngToContainerPoint([p[1],p[0]]);var r=document.getElementById('explore').getBoundingClientRect();return [r.left+pt.x,r.top+pt.y];})()")
    click(x, y)
    out["panel_code"] = js("document.getElementById('area-panel').dataset.code || ''")
    out["panel"] = js("Object.fromEntries(Array.from(document.querySelectorAll('#area-panel td')).map(function(t){return [t.dataset.field,t.textContent];}))")

    # The Wards layer on, then a click inside the clicked area's ward shows the ward's row.
    ward = out["panel"].get("Ward", "")
    k = names.index("Wards") if "Wards" in names else -1
    if ward and k >= 0:
        if not js("dmExplorer.map.hasLayer(dmExplorer.overlays['Wards'])"):
            x, y = centre_of(f".leaflet-control-layers-overlays label:nth-of-type({k + 1}) input")
            click(x, y)
        x, y = js(f"(function(){{var w=Object.values(dmExplorer.byWard).find(function(l){{return l.feature.properties.name==={json.dumps(ward)};}});"
                  "var p=w.feature.properties.point;dmExplorer.map.panTo([p[1],p[0]],{animate:false});"
                  "var pt=dmExplorer.map.latLngToContainerPoint([p[1],p[0]]);var r=document.getElementById('explore').getBoundingClientRect();return [r.left+pt.x,r.top+pt.y];})()")
        click(x, y)
        out["ward_panel_code"] = js("(document.getElementById('area-panel').dataset.kind||'')+':'+(document.getElementById('area-panel').dataset.code||'')")
        out["ward_panel"] = js("Object.fromEntries(Array.from(document.querySelectorAll('#area-panel td')).map(function(t){return [t.dataset.field,t.textContent];}))")

    # Zoom in with the + button.
    zoom = js("dmExplorer.map.getZoom()")
    x, y = centre_of(".leaflet-control-zoom-in")
    click(x, y)
    time.sleep(0.6)
    out["zoom"] = [zoom, js("dmExplorer.map.getZoom()")]

    # Type a postcode and press Enter.
    x, y = centre_of("#postcode-input")
    click(x, y)
    send("Input.insertText", text=postcode)
    for kind in ("keyDown", "keyUp"):
        send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13, nativeVirtualKeyCode=13,
             **({"text": "\r"} if kind == "keyDown" else {}))
    time.sleep(0.6)
    out["after_search"] = js("(function(){var c=dmExplorer.map.getCenter();return {lat:c.lat,lon:c.lng,zoom:dmExplorer.map.getZoom(),message:document.getElementById('postcode-message').textContent,scale:(document.querySelector('.leaflet-control-scale-line')||{}).textContent||''};})()")
    x, y = centre_of("#postcode-input")
    js("document.getElementById('postcode-input').value=''")
    click(x, y)
    send("Input.insertText", text="ZZ99 9ZZ")
    x, y = centre_of("#postcode-search button")
    click(x, y)
    out["unknown_message"] = js("document.getElementById('postcode-message').textContent")

    # Errors on the console or uncaught exceptions, from the whole session.
    time.sleep(0.2)
    try:
        while True:
            ws.settimeout(0.2)
            events.append(json.loads(ws.recv()))
    except Exception:
        pass
    ws.settimeout(60)
    errors = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            errors.append(json.dumps(p.get("exceptionDetails", {}))[:300])
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            errors.append(json.dumps(p.get("args", []))[:300])
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            errors.append(p["entry"].get("text", "")[:300])
    out["errors"] = errors
    if len(sys.argv) > 5:
        import base64
        js("Object.keys(dmExplorer.overlays).forEach(function(n){if(n!=='Wards')dmExplorer.overlays[n].addTo(dmExplorer.map);});"
           "dmExplorer.map.fitBounds(dmExplorer.areas.getBounds());true")
        time.sleep(0.5)
        x, y = js(f"(function(){{var p=dmExplorer.byCode[{json.dumps(area)}].feature.properties.point;var pt=dmExplorer.map.latLngToContainerPoint([p[1],p[0]]);"
                  "var r=document.getElementById('explore').getBoundingClientRect();return [r.left+pt.x,r.top+pt.y];})()")
        click(x, y)
        box = js("(function(){var h=document.getElementById('explore-map');h.scrollIntoView();var a=h.getBoundingClientRect(),b=document.getElementById('explore').getBoundingClientRect();"
                 "return [a.left+window.scrollX,a.top+window.scrollY,Math.max(a.width,b.right-a.left),b.bottom-a.top+8];})()")
        shot = send("Page.captureScreenshot", format="png", clip={"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1},
                    captureBeyondViewport=True)
        open(sys.argv[5], "wb").write(base64.b64decode(shot["data"]))
    print(json.dumps(out))
finally:
    proc.kill()
    proc.wait()
    shutil.rmtree(profile, ignore_errors=True)
