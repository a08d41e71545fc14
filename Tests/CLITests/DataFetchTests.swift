import DeprivationMap
import Foundation
import TestSupport
import Testing

/// `deprivation-map data fetch` and `data status` against a loopback HTTP server
/// (Tests/Fixtures/http_test_server.py) serving the data mirror, and against a mirror folder.
@Suite("CLI data fetch", .serialized)
struct DataFetchTests {
    let scratch = try! TemporaryDirectory()

    /// A running test server; stopped on deinit.
    final class Server {
        let process = Process()
        let port: Int
        let log: String

        init(root: String, log: String, extra: [String] = []) throws {
            self.log = log
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [TestData.packagePath("Tests/Fixtures/http_test_server.py"), "--root", root, "--log", log] + extra
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var line = Data()
            while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
            port = try #require(Int(String(decoding: line, as: UTF8.self)), "the test server did not start")
        }
        var url: String { "http://127.0.0.1:\(port)" }
        var requests: [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        // SIGKILL: a child started from a test thread may inherit a mask that blocks SIGTERM.
        deinit { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    let gp = "services/gp/gp_practices_active_2025-05_geocoded.csv"
    let lookup = "lookups/lsoa21_sicbl24_icb24.csv.gz"
    let foodbanks = "services/foodbanks/givefood_foodbanks_essex_subset.csv"

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test("A download dropped part-way resumes with a Range request and ends byte-identical to the source")
    func droppedConnection() throws {
        let server = try Server(root: TestData.root.path, log: scratch.path("requests.log"), extra: ["--drop", "\(gp)=100000"])
        let data = scratch.path("data")
        let run = try CLI.run(["data", "fetch", "--data", data, "--base-url", server.url, "--only", gp, "--only", foodbanks, "-q"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(bytes(data + "/" + gp) == bytes(try TestData.path(gp)))
        #expect(bytes(data + "/" + foodbanks) == bytes(try TestData.path(foodbanks)))
        #expect(server.requests.contains("\(gp) range=bytes=100000-"), "no resumed request: \(server.requests)")
        #expect(server.requests.filter { $0.hasPrefix(gp) }.count == 2)
        #expect(!FileManager.default.fileExists(atPath: data + "/" + gp + ".part"))
        #expect(run.stdout.contains("downloaded      \(gp)"))
    }

    @Test("A corrupt file (right size, wrong checksum) is refused after a second full try; nothing is kept under its name")
    func corruptFile() throws {
        let server = try Server(root: TestData.root.path, log: scratch.path("requests.log"), extra: ["--corrupt", lookup])
        let data = scratch.path("data")
        let run = try CLI.run(["data", "fetch", "--data", data, "--base-url", server.url, "--only", lookup, "--only", foodbanks, "-q"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("SHA-256"), "\(run.stdout)")
        #expect(run.stdout.contains(DataCatalogue.file(lookup)!.sha256!))
        #expect(!FileManager.default.fileExists(atPath: data + "/" + lookup))
        #expect(!FileManager.default.fileExists(atPath: data + "/" + lookup + ".part"))
        #expect(server.requests.filter { $0.hasPrefix(lookup) }.count == 2)
        // The good file of the same run is kept.
        #expect(bytes(data + "/" + foodbanks) == bytes(try TestData.path(foodbanks)))
    }

    @Test("An OpenStreetMap extract (no published checksum): fetched with resume after a dropped connection and checked block by block; a truncated one is refused and nothing kept")
    func networkExtract() throws {
        let essex = "networks/essex-latest.osm.pbf"
        #expect(DataCatalogue.file(essex)?.url == "https://download.geofabrik.de/europe/united-kingdom/england/essex-latest.osm.pbf")
        #expect(DataCatalogue.file(DataFolder.networkExtract)?.url == "https://download.geofabrik.de/europe/united-kingdom/england-latest.osm.pbf")
        // The server holds a real extract under the Essex name (Helsinki's: the only one offline), served from a scratch folder.
        let served = scratch.path("served-network")
        try FileManager.default.createDirectory(atPath: served + "/networks", withIntermediateDirectories: true)
        let real = try Data(contentsOf: URL(fileURLWithPath: try TestData.path("networks/helsinki.osm.pbf")))
        try real.write(to: URL(fileURLWithPath: served + "/" + essex))
        let server = try Server(root: served, log: scratch.path("requests-network.log"), extra: ["--drop", "\(essex)=200000"])
        let data = scratch.path("data-network")
        let run = try CLI.run(["data", "fetch", "--data", data, "--base-url", server.url, "--only", essex, "-q"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(bytes(data + "/" + essex) == real)
        #expect(server.requests.filter { $0.hasPrefix(essex) }.count == 2, "one dropped attempt, one resumed")
        let manifest = try String(contentsOfFile: data + "/.deprivation-map/manifest.json", encoding: .utf8)
        #expect(manifest.contains(SHA256.hexDigest(of: real)), "the checksum it got is recorded")

        // Cut short on the server: the size matches what the server announces, but the blocks do not fit.
        let cut = scratch.path("served-cut")
        try FileManager.default.createDirectory(atPath: cut + "/networks", withIntermediateDirectories: true)
        try real.prefix(real.count / 2).write(to: URL(fileURLWithPath: cut + "/" + essex))
        let server2 = try Server(root: cut, log: scratch.path("requests-cut.log"))
        let bad = try CLI.run(["data", "fetch", "--data", scratch.path("data-cut"), "--base-url", server2.url, "--only", essex, "-q"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("cut short"), "\(bad.stdout)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("data-cut") + "/" + essex))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("data-cut") + "/" + essex + ".part"))
    }

    @Test("A missing file on the server (HTTP 404) is reported, not retried forever")
    func notFound() throws {
        let empty = scratch.path("empty-root")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let server = try Server(root: empty, log: scratch.path("requests.log"))
        let run = try CLI.run(["data", "fetch", "--data", scratch.path("data"), "--base-url", server.url, "--only", foodbanks, "-q"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("HTTP 404"), "\(run.stdout)")
        #expect(server.requests.count == 1)
    }

    @Test("--mirror copies and checks; a file the mirror lacks is named; status then reports the folder")
    func mirror() throws {
        let data = scratch.path("data")
        let run = try CLI.run(["data", "fetch", "--data", data, "--mirror", TestData.root.path, "--only", lookup, "--only", foodbanks, "-q"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(bytes(data + "/" + lookup) == bytes(try TestData.path(lookup)))
        #expect(run.stdout.contains("(checked)"))
        // Present files are not fetched again.
        let again = try CLI.run(["data", "fetch", "--data", data, "--mirror", TestData.root.path, "--only", lookup, "-q"])
        #expect(again.stdout.hasPrefix("present"))

        let partial = scratch.path("partial-mirror")
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        let missing = try CLI.run(["data", "fetch", "--data", scratch.path("data2"), "--mirror", partial, "--only", foodbanks, "-q"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("\(partial) has no \(foodbanks)"))

        // A damaged copy is found by status (size) and --verify (checksum).
        try Data(repeating: 65, count: 1407).write(to: URL(fileURLWithPath: data + "/" + foodbanks))
        let status = try CLI.run(["data", "status", "--data", data, "--verify", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let entries = try #require(json["entries"] as? [[String: Any]])
        let states = Dictionary(uniqueKeysWithValues: entries.map { (($0["file"] as! [String: Any])["path"] as! String, $0["state"] as! String) })
        #expect(states[foodbanks] == "mismatch")
        #expect(states[lookup] == "present")
        #expect(states["imd/imd2025_england_lsoa21.csv"] == "missing")
        #expect(status.status == 1)
    }

    @Test("Without a source, files with no confirmed address are listed as manual downloads with their landing pages")
    func manual() throws {
        let run = try CLI.run(["data", "fetch", "--data", scratch.path("data"), "--only", lookup, "-q"])
        #expect(run.status == 2)
        #expect(run.stdout.contains("manual download \(lookup): download it from https://geoportal.statistics.gov.uk"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("data") + "/" + lookup))
    }

    /// An IoD2025 File 7 in the official layout, written by this test from the IMD 2025 table and
    /// the Census 2021 totals of the mirror (the real file is not in the mirror).
    func writeFile7(_ path: String) throws {
        let imd = try CSVTable(path: try TestData.path("imd/imd2025_england_lsoa21.csv"))
        let census = try AreaValues.read(path: try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv"))
        let code = try imd.requireColumn(["lsoa21_code"], purpose: "code")
        let score = try imd.requireColumn(["IMD_score"], purpose: "score"), rank = try imd.requireColumn(["IMD_rank"], purpose: "rank")
        let decile = try imd.requireColumn(["IMD_decile"], purpose: "decile")
        var text = "LSOA code (2021),LSOA name (2021),Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),Total population: mid 2022\n"
        try imd.forEachRow { row in
            let c = row.string(code)
            let pop = census.values[c].map { String(Int($0)) } ?? ""
            text += "\(c),,\(row.string(score)),\"\(row.string(rank))\",\(row.string(decile)),\(pop)\n"
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("IoD2025 File 7 (no published checksum): checked by Content-Length and by reading it as an IMD table, its SHA-256 recorded; the report then runs on it without the tidy IMD table or the Census file")
    func file7() throws {
        let file7 = DataCatalogue.iod2025File7.path
        let served = scratch.path("served")
        try writeFile7(served + "/" + file7)
        let server = try Server(root: served, log: scratch.path("requests.log"), extra: ["--drop", "\(file7)=500000"])
        // A data folder with everything the report needs but the IMD table and the Census file.
        let data = scratch.path("data")
        for f in DataCatalogue.files where f.neededByReport && !f.path.hasPrefix("imd/") && !f.path.hasPrefix("population/") {
            let target = data + "/" + f.path
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: try TestData.path(f.path))
        }
        let before = try CLI.run(["data", "status", "--data", data])
        #expect(before.status == 1)
        let run = try CLI.run(["data", "fetch", "--data", data, "--base-url", server.url, "--only", file7, "-q"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("recorded: no published checksum"))
        #expect(server.requests.contains("\(file7) range=bytes=500000-"))
        #expect(bytes(data + "/" + file7) == bytes(served + "/" + file7))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + "/.deprivation-map/manifest.json"))) as? [String: Any])
        let record = try #require((manifest["files"] as? [String: Any])?[file7] as? [String: Any])
        let reference = try CLI.runTool("/usr/bin/sha256sum", [served + "/" + file7])
        #expect(reference.stdout.hasPrefix(try #require(record["sha256"] as? String)))
        // File 7 covers the IMD table and the population: the folder is complete for the report.
        let after = try CLI.run(["data", "status", "--data", data, "--verify"])
        #expect(after.status == 0, "\(after.stdout)")
        #expect(after.stdout.contains("missing (covered by File_7_IoD2025"))
        let report = try CLI.run(["report", "--region", "Southend-on-Sea", "--data", data, "-o", scratch.path("report"), "-v"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stderr.contains("default --imd \(file7)"))
        let core = try String(contentsOfFile: scratch.path("report/core20.csv"), encoding: .utf8)
        #expect(core.contains("all,"), "\(core)")

        // Something that is not an IMD table at that address is refused and nothing kept.
        let other = scratch.path("other")
        try FileManager.default.createDirectory(atPath: other + "/imd", withIntermediateDirectories: true)
        try Data("<html>moved</html>\n".utf8).write(to: URL(fileURLWithPath: other + "/" + file7))
        let server2 = try Server(root: other, log: scratch.path("requests2.log"))
        let bad = try CLI.run(["data", "fetch", "--data", scratch.path("data2"), "--base-url", server2.url, "--only", file7, "-q"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("cannot be read as expected"), "\(bad.stdout)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("data2") + "/" + file7))
    }

    @Test("The mirror's report files are all catalogued with the size and checksum found there")
    func catalogueMatchesMirror() throws {
        let status = DataStatus.check(root: TestData.root.path, verify: true, files: DataCatalogue.files.filter { $0.size ?? 0 < 5_000_000 && $0.sha256 != nil })
        for e in status.entries { #expect(e.state == .present, "\(e.file.path): \(e.state) \(e.detail ?? "")") }
        #expect(DataStatus.check(root: TestData.root.path).reportProblems.isEmpty)
    }
}
