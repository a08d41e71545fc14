// `import DeprivationMap` gives analysts the whole stack: values (GeoCore), coordinate systems
// (GeoProjection), the GEOS engine (GeoEngine) and readers/writers (GeoIO).
@_exported import GeoCore
@_exported import GeoEngine
@_exported import GeoIO
@_exported import GeoProjection
