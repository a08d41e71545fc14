"""The GeoPandas side of postcode-join-benchmark: the same work, done the way analysts do it.

    python geopandas_join.py BOUNDARIES.shp CODEPOINT.zip OUT.csv

Reads the boundaries, every Code-Point Open CSV inside the zip, drops postcodes without
coordinates (positional quality 90), transforms the points to the boundaries' CRS, joins with
`sjoin(predicate="intersects")` and writes postcode → LSOA code (first match when a point falls in
two polygons).
"""
import sys
import zipfile

import geopandas as gpd
import pandas as pd

boundaries, zip_path, out = sys.argv[1:4]
areas = gpd.read_file(boundaries)
code = next(c for c in areas.columns if c.upper().endswith("CD"))
names = ["pc", "pq", "e", "n", "cy", "rh", "lh", "cc", "dc", "wc"]
frames = []
with zipfile.ZipFile(zip_path) as z:
    for name in z.namelist():
        if name.lower().startswith("data/csv/") and name.lower().endswith(".csv"):
            with z.open(name) as f:
                frames.append(pd.read_csv(f, header=None, names=names, usecols=[0, 1, 2, 3]))
pc = pd.concat(frames, ignore_index=True)
pc = pc[pc.pq != 90]
points = gpd.GeoDataFrame(pc[["pc"]], geometry=gpd.points_from_xy(pc.e, pc.n), crs="EPSG:27700").to_crs(areas.crs)
joined = gpd.sjoin(points, areas[[code, "geometry"]], how="left", predicate="intersects")
joined = joined[~joined.index.duplicated(keep="first")]
joined[["pc", code]].rename(columns={"pc": "postcode", code: "lsoa21cd"}).to_csv(out, index=False)
