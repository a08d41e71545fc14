import DeprivationMap
import Foundation
import TestSupport
import Testing

/// PostGIS through the CLI, against the throwaway cluster scripts/test starts (PGHOST, PGUSER and
/// PGDATABASE point at it). Results are checked in the database with PostGIS itself.
@Suite("PostGIS", .serialized)
struct PostGISTests {
    let scratch = try! TemporaryDirectory()
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }

    /// The cluster's socket folder, or a failure saying how to start one.
    static func server() throws -> String {
        guard let host = ProcessInfo.processInfo.environment["PGHOST"], FileManager.default.fileExists(atPath: host + "/.s.PGSQL.5432") else {
            throw TestData.Missing(path: "a PostgreSQL server at $PGHOST (scripts/test starts one with scripts/postgis-cluster)")
        }
        return host
    }

    /// One value of a query, run by psql.
    static func sql(_ query: String) throws -> String {
        _ = try server()
        let run = try CLI.runTool("/usr/bin/psql", ["-qAt", "-v", "ON_ERROR_STOP=1", "-c", query])
        #expect(run.status == 0, "psql: \(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func table(_ name: String) -> String { "postgresql:///?table=public.\(name)" }

    @Test("A layer to PostGIS: its SRID, valid geometries, their area as GEOS has it, a GiST index; read back with the same values; an existing table refused without --overwrite and left as it was")
    func roundTrip() throws {
        _ = try Self.server()
        let source = try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp")
        _ = try Self.sql("DROP TABLE IF EXISTS public.rt_mse")
        let run = try CLI.run(["convert", source, "-o", Self.table("rt_mse")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.sql("SELECT count(*), min(ST_SRID(geom)), bool_and(ST_IsValid(geom)), min(GeometryType(geom)) FROM public.rt_mse") == "720|27700|t|MULTIPOLYGON")
        let areas = try Areas.load(path: source)
        let engine = try GeometryEngine()
        let ours = try areas.geometries.compactMap { $0 }.reduce(0.0) { $0 + (try engine.area($1)) }
        let theirs = Double(try Self.sql("SELECT sum(ST_Area(geom)) FROM public.rt_mse"))!
        #expect(abs(theirs / ours - 1) < 1e-9, "PostGIS area \(theirs) against GEOS \(ours)")
        #expect(try Self.sql("SELECT indexdef FROM pg_indexes WHERE tablename = 'rt_mse' AND indexdef LIKE '%gist%'").contains("USING gist (geom)"))
        #expect(try Self.sql("SELECT \"LSOA21NM\" FROM public.rt_mse WHERE \"LSOA21CD\" = 'E01015814'") == "Southend-on-Sea 003A")

        // Read back: the same codes and names as the shapefile's.
        #expect(try CLI.run(["convert", Self.table("rt_mse"), "-o", scratch.path("back.geojson")]).status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("back.geojson")))) as? [String: Any]
        let features = try #require(json?["features"] as? [[String: Any]])
        let codes = Set(features.compactMap { ($0["properties"] as? [String: Any])?["LSOA21CD"] as? String })
        #expect(codes == Set(areas.codes))

        // Again: refused, naming --overwrite; the table is untouched. With --overwrite: replaced.
        _ = try Self.sql("DELETE FROM public.rt_mse WHERE fid > 700")
        let again = try CLI.run(["convert", source, "-o", Self.table("rt_mse")])
        #expect(again.status != 0 && again.stderr.contains("table public.rt_mse already exists") && again.stderr.contains("--overwrite"), "\(again.stderr)")
        #expect(try Self.sql("SELECT count(*) FROM public.rt_mse") == "700")
        #expect(try CLI.run(["convert", source, "-o", Self.table("rt_mse"), "--overwrite"]).status == 0)
        #expect(try Self.sql("SELECT count(*) FROM public.rt_mse") == "720")
        // A table is never its own output, even with --overwrite.
        let onto = try CLI.run(["convert", Self.table("rt_mse"), "-o", "postgresql:///?table=rt_mse", "--overwrite"])
        #expect(onto.status != 0 && onto.stderr.contains("would replace the input"), "\(onto.stderr)")
        #expect(try Self.sql("SELECT count(*) FROM public.rt_mse") == "720")
    }

    @Test("Bad input: a wrong user, a wrong password, an unreachable server, a missing table (the tables there are listed), a query with no geometry; areas from a geometry column of the wrong type, with no SRID, or with an SRID its coordinates contradict")
    func badInput() throws {
        let host = try Self.server()
        let wrongUser = try CLI.run(["info", "postgresql://nobody:secret@\(host.replacingOccurrences(of: "/", with: "%2F"))/\(ProcessInfo.processInfo.environment["PGDATABASE"] ?? "")?table=x"])
        #expect(wrongUser.status != 0 && wrongUser.stderr.contains("role \"nobody\" does not exist") && wrongUser.stderr.contains("user and password"), "\(wrongUser.stderr)")
        #expect(!wrongUser.stderr.contains("secret"), "the password is shown")
        // A wrong password (scripts/postgis-cluster makes `analyst` give one): named, never shown; the right one gets in.
        let database = ProcessInfo.processInfo.environment["PGDATABASE"] ?? ""
        let socket = host.replacingOccurrences(of: "/", with: "%2F")
        let wrongPassword = try CLI.run(["info", "postgresql://analyst:not-it@\(socket)/\(database)?table=public.nosuch"])
        #expect(wrongPassword.status != 0 && wrongPassword.stderr.contains("password authentication failed for user \"analyst\"")
                && wrongPassword.stderr.contains("user and password"), "\(wrongPassword.stderr)")
        #expect(!wrongPassword.stderr.contains("not-it"), "the password is shown: \(wrongPassword.stderr)")
        let rightPassword = try CLI.run(["info", "postgresql://analyst:analyst-password@\(socket)/\(database)?table=public.nosuch"])
        #expect(rightPassword.stderr.contains("there is no table public.nosuch") && !rightPassword.stderr.contains("analyst-password"), "\(rightPassword.stderr)")
        let unreachable = try CLI.run(["info", Self.table("x")], environment: ["PGHOST": scratch.path("nowhere")])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("server runs"), "\(unreachable.stderr)")
        _ = try Self.sql("CREATE TABLE IF NOT EXISTS public.listed (id int, geom geometry(Point, 27700))")
        // Without a table, info lists the tables with geometry (as it lists a GeoPackage's layers).
        let listing = try CLI.run(["info", "postgresql:///"])
        #expect(listing.status == 0 && listing.stdout.contains("public.listed: geom point, SRID 27700, 0 rows"), "\(listing.stdout)\(listing.stderr)")
        let missing = try CLI.run(["info", Self.table("nosuch")])
        #expect(missing.status != 0 && missing.stderr.contains("there is no table public.nosuch") && missing.stderr.contains("public.listed"), "\(missing.stderr)")
        let noGeometry = try CLI.run(["info", "postgresql:///?query=SELECT 1 AS one"])
        #expect(noGeometry.status != 0 && noGeometry.stderr.contains("it has no geometry column"), "\(noGeometry.stderr)")

        // Areas from a geometry column of the wrong type, of no SRID, or of an SRID its coordinates contradict.
        let shp = try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp")
        #expect(try CLI.run(["convert", shp, "-o", Self.table("bad_source"), "--overwrite"]).status == 0)
        _ = try Self.sql("""
            DROP TABLE IF EXISTS public.bad_points, public.bad_nosrid, public.bad_wgs84;
            CREATE TABLE public.bad_points AS SELECT "LSOA21CD", ST_PointOnSurface(geom) AS geom FROM public.bad_source;
            CREATE TABLE public.bad_nosrid AS SELECT "LSOA21CD", ST_SetSRID(geom, 0) AS geom FROM public.bad_source;
            CREATE TABLE public.bad_wgs84 AS SELECT "LSOA21CD", ST_SetSRID(geom, 4326) AS geom FROM public.bad_source
            """)
        let stores = try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")
        func access(_ table: String) throws -> CLI.Result {
            try CLI.run(["access", "--areas", Self.table(table), "--region", "Castle Point", "--services", "supermarket=" + stores,
                         "-o", scratch.path("bad.geojson")], environment: env)
        }
        let points = try access("bad_points")
        #expect(points.status != 0 && points.stderr.contains("public.bad_points: has no polygons"), "\(points.stderr)")
        let noSRID = try access("bad_nosrid")
        #expect(noSRID.status != 0 && noSRID.stderr.contains("its geometries have no SRID") && noSRID.stderr.contains("ST_SetSRID"), "\(noSRID.stderr)")
        let wrongSRID = try access("bad_wgs84")
        #expect(wrongSRID.status != 0 && wrongSRID.stderr.contains("cannot be longitude/latitude, but the table (its geometries' SRID) declares EPSG:4326")
                && wrongSRID.stderr.contains("UpdateGeometrySRID") && wrongSRID.stderr.contains("27700"), "\(wrongSRID.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("bad.geojson")))
    }

    @Test("A connection lost mid-write commits nothing: the session is killed while it waits to create its table; the command fails and no table is left")
    func connectionLost() throws {
        _ = try Self.server()
        _ = try Self.sql("DROP TABLE IF EXISTS public.lost")
        // Another session creates the same table in an open transaction, so ours waits on its lock.
        let blocker = Process()
        blocker.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        blocker.arguments = ["-qAt", "-c", "BEGIN; CREATE TABLE public.lost (id int); SELECT pg_sleep(60); ROLLBACK;"]
        blocker.standardOutput = FileHandle.nullDevice
        blocker.standardError = FileHandle.nullDevice
        var blockerEnv = ProcessInfo.processInfo.environment
        blockerEnv["PGAPPNAME"] = "dm-test-blocker"
        blocker.environment = blockerEnv
        try blocker.run()
        // Its server session is ended from the server side: killing psql alone leaves it sleeping.
        func endBlocker() {
            _ = try? Self.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dm-test-blocker'")
            blocker.waitUntilExit()
        }
        defer { if blocker.isRunning { endBlocker() } }
        let command = Process()
        command.executableURL = URL(fileURLWithPath: try CLI.executable)
        command.arguments = ["convert", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"), "-o", Self.table("lost")]
        let errors = scratch.path("lost.err")
        #expect(FileManager.default.createFile(atPath: errors, contents: nil))
        command.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        command.standardOutput = FileHandle.nullDevice
        try command.run()
        // Wait until our session waits on the lock, then kill it.
        var killed = false
        for _ in 0..<200 where !killed {
            let waiting = try Self.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'deprivation-map' AND wait_event_type = 'Lock'")
            if waiting == "1" {
                killed = try Self.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'deprivation-map'") == "t"
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        #expect(killed, "the session never waited on the lock")
        command.waitUntilExit()
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(command.terminationStatus != 0 && stderr.contains("public.lost"), "\(stderr)")
        endBlocker()
        #expect(try Self.sql("SELECT to_regclass('public.lost') IS NULL") == "t", "a table was left")
    }

    @Test("The Mid and South Essex report straight to PostGIS (--postgis): its layers queried there agree with the report's tables (Core20 people, services per area, the van's stops); a second run is refused without --overwrite and leaves no folder")
    func reportLayers() throws {
        _ = try Self.server()
        _ = try Self.sql("DROP TABLE IF EXISTS public.mse_areas, public.mse_services, public.mse_food_van")
        let folder = scratch.path("mse")
        let report = try CLI.run(["report", "--region", "Mid and South Essex", "--draws", "2000", "-o", folder, "--postgis", Self.table("mse")], environment: env)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stderr.contains("PostGIS tables public.mse_areas, public.mse_services, public.mse_food_van"), "\(report.stderr)")
        // The areas' own CRS (the national boundaries are WGS84), valid.
        #expect(try Self.sql("SELECT count(DISTINCT ST_SRID(geom)) || ':' || min(ST_SRID(geom)) || ':' || bool_and(ST_IsValid(geom)) FROM public.mse_areas") == "1:4326:true")
        // Core20 people, summed in PostGIS, against core20.csv's total.
        let core20 = try String(contentsOfFile: folder + "/core20.csv", encoding: .utf8)
        let inDB = try Self.sql("SELECT round(sum(population)) FROM public.mse_areas WHERE imd_decile <= 2")
        let row = try #require(core20.split(whereSeparator: \.isNewline).first { $0.hasPrefix("core20,") }).split(separator: ",")
        #expect(inDB == String(row[2]), "PostGIS sums \(inDB) Core20 people; core20.csv has \(row[2])")
        // GP practices in each area by a spatial join in PostGIS, against the report's gp_count per area.
        let mismatches = try Self.sql("""
            SELECT count(*) FROM public.mse_areas a WHERE a.gp_count <> (SELECT count(*) FROM public.mse_services s
              WHERE s.type = 'gp' AND ST_Intersects(a.geom, s.geom))
            """)
        #expect(mismatches == "0", "\(mismatches) areas count GP practices differently in PostGIS")
        #expect(try Self.sql("SELECT count(*) FROM public.mse_areas") == "720")
        // The van's stops: the schedule's, at the schedule's coordinates (day, order, lon, lat).
        let schedule = try String(contentsOfFile: folder + "/food-van-schedule.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
        let columns = schedule[0].split(separator: ",").map(String.init)
        let (day, order, event, lon, lat) = (columns.firstIndex(of: "day")!, columns.firstIndex(of: "order")!, columns.firstIndex(of: "event")!,
                                             columns.firstIndex(of: "lon")!, columns.firstIndex(of: "lat")!)
        let stops = schedule.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }.filter { $0[event] == "stop" }
        let inDBStops = try Self.sql("""
            SELECT day || ',' || "order" || ',' || round(ST_X(geom)::numeric, 6) || ',' || round(ST_Y(geom)::numeric, 6)
            FROM public.mse_food_van WHERE feature_type = 'stop' ORDER BY day, "order"
            """).split(separator: "\n").map(String.init)
        let fromCSV = stops.map { "\($0[day]),\($0[order]),\($0[lon]),\($0[lat])" }
        #expect(!stops.isEmpty && inDBStops == fromCSV, "PostGIS stops \(inDBStops.prefix(3)) …; schedule \(fromCSV.prefix(3)) …")

        // Again without --overwrite: refused, naming it; no folder, and the tables are as they were.
        _ = try Self.sql("DELETE FROM public.mse_services WHERE type = 'gp'")
        let again = try CLI.run(["report", "--region", "Mid and South Essex", "--draws", "2000", "-o", scratch.path("mse2"), "--postgis", Self.table("mse")], environment: env)
        #expect(again.status != 0 && again.stderr.contains("table public.mse_areas already exists") && again.stderr.contains("--overwrite"), "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("mse2")))
        #expect(try Self.sql("SELECT count(*) FROM public.mse_services WHERE type = 'gp'") == "0")
    }

    @Test("access --postgis: the table holds the CSV's rows and values in EPSG:27700; an existing table is refused without --overwrite and then no file is written; a table the command reads is never its output")
    func accessToDatabase() throws {
        _ = try Self.server()
        _ = try Self.sql("DROP TABLE IF EXISTS public.cp_access")
        let base = ["access", "--region", "Castle Point", "--services", "supermarket=" + (try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"))]
        let run = try CLI.run(base + ["-o", scratch.path("cp.geojson"), "--postgis", Self.table("cp_access"), "--postgis-crs", "EPSG:27700"], environment: env)
        #expect(run.status == 0 && run.stderr.contains("PostGIS public.cp_access"), "\(run.stderr)")
        let rows = try String(contentsOfFile: scratch.path("cp.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        let header = try String(contentsOfFile: scratch.path("cp.csv"), encoding: .utf8).split(whereSeparator: \.isNewline)[0].split(separator: ",")
        let km = try #require(header.firstIndex(of: "nearest_km"))
        let sum = rows.reduce(0.0) { $0 + (Double($1.split(separator: ",", omittingEmptySubsequences: false)[km]) ?? 0) }
        #expect(try Self.sql("SELECT count(*) || ':' || min(ST_SRID(geom)) || ':' || bool_and(ST_IsValid(geom)) FROM public.cp_access") == "\(rows.count):27700:true")
        // Reprojected, not relabelled: Castle Point lies between these eastings and northings.
        #expect(try Self.sql("SELECT bool_and(ST_XMin(geom) > 570000 AND ST_XMax(geom) < 590000 AND ST_YMin(geom) > 180000 AND ST_YMax(geom) < 195000) FROM public.cp_access") == "t")
        let inDB = Double(try Self.sql("SELECT sum(nearest_km) FROM public.cp_access")) ?? -1
        #expect(abs(inDB - sum) < 1e-6 * max(1, sum), "PostGIS sums \(inDB) km; the CSV \(sum)")

        let again = try CLI.run(base + ["-o", scratch.path("cp2.geojson"), "--postgis", Self.table("cp_access")], environment: env)
        #expect(again.status != 0 && again.stderr.contains("already exists") && again.stderr.contains("--overwrite"), "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("cp2.geojson")) && !FileManager.default.fileExists(atPath: scratch.path("cp2.csv")))
        #expect(try CLI.run(base + ["-o", scratch.path("cp2.geojson"), "--postgis", Self.table("cp_access"), "--overwrite"], environment: env).status == 0)

        // Reading the table it would replace: refused before any work.
        let loop = try CLI.run(base + ["--population", Self.table("cp_access"), "-o", scratch.path("cp3.geojson"), "--postgis", "postgresql:///?table=cp_access", "--overwrite"], environment: env)
        #expect(loop.status != 0 && loop.stderr.contains("cp_access") && loop.stderr.contains("input"), "\(loop.stderr)")
        #expect(try Self.sql("SELECT count(*) FROM public.cp_access") == String(rows.count))
    }

    @Test("IMD, population and services from PostgreSQL: a table loaded by ogr2ogr, a query and a points table give access the same figures as the files; the licence notice follows the table's name; a missing table lists the tables there; a password is never shown")
    func tablesAsInputs() throws {
        let host = try Self.server()
        let imdFile = try TestData.path("imd/imd2025_england_lsoa21.csv"), populationFile = try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv")
        let stores = try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")
        let ogr2ogr = try GeoPackageTests.tool("ogr2ogr")
        // As an analyst loads them: ogr2ogr, which lower-cases the column names and types every column as text.
        for (file, table) in [(imdFile, "imd2025_england_lsoa21"), (populationFile, "census_people")] {
            let load = try CLI.runTool(ogr2ogr, ["-overwrite", "-f", "PostgreSQL", "PG:", file, "-nln", "public.\(table)"])
            #expect(load.status == 0, "ogr2ogr \(table): \(load.stderr)")
        }
        let base = ["access", "--region", "Castle Point", "--services", "supermarket=" + stores]
        let files = try CLI.run(base + ["-o", scratch.path("files.geojson")], environment: env)
        #expect(files.status == 0, "\(files.stderr)")
        let database = try CLI.run(base + ["--imd", Self.table("imd2025_england_lsoa21"),
                                           "--population", "postgresql:///?query=SELECT lsoa21_code, total::int AS total FROM public.census_people",
                                           "-o", scratch.path("db.geojson")], environment: env)
        #expect(database.status == 0, "\(database.stderr)")
        let a = try String(contentsOfFile: scratch.path("files.csv"), encoding: .utf8), b = try String(contentsOfFile: scratch.path("db.csv"), encoding: .utf8)
        #expect(a == b && a.split(whereSeparator: \.isNewline).count > 50, "the database's IMD and population give other access figures than the files")
        #expect(database.stdout == files.stdout)
        let summary = try String(contentsOfFile: scratch.path("db-summary.json"), encoding: .utf8)
        #expect(summary.contains("English Indices of Deprivation, MHCLG"), "the IMD's notice is missing: \(summary.prefix(400))")

        // Services (points) from a PostGIS table: the same figures as from the file it was loaded from.
        #expect(try CLI.run(["convert", stores, "-o", Self.table("stores_mse"), "--overwrite"]).status == 0)
        let points = try CLI.run(["access", "--region", "Castle Point", "--services", "supermarket=" + Self.table("stores_mse"), "-o", scratch.path("pts.geojson")], environment: env)
        #expect(points.status == 0, "\(points.stderr)")
        #expect(try String(contentsOfFile: scratch.path("pts.csv"), encoding: .utf8) == a, "services from PostGIS give other access figures than the file")

        // A missing table: the tables there are listed. A password in the address is masked.
        let socket = host.replacingOccurrences(of: "/", with: "%2F")
        let missing = try CLI.run(base + ["--imd", "postgresql://postgres:hunter2@\(socket)/\(ProcessInfo.processInfo.environment["PGDATABASE"] ?? "")?table=public.imd2019",
                                          "-o", scratch.path("x.geojson")], environment: env)
        #expect(missing.status != 0 && missing.stderr.contains("there is no table public.imd2019") && missing.stderr.contains("public.imd2025_england_lsoa21"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("hunter2"), "the password is shown: \(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.geojson")))
        // A query that fails is PostgreSQL's own message, named.
        let bad = try CLI.run(base + ["--imd", "postgresql:///?query=SELECT nosuch FROM public.imd2025_england_lsoa21", "-o", scratch.path("x.geojson")], environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("column \"nosuch\" does not exist"), "\(bad.stderr)")
    }

    @Test("Every column type through binary COPY, read back by PostgreSQL: text with tabs, quotes, backslashes, a line break and accents; 64-bit integers; large reals; booleans; dates (a leap day, one before 2000); NULLs")
    func valueTypes() throws {
        _ = try Self.server()
        // Synthetic rows, typed by GDAL's CSV type detection into a GeoPackage.
        let csv = scratch.path("t.csv"), gpkg = scratch.path("typed.gpkg")
        try "name,count,share,flag,opened,x,y\n\"Tab\there, \"\"quoted\"\" \\\\ back\",12,0.25,true,2024-02-29,-0.1,51.5\n\"Café\nline two\",-9007199254740993,1e300,false,1999-12-31,-0.2,51.6\nplain,,,,,-0.3,51.7\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let load = try CLI.runTool(try GeoPackageTests.tool("ogr2ogr"), ["-f", "GPKG", gpkg, csv, "-oo", "AUTODETECT_TYPE=YES", "-oo", "X_POSSIBLE_NAMES=x",
                                                                          "-oo", "Y_POSSIBLE_NAMES=y", "-a_srs", "EPSG:4326", "-nln", "typed"])
        #expect(load.status == 0, "\(load.stderr)")
        let run = try CLI.run(["convert", gpkg, "-o", Self.table("types"), "--overwrite"])
        #expect(run.status == 0, "\(run.stderr)")
        let columns = try Self.sql("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'types'")
        #expect(columns == "fid integer, geom USER-DEFINED, name text, count bigint, share double precision, flag boolean, opened date, x double precision, y double precision", "\(columns)")
        let rows = try Self.sql("SELECT fid, name, count, share, flag, opened, ST_AsText(geom), ST_SRID(geom) FROM public.types ORDER BY fid")
        #expect(rows == "1|Tab\there, \"quoted\" \\\\ back|12|0.25|t|2024-02-29|POINT(-0.1 51.5)|4326\n2|Café\nline two|-9007199254740993|1e+300|f|1999-12-31|POINT(-0.2 51.6)|4326\n3|plain|||||POINT(-0.3 51.7)|4326", "\(rows)")
    }

    @Test("map --postgis: the areas and the services go to NAME and NAME_services, as many rows as the CSV tables beside the map, in EPSG:27700 with --postgis-crs")
    func mapToDatabase() throws {
        _ = try Self.server()
        _ = try Self.sql("DROP TABLE IF EXISTS public.mse_map, public.mse_map_services")
        let out = scratch.path("map.geojson")
        let run = try CLI.run(["map", "--areas", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"), "--imd", try TestData.path("imd/imd2025_england_lsoa21.csv"),
                               "--services", "supermarket=" + (try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")),
                               "-o", out, "--postgis", Self.table("mse_map"), "--postgis-crs", "EPSG:27700"], environment: env)
        #expect(run.status == 0 && run.stderr.contains("PostGIS public.mse_map (720 rows), public.mse_map_services"), "\(run.stderr)")
        let areas = try String(contentsOfFile: scratch.path("map.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).count - 1
        let services = try String(contentsOfFile: scratch.path("map-services.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).count - 1
        #expect(try Self.sql("SELECT count(*) || ':' || min(ST_SRID(geom)) FROM public.mse_map") == "\(areas):27700")
        #expect(try Self.sql("SELECT count(*) || ':' || min(ST_SRID(geom)) FROM public.mse_map_services") == "\(services):27700")
        // Every service lies in the area its row names, checked by PostGIS.
        #expect(try Self.sql("SELECT count(*) FROM public.mse_map_services s JOIN public.mse_map a ON a.code = s.area_code WHERE NOT ST_Intersects(a.geom, s.geom)") == "0")
    }

    @Test("Services from a table without geometry, as NHS teams keep practice lists: by its easting/northing columns, or by postcode through Code-Point Open from a query; the same access figures as the same rows from a file")
    func servicesWithoutGeometry() throws {
        _ = try Self.server()
        let gps = try TestData.path("services/gp/gp_practices_active_2025-05_geocoded.csv")
        // ogr2ogr makes a plain table (every column text, no geometry), as a CSV loaded into the database is.
        let load = try CLI.runTool(try GeoPackageTests.tool("ogr2ogr"), ["-overwrite", "-f", "PostgreSQL", "PG:", gps, "-nln", "public.gp_plain"])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(try Self.sql("SELECT count(*) FROM geometry_columns WHERE f_table_name = 'gp_plain'") == "0")
        let base = ["access", "--region", "Castle Point"]
        func csv(_ name: String) throws -> String { try String(contentsOfFile: scratch.path(name + ".csv"), encoding: .utf8) }

        let file = try CLI.run(base + ["--services", "gp=" + gps, "-o", scratch.path("file.geojson")], environment: env)
        #expect(file.status == 0, "\(file.stderr)")
        let table = try CLI.run(base + ["--services", "gp=" + Self.table("gp_plain"), "-o", scratch.path("table.geojson")], environment: env)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(try csv("table") == (try csv("file")), "easting/northing from the table give other figures than the file")

        // Postcodes only: a query, and the same rows written as a CSV file.
        let rows = try Self.sql("SELECT code || ',' || replace(name, ',', ' ') || ',' || pc FROM public.gp_plain ORDER BY ogc_fid")
        try ("code,name,pc\n" + rows + "\n").write(toFile: scratch.path("by-postcode.csv"), atomically: true, encoding: .utf8)
        let fromFile = try CLI.run(base + ["--services", "gp=" + scratch.path("by-postcode.csv"), "-o", scratch.path("pcfile.geojson")], environment: env)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let query = "postgresql:///?query=" + "SELECT code, replace(name, ',', ' ') AS name, pc FROM public.gp_plain ORDER BY ogc_fid"
            .addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+")))!
        let fromQuery = try CLI.run(base + ["--services", "gp=" + query, "-o", scratch.path("pcquery.geojson")], environment: env)
        #expect(fromQuery.status == 0, "\(fromQuery.stderr)")
        #expect(try csv("pcquery") == (try csv("pcfile")) && (try csv("pcquery")).split(whereSeparator: \.isNewline).count > 50,
                "postcodes from the query give other figures than from the file")
    }
}
