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

    @Test("The mirror's report files are all catalogued with the size and checksum found there")
    func catalogueMatchesMirror() throws {
        let status = DataStatus.check(root: TestData.root.path, verify: true, files: DataCatalogue.files.filter { $0.size ?? 0 < 5_000_000 && $0.sha256 != nil })
        for e in status.entries { #expect(e.state == .present, "\(e.file.path): \(e.state) \(e.detail ?? "")") }
        #expect(DataStatus.check(root: TestData.root.path).reportProblems.isEmpty)
    }
}
